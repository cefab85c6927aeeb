package dev.eddy.topology;

import dev.eddy.core.train.Evaluation;
import dev.eddy.core.train.EvaluationOutcome;
import dev.eddy.core.train.StepResult;
import dev.eddy.core.train.StopReason;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.state.ChunkedBytes;
import dev.eddy.state.HoldoutBuffer;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.PartialBatch;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training of one model inside its task: the live {@link Trainer}, its partial batch and holdout buffer, and the
 * counters of {@link ModelStatus}. Every change is written to the task's stores before the record that caused it is
 * done, so the stores always describe the state after the last processed record; committing them with the input
 * offsets (exactly-once) makes a restart continue exactly where the last commit left off.
 *
 * <p>Per training example: append to the batch; at {@code batch-size} examples one optimizer step, then every
 * {@code eval-every} steps an evaluation on the holdout buffer (metrics record, early stopping, plateau), then the
 * snapshots that are due (new best, early stop, every {@code snapshot-every} steps), then the trainer state is
 * written (chunked) with the status. While the trainer is stopped, examples are counted and not trained on.
 */
final class ModelTraining {

    private static final Logger LOG = LoggerFactory.getLogger(ModelTraining.class);

    /** The stores of the trainer processor's task. */
    record Stores(
            KeyValueStore<String, byte[]> trainerState,
            ChunkedBytes chunks,
            KeyValueStore<String, byte[]> partialBatches,
            KeyValueStore<String, byte[]> holdout,
            KeyValueStore<String, ModelStatus> status) {}

    private final String modelId;
    private final Stores stores;
    private final TrainingListener listener;
    private final long snapshotEvery;
    private final Consumer<SpecificRecord> out;
    private final PartialBatch batch;
    private final HoldoutBuffer holdout;
    private Trainer trainer;

    private long snapshotVersion = -1;
    private long examplesWhilePaused;
    private long holdoutReceived;
    private double lastTrainLoss = Double.NaN;
    private double lastHoldoutLoss = Double.NaN;
    private double holdoutMetricValue = Double.NaN;
    private double bestHoldoutLoss = Double.NaN;
    private double bestHoldoutMetricValue = Double.NaN;
    private int earlyStoppingWait;
    private double intervalLossSum;
    private long intervalSteps;
    private int stateChunks;
    private int stateBytes;

    /** Wall clock and examples at the last evaluation, for examples/s (not part of the state). */
    private long lastEvaluationMs;

    private long examplesAtLastEvaluation;

    /**
     * Opens the model: restores trainer, batch, holdout buffer and counters from the stores, or starts fresh.
     *
     * @param config the model's configuration; must match the stored state apart from live keys
     * @param out receives snapshots and metrics records to forward
     * @throws IllegalArgumentException when the stored state was written with an incompatible configuration
     */
    ModelTraining(
            String modelId,
            TrainerConfig config,
            int holdoutSize,
            long snapshotEvery,
            Stores stores,
            TrainingListener listener,
            Consumer<SpecificRecord> out,
            long nowMs) {
        this.modelId = modelId;
        this.stores = stores;
        this.listener = listener;
        this.snapshotEvery = snapshotEvery;
        this.out = out;
        ModelStatus s = stores.status().get(modelId);
        if (s == null || s.stateBytes() == 0) {
            trainer = Trainer.create(config);
        } else {
            try {
                trainer = Trainer.restore(config, stores.chunks().read(modelId, s.stateChunks(), s.stateBytes()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "model '" + modelId + "': cannot continue from the stored state (" + e.getMessage()
                                + "); restore the configuration or use a new application.id",
                        e);
            }
        }
        if (s != null) {
            snapshotVersion = s.snapshotVersion();
            examplesWhilePaused = s.examplesWhilePaused();
            holdoutReceived = s.holdoutReceived();
            lastTrainLoss = s.lastTrainLoss();
            lastHoldoutLoss = s.lastHoldoutLoss();
            holdoutMetricValue = s.holdoutMetricValue();
            bestHoldoutLoss = s.bestHoldoutLoss();
            bestHoldoutMetricValue = s.bestHoldoutMetricValue();
            earlyStoppingWait = s.earlyStoppingWait();
            intervalLossSum = s.intervalLossSum();
            intervalSteps = s.intervalSteps();
            stateChunks = s.stateChunks();
            stateBytes = s.stateBytes();
        }
        batch = new PartialBatch(modelId, config.inputSize(), trainer.config().batchSize(), stores.partialBatches());
        batch.restore();
        holdout = new HoldoutBuffer(modelId, config.inputSize(), holdoutSize, stores.holdout());
        holdout.restore();
        lastEvaluationMs = nowMs;
        examplesAtLastEvaluation = trainer.examplesSeen();
    }

    void train(Example example, long nowMs) {
        if (trainer.stopped()) {
            examplesWhilePaused++;
            writeStatus();
            listener.onExample(modelId, false);
            return;
        }
        batch.add(example.getFeatures(), label(example));
        listener.onExample(modelId, true);
        if (batch.full()) {
            step(nowMs);
        }
    }

    void holdout(Example example) {
        holdout.add(example.getFeatures(), label(example));
        holdoutReceived++;
        writeStatus();
        listener.onHoldoutExample(modelId);
    }

    void command(ModelCommand command, long nowMs) {
        boolean wasPaused = trainer.stopped();
        switch (command.kind()) {
            case RESUME -> trainer.resume();
            case RESET -> {
                trainer = Trainer.create(trainer.config());
                bestHoldoutLoss = Double.NaN;
                bestHoldoutMetricValue = Double.NaN;
                earlyStoppingWait = 0;
                intervalLossSum = 0;
                intervalSteps = 0;
            }
            case SET -> {
                try {
                    trainer.set(command.key(), command.value());
                } catch (IllegalArgumentException e) {
                    // Validated before routing against the configured model; only a combination with earlier
                    // live changes can still fail here. The command is already in the trainer-input log.
                    LOG.warn("model '{}': ignoring command {}: {}", modelId, command, e.getMessage());
                    listener.onDeadLetter(DeadLetterReason.BAD_COMMAND);
                    return;
                }
                if (command.key().equals("batch-size")) {
                    batch.setBatchSize(trainer.config().batchSize());
                }
            }
        }
        if (wasPaused && !trainer.stopped()) {
            listener.onPaused(modelId, false);
        }
        if (batch.full() && !trainer.stopped()) {
            step(nowMs);
        } else {
            writeState();
        }
    }

    /** Publishes a FINAL snapshot of the current weights (clean shutdown). */
    void publishFinal(long nowMs) {
        publish(SnapshotReason.FINAL, lastHoldoutLoss, holdoutMetricValue, nowMs);
        writeStatus();
    }

    private void step(long nowMs) {
        long start = System.nanoTime();
        StepResult r = trainer.step(batch.features(), batch.labels());
        long nanos = System.nanoTime() - start;
        batch.clear();
        lastTrainLoss = r.loss();
        if (!r.nonFinite()) {
            intervalLossSum += r.loss();
            intervalSteps++;
        }
        listener.onStep(modelId, r, trainer.examplesSeen(), nanos);
        boolean published = false;
        if (!r.nonFinite() && r.step() % trainer.config().evalEvery() == 0) {
            published = evaluate(r, nowMs);
        }
        if (trainer.stopped() && !published) {
            // Stopped by the step budget (which restores the best weights when configured and some evaluation
            // improved) or by repeated non-finite steps, rather than by an evaluation.
            boolean best = trainer.stopReason().orElseThrow() == StopReason.BUDGET
                    && trainer.config().restoreBestWeights()
                    && !Double.isNaN(bestHoldoutLoss);
            publish(
                    SnapshotReason.EARLY_STOP,
                    best ? bestHoldoutLoss : lastHoldoutLoss,
                    best ? bestHoldoutMetricValue : holdoutMetricValue,
                    nowMs);
            listener.onPaused(modelId, true);
            published = true;
        }
        if (!published && !r.nonFinite() && snapshotEvery > 0 && r.step() % snapshotEvery == 0) {
            publish(SnapshotReason.PERIODIC, lastHoldoutLoss, holdoutMetricValue, nowMs);
        }
        writeState();
    }

    /** @return whether a snapshot was published */
    private boolean evaluate(StepResult r, long nowMs) {
        String monitor = monitor(trainer.config());
        Double loss = null;
        Double metric = null;
        EvaluationOutcome outcome = null;
        if (holdout.size() > 0) {
            Evaluation e = trainer.evaluate(holdout.features(), holdout.labels());
            outcome = trainer.onEvaluation(e);
            lastHoldoutLoss = e.loss();
            holdoutMetricValue = e.monitored(monitor);
            loss = lastHoldoutLoss;
            metric = holdoutMetricValue;
            if (outcome.improved()) {
                bestHoldoutLoss = lastHoldoutLoss;
                bestHoldoutMetricValue = holdoutMetricValue;
            }
            // Keras' wait: evaluations since the best one (all of them while none has improved).
            int index = outcome.evaluation();
            earlyStoppingWait =
                    index < 0 ? 0 : trainer.best().map(b -> index - b.getKey()).orElse(index + 1);
        }
        double seconds = (nowMs - lastEvaluationMs) / 1000.0;
        long examples = trainer.examplesSeen() - examplesAtLastEvaluation;
        TrainingMetrics metrics = TrainingMetrics.newBuilder()
                .setModelId(modelId)
                .setStep(r.step())
                .setSnapshotVersion(snapshotVersion < 0 ? null : snapshotVersion)
                .setExamplesSeen(trainer.examplesSeen())
                .setTrainLoss(intervalSteps == 0 ? Double.NaN : intervalLossSum / intervalSteps)
                .setHoldoutLoss(loss)
                .setHoldoutMetricName(metric == null ? null : monitor.substring("holdout_".length()))
                .setHoldoutMetricValue(metric)
                .setLearningRate(trainer.learningRate())
                .setGradientNorm(r.gradientNorm())
                .setEarlyStoppingWait(earlyStoppingWait)
                .setPaused(trainer.stopped())
                .setExamplesPerSecond(seconds > 0 ? examples / seconds : 0)
                .setPrequentialMetric(null)
                .setTime(Instant.ofEpochMilli(nowMs))
                .build();
        intervalLossSum = 0;
        intervalSteps = 0;
        lastEvaluationMs = nowMs;
        examplesAtLastEvaluation = trainer.examplesSeen();
        out.accept(metrics);
        listener.onEvaluation(modelId, metrics);
        if (outcome == null) {
            return false;
        }
        if (outcome.stopped()) {
            // With restore-best-weights the trainer now holds the best weights: report their scores.
            boolean best = outcome.restoredBestWeights();
            publish(
                    SnapshotReason.EARLY_STOP,
                    best ? bestHoldoutLoss : lastHoldoutLoss,
                    best ? bestHoldoutMetricValue : holdoutMetricValue,
                    nowMs);
            listener.onPaused(modelId, true);
            return true;
        }
        if (outcome.improved()) {
            publish(SnapshotReason.BEST, lastHoldoutLoss, holdoutMetricValue, nowMs);
            return true;
        }
        return false;
    }

    private void publish(SnapshotReason reason, double loss, double metric, long nowMs) {
        snapshotVersion++;
        Map<String, Double> scores = new HashMap<>();
        if (!Double.isNaN(loss)) {
            scores.put("loss", loss);
        }
        String monitor = monitor(trainer.config());
        if (!Double.isNaN(metric) && !monitor.equals("holdout_loss")) {
            scores.put(monitor.substring("holdout_".length()), metric);
        }
        ModelSnapshot snapshot = SnapshotBuilder.build(modelId, snapshotVersion, trainer, reason, scores, nowMs);
        out.accept(snapshot);
        listener.onSnapshot(modelId, snapshotVersion, reason);
    }

    /** Writes the trainer state (chunked) and the status. */
    private void writeState() {
        byte[] state = trainer.state();
        stateChunks = stores.chunks().write(modelId, state, stateChunks);
        stateBytes = state.length;
        writeStatus();
    }

    private void writeStatus() {
        stores.status().put(modelId, status());
    }

    ModelStatus status() {
        return new ModelStatus(
                modelId,
                snapshotVersion,
                trainer.steps(),
                trainer.examplesSeen(),
                examplesWhilePaused,
                holdoutReceived,
                holdout.size(),
                trainer.stopped(),
                lastTrainLoss,
                lastHoldoutLoss,
                monitor(trainer.config()).substring("holdout_".length()),
                holdoutMetricValue,
                bestHoldoutLoss,
                bestHoldoutMetricValue,
                earlyStoppingWait,
                trainer.learningRate(),
                intervalLossSum,
                intervalSteps,
                stateChunks,
                stateBytes);
    }

    /** The holdout metric reported with evaluations: early stopping's monitor, else plateau's, else the loss. */
    private static String monitor(TrainerConfig config) {
        if (config.earlyStoppingEnabled()) {
            return config.earlyStoppingMonitor();
        }
        return config.plateauEnabled() ? config.plateauMonitor() : "holdout_loss";
    }

    private static double label(Example example) {
        return example.getClassLabel() != null ? example.getClassLabel() : example.getTarget();
    }
}
