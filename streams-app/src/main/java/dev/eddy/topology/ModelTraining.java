package dev.eddy.topology;

import dev.eddy.core.drift.DriftWatch;
import dev.eddy.core.ensemble.MemberState;
import dev.eddy.core.prequential.RegressionScore;
import dev.eddy.core.prequential.SlidingWindow;
import dev.eddy.core.train.Evaluation;
import dev.eddy.core.train.EvaluationOutcome;
import dev.eddy.core.train.Learner;
import dev.eddy.core.train.Learners;
import dev.eddy.core.train.StepResult;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.schema.TrainingEvent;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.state.ChunkedBytes;
import dev.eddy.state.DriftStatus;
import dev.eddy.state.HoldoutBuffer;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.PartialBatch;
import dev.eddy.state.WarmStartSource;
import dev.eddy.warmstart.ResolvedWarmStart;
import dev.eddy.warmstart.WarmStartConfig;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training of one model inside its task: the live {@link Learner} (one network or an ensemble), its partial batch and holdout buffer, and the
 * counters of {@link ModelStatus}. A change is kept in memory and written to the task's stores by {@link #flushState},
 * which the trainer processor calls right before the task commits ({@link dev.eddy.state.PreCommitStore}): the
 * stores then describe the state after the last record of the commit, and committing them with the input offsets
 * (exactly-once) makes a restart continue exactly where the last commit left off. A model serializes its state once
 * per commit, not once per step (at batch size 1, once per example).
 *
 * <p>Per training example: append to the batch; at {@code batch-size} examples the prequential score of the batch
 * (below), one optimizer step (the examples' weights weigh its loss; a batch whose weights sum to 0 is a skipped
 * step, after which only the state is written), then every {@code eval-every} steps an evaluation on the holdout
 * buffer (metrics record, early stopping, plateau) — or, after a non-finite step, a metrics record of the skipped
 * update — then the snapshots that are due (new best, early stop, every {@code snapshot-every} steps). At the commit
 * the trainer state is written (chunked) with the partial batch, the drift handling, the window and the status. While
 * the trainer is stopped, examples are counted and not trained on.
 *
 * <p><b>Prequential evaluation</b> (test-then-train, River's progressive validation; {@code prequential.enabled}):
 * every example is scored by the current model in inference mode before it is used: a training example right before
 * the step on its batch, a held-out example when it arrives (it is never trained on), and, while training is paused,
 * every training example when it arrives, so a paused model's score keeps showing whether it goes stale. The model
 * only changes at batch boundaries, so this is the per-example test-then-train score. Over the n examples scored
 * since the start or the last reset: accuracy = (1/n) Σ [ŷ_i = y_i] (classification), RMSE = √((1/n) Σ (ŷ_i −
 * y_i)²) (regression), and the same over the last {@code prequential.window} examples; n and the sum are part of
 * {@link ModelStatus} and the window a record of the trainer-state store, written with the trainer state, so a replay
 * after a crash does not count an example twice. The listener hears every score as it is made.
 *
 * <p><b>Stale configuration.</b> When the stored state was written under other values of non-live keys than the
 * configured ones, the model keeps training with the stored configuration (one error is logged naming the keys);
 * examples that do not fit it are refused, for the caller to send to the dead-letter topic ({@code stale-config}). {@code reset} adopts the configured values (and empties the partial batch
 * and the holdout buffer, which may not fit them).
 */
final class ModelTraining implements TaskTraining {

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
    private final boolean prequential;
    /** The last {@code prequential.window} scores: [ŷ = y] or (ŷ − y)². */
    private SlidingWindow window;

    private final Consumer<SpecificRecord> out;
    /** The configured model, which {@code reset} starts from. */
    private final TrainerConfig configured;
    /** The warm start resolved at the application's start, null for a cold start. */
    private final ResolvedWarmStart configuredWarmStart;

    private final int holdoutSize;
    private PartialBatch batch;
    private HoldoutBuffer holdout;
    /** One network or an ensemble ({@code ensemble.*}). */
    private Learner trainer;
    /** The drift detector over the prequential errors, and the challenger it may start. */
    private DriftAdaptation drift;
    /** The trainer runs a stored configuration that differs from {@link #configured} in non-live keys. */
    private boolean stale;

    /** The source of the warm start at the model's start or last reset (its lineage), null for a cold start. */
    private WarmStartSource warmStartSource;

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
    private long prequentialExamples;
    private double prequentialSum;
    private int stateChunks;
    private int stateBytes;
    /** Something changed since the last {@link #flushState}. */
    private boolean unsaved;

    /** Wall clock and examples at the last evaluation, for examples/s (not part of the state). */
    private long lastEvaluationMs;

    private long examplesAtLastEvaluation;

    /**
     * Opens the model: restores trainer, batch, holdout buffer and counters from the stores, or starts fresh.
     *
     * @param config the model's configuration; a stored state written under other non-live values keeps its own
     * @param prequential whether to score each batch before its step
     * @param out receives snapshots and metrics records to forward
     * @param warmStart the model's warm start as resolved at the start, null for a cold start
     * @param published the versions on the snapshot topic, which a model without a stored status continues
     * @throws IllegalArgumentException when the stored state is not a readable training state
     */
    ModelTraining(
            String modelId,
            TrainerConfig config,
            int holdoutSize,
            long snapshotEvery,
            boolean prequential,
            int prequentialWindow,
            Stores stores,
            TrainingListener listener,
            Consumer<SpecificRecord> out,
            ResolvedWarmStart warmStart,
            PublishedVersions published,
            long nowMs) {
        this.modelId = modelId;
        this.configuredWarmStart = warmStart;
        this.stores = stores;
        this.listener = listener;
        this.snapshotEvery = snapshotEvery;
        this.prequential = prequential;
        this.out = out;
        this.configured = config;
        this.holdoutSize = holdoutSize;
        ModelStatus s = stores.status().get(modelId);
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
            prequentialExamples = s.prequentialExamples();
            prequentialSum = s.prequentialSum();
            stateChunks = s.stateChunks();
            stateBytes = s.stateBytes();
            warmStartSource = s.warmStart();
        } else {
            // new to this application: its first snapshot must be newer than those its id already has on the topic
            snapshotVersion = published.highest(modelId);
        }
        if (s == null || s.stateBytes() == 0) {
            trainer = freshTrainer(config);
        } else {
            trainer = restore(stores.chunks().read(modelId, s.stateChunks(), s.stateBytes()));
            if (warmStartSource != null) {
                LOG.info("model '{}' continues from its state, warm-started from {}", modelId, warmStartSource);
            }
        }
        batch = new PartialBatch(
                modelId,
                trainer.config().inputSize(),
                trainer.config().batchSize(),
                trainer.examplesSeen(),
                stores.partialBatches());
        batch.restore();
        holdout = new HoldoutBuffer(modelId, trainer.config().inputSize(), holdoutSize, stores.holdout());
        holdout.restore();
        drift = new DriftAdaptation(modelId, trainer.config(), stores);
        byte[] storedWindow = stores.trainerState().get(windowKey());
        window = storedWindow == null
                ? new SlidingWindow(prequentialWindow)
                : SlidingWindow.fromBytes(storedWindow, prequentialWindow);
        lastEvaluationMs = nowMs;
        examplesAtLastEvaluation = trainer.examplesSeen();
        if (s == null) {
            // An open model has a status at once: the status store says which models a task trains (a clean shutdown
            // counts them to wait for their FINAL snapshots); the rest of its state waits for the commit.
            stores.status().put(modelId, status());
        } else {
            if (trainer.stopped()
                    && trainer.config().restoreBestWeights()
                    && !Double.isNaN(bestHoldoutLoss)
                    && Double.doubleToLongBits(lastHoldoutLoss) != Double.doubleToLongBits(bestHoldoutLoss)) {
                // stopped by a build that restored the best weights but kept the last evaluation's scores
                scoresAreTheBest();
                changed();
            }
            listener.onRestored(modelId, status(), prequentialMetric(), windowMetric());
        }
    }

    /**
     * The trainer of the stored state: under the configured values when they match it apart from live keys, else
     * under the stored configuration ({@link #stale}), with one error naming the keys.
     */
    private Learner restore(byte[] state) {
        try {
            return Learners.restore(configured, state);
        } catch (IllegalArgumentException mismatch) {
            Learner stored;
            try {
                stored = Learners.restore(state);
            } catch (IllegalArgumentException corrupt) {
                throw new IllegalArgumentException(
                        "model '" + modelId + "': cannot continue from the stored state (" + corrupt.getMessage()
                                + "); use a new application.id",
                        corrupt);
            }
            LOG.error(
                    "model '{}': {}; training continues with the stored configuration and the configured values are"
                            + " ignored until the command 'reset {}' (which starts the model afresh with them)",
                    modelId,
                    mismatch.getMessage(),
                    modelId);
            stale = true;
            return stored;
        }
    }

    /**
     * Scores the example and adds it to the batch (a step when the batch is full), or only scores and counts it while
     * training is paused.
     *
     * @return null, or why the example does not fit the stale configuration (it is then not used)
     */
    @Override
    public ExampleCheck.Failure train(Example example, long nowMs) {
        ExampleCheck.Failure misfit = misfit(example);
        if (misfit != null) {
            return misfit;
        }
        if (trainer.stopped()) {
            adapt(scoreOnArrival(example, true), nowMs);
            examplesWhilePaused++;
            changed();
            listener.onExample(modelId, false);
            return null;
        }
        batch.add(example.getFeatures(), label(example), example.getWeight() == null ? 1.0 : example.getWeight());
        changed();
        listener.onExample(modelId, true);
        if (batch.full()) {
            step(nowMs);
        }
        return null;
    }

    /**
     * Scores the held-out example and keeps it in the holdout buffer.
     *
     * @return null, or why the example does not fit the stale configuration (it is then not used)
     */
    @Override
    public ExampleCheck.Failure holdout(Example example) {
        ExampleCheck.Failure misfit = misfit(example);
        if (misfit != null) {
            return misfit;
        }
        scoreOnArrival(example, false);
        holdout.add(example.getFeatures(), label(example));
        holdoutReceived++;
        changed();
        listener.onHoldoutExample(modelId);
        return null;
    }

    @Override
    public ExampleCheck.Failure command(ModelCommand command, long nowMs) {
        boolean wasPaused = trainer.stopped();
        switch (command.kind()) {
            case RESUME -> {
                // re-arms a stopped model only: a running one keeps its step budget and early stopping's patience
                if (trainer.stopped()) {
                    trainer.resume();
                }
            }
            case RESET -> {
                Learner fresh;
                try {
                    fresh = freshTrainer(stale ? configured : trainer.config());
                } catch (IllegalArgumentException e) {
                    // its pinned warm start does not transfer to the configuration in force (pinned under another)
                    return new ExampleCheck.Failure(
                            DeadLetterReason.BAD_COMMAND,
                            "model '" + modelId + "': 'reset' cannot start it afresh: " + e.getMessage()
                                    + "; it trains on unchanged");
                }
                if (stale) {
                    adoptConfiguration(fresh);
                } else {
                    trainer = fresh;
                    batch.renumber(trainer.examplesSeen());
                    drift.reset();
                }
                listener.onDriftState(modelId, false); // the watch starts afresh, out of any warning zone
                prequentialExamples = 0;
                prequentialSum = 0;
                window = new SlidingWindow(window.size());
                forgetBest();
                forgetHoldoutScores(); // they scored the replaced model
                intervalLossSum = 0;
                intervalSteps = 0;
            }
            case SET -> {
                try {
                    trainer.set(command.key(), command.value());
                } catch (IllegalArgumentException e) {
                    // Validated before routing against the configured model; only a combination with earlier
                    // live changes can still fail here.
                    return new ExampleCheck.Failure(
                            DeadLetterReason.BAD_COMMAND, "model '" + modelId + "': " + e.getMessage());
                }
                try {
                    drift.set(command.key(), command.value()); // a challenger that takes over keeps it
                } catch (IllegalArgumentException e) {
                    // the model took it (the command is applied); the challenger's own configuration cannot
                    LOG.warn(
                            "model '{}': the drift challenger keeps its {}: {}",
                            modelId,
                            command.key(),
                            e.getMessage());
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
            changed();
        }
        return null;
    }

    /**
     * Population-based training's exploit (or, with {@code donor} this model, its explore): the model continues from
     * the donor's network and optimizer state under {@code config} ({@link Trainer#copyOf}), keeping its own counters,
     * partial batch (resized to the new {@code batch-size}, a full one trained now), holdout buffer and prequential
     * figures; early stopping starts afresh (no best evaluation, no wait), the holdout scores of the replaced weights
     * are gone until the next evaluation (an explore keeps its weights and their scores), and the drift detector
     * starts afresh on the new model's errors. Written to the stores like every change.
     *
     * @throws IllegalArgumentException when either model is an ensemble, or {@code config} does not fit the donor's
     *     state (named by {@link Trainer#copyOf})
     */
    void exploit(ModelTraining donor, TrainerConfig config, long nowMs) {
        if (!(donor.trainer instanceof Trainer from)) {
            throw new IllegalArgumentException(
                    "model '" + modelId + "': an exploit copies one network, not an ensemble");
        }
        exploit(from, config, nowMs);
    }

    /**
     * {@link #exploit(ModelTraining, TrainerConfig, long)} from the donor's complete trainer state ({@link
     * #trainerState}): a donor trained in another task.
     *
     * @throws IllegalArgumentException when the state is not one network's, or {@code config} does not fit it
     */
    void exploit(byte[] donorState, TrainerConfig config, long nowMs) {
        exploit(Trainer.restore(donorState), config, nowMs);
    }

    private void exploit(Trainer from, TrainerConfig config, long nowMs) {
        if (!(trainer instanceof Trainer own)) {
            throw new IllegalArgumentException(
                    "model '" + modelId + "': an exploit copies one network, not an ensemble");
        }
        trainer = Trainer.copyOf(config, from).continuingFrom(own);
        forgetBest(); // the copy's early stopping starts afresh
        if (from != own) {
            forgetHoldoutScores(); // they scored the replaced weights
        }
        batch.setBatchSize(config.batchSize());
        if (config.drift().equals(own.config().drift())
                && config.driftResponse().equals(own.config().driftResponse())) {
            drift.reset();
        } else {
            // searched drift.* keys: the watch of the new configuration (a restart opens that one from the stores)
            drift.discard();
            drift = new DriftAdaptation(modelId, config, stores);
        }
        if (batch.full()) {
            step(nowMs);
        } else {
            changed();
        }
    }

    /** Starts afresh as {@code fresh}, of the configured values, with an empty partial batch and holdout buffer. */
    private void adoptConfiguration(Learner fresh) {
        batch.discard();
        holdout.clear();
        trainer = fresh;
        batch = new PartialBatch(
                modelId,
                configured.inputSize(),
                configured.batchSize(),
                trainer.examplesSeen(),
                stores.partialBatches());
        holdout = new HoldoutBuffer(modelId, configured.inputSize(), holdoutSize, stores.holdout());
        drift.discard();
        drift = new DriftAdaptation(modelId, configured, stores);
        stale = false;
        LOG.info("model '{}': reset to the configured values", modelId);
    }

    /**
     * A learner at step 0 (one network or an ensemble): cold, or (one network) warm-started from the source pinned in the store when the warm start is still
     * configured the same way (a replay after a crash or a {@code reset} starts from the very same weights), else
     * from the source resolved at this start, which is pinned now (in the transaction of the record being processed).
     */
    private Learner freshTrainer(TrainerConfig config) {
        if (configuredWarmStart == null) {
            warmStartSource = null;
            return Learners.create(config);
        }
        ResolvedWarmStart pinned = PinnedWarmStart.read(stores, modelId);
        ResolvedWarmStart w = pinned != null && pinned.configuredAs(configuredWarmStart) ? pinned : configuredWarmStart;
        Learner fresh;
        try {
            fresh = w.trainer(config);
        } catch (IllegalArgumentException refused) {
            throw new IllegalArgumentException(
                    WarmStartConfig.refusal(modelId, w.spec(), w.source(), refused.getMessage()), refused);
        }
        if (w != pinned) {
            PinnedWarmStart.write(stores, modelId, w);
        }
        warmStartSource = w.source();
        LOG.info("model '{}' warm-starts from {} ({})", modelId, warmStartSource, w.spec());
        return fresh;
    }

    /** Under a stale configuration, why the example does not fit it; null when it fits (or nothing is stale). */
    private ExampleCheck.Failure misfit(Example example) {
        return stale ? ExampleCheck.check(example, trainer.config()) : null;
    }

    /** Publishes a FINAL snapshot of the current weights (clean shutdown). */
    @Override
    public void publishFinal(long nowMs) {
        publishCurrent(SnapshotReason.FINAL, nowMs);
    }

    /** Publishes a snapshot of the current weights with the holdout scores of the last evaluation. */
    void publishCurrent(SnapshotReason reason, long nowMs) {
        publish(reason, lastHoldoutLoss, holdoutMetricValue, nowMs);
        changed();
    }

    /**
     * Deletes everything this model keeps in the stores (trainer state, partial batch, holdout buffer, window, drift,
     * status), so that the next {@code ModelTraining} under its id starts afresh: a search trial that takes a new
     * configuration.
     */
    void forget() {
        batch.discard();
        holdout.clear();
        drift.discard();
        stores.chunks().write(modelId, new byte[0], stateChunks);
        stores.trainerState().delete(windowKey());
        stores.status().delete(modelId);
        unsaved = false;
    }

    private void step(long nowMs) {
        if (prequential) {
            adapt(score(batch.features(), batch.labels(), true), nowMs);
        }
        long start = System.nanoTime();
        StepResult r = trainer.step(batch.features(), batch.labels(), batch.weights());
        long nanos = System.nanoTime() - start;
        drift.stepChallenger(batch.features(), batch.labels(), batch.weights());
        batch.clear(trainer.examplesSeen());
        if (r.skipped()) {
            // Every weight was 0: no update, so nothing to evaluate or publish; the examples count as seen.
            listener.onStep(modelId, r, trainer.examplesSeen(), nanos);
            changed();
            return;
        }
        // an ensemble's step in which no member updated (every draw 0) has no loss
        boolean noLoss = Double.isNaN(r.loss()) && !r.nonFinite();
        if (!noLoss) {
            lastTrainLoss = r.loss();
        }
        if (!r.nonFinite() && !noLoss) {
            intervalLossSum += r.loss();
            intervalSteps++;
        }
        listener.onStep(modelId, r, trainer.examplesSeen(), nanos);
        List<MemberState> members = trainer.members();
        if (!members.isEmpty()) {
            listener.onMembers(modelId, members);
        }
        boolean published = false;
        if (r.nonFinite()) {
            // The skipped update and the backed-off rate are visible in the metrics topic.
            report(r, null, null, nowMs);
        } else if (r.step() % trainer.config().evalEvery() == 0 && !trainer.stopped()) {
            published = evaluate(r, nowMs);
        }
        if (trainer.stopped() && !published) {
            // Stopped by the step budget or by repeated non-finite steps, rather than by an evaluation: either
            // restores the best weights when configured and some evaluation improved.
            if (trainer.config().restoreBestWeights() && !Double.isNaN(bestHoldoutLoss)) {
                scoresAreTheBest();
            }
            publish(SnapshotReason.EARLY_STOP, lastHoldoutLoss, holdoutMetricValue, nowMs);
            listener.onPaused(modelId, true);
            published = true;
        }
        if (!published && !r.nonFinite() && snapshotEvery > 0 && r.step() % snapshotEvery == 0) {
            publish(SnapshotReason.PERIODIC, lastHoldoutLoss, holdoutMetricValue, nowMs);
        }
        changed();
    }

    /** Scores the examples of the partial batch without a step (the end of a finite stream: nothing will use them). */
    void scorePartialBatch() {
        if (prequential && batch.size() > 0) {
            score(Arrays.copyOf(batch.features(), batch.size()), Arrays.copyOf(batch.labels(), batch.size()), false);
        }
    }

    /**
     * Test-then-train for an example that is not batched: held out, or arriving while training is paused.
     *
     * @param training whether it is a training example (whose error the drift detector watches)
     * @return the drift events it caused
     */
    private List<DriftAdaptation.Observed> scoreOnArrival(Example example, boolean training) {
        if (!prequential) {
            return List.of();
        }
        double[] x =
                example.getFeatures().stream().mapToDouble(Double::doubleValue).toArray();
        return score(new double[][] {x}, new double[] {label(example)}, training);
    }

    /**
     * Test-then-train: scores the rows with the model as it is before any step on them (inference mode, the
     * standardization statistics so far) and adds each score, [ŷ = y] or (ŷ − y)² (+∞ for a NaN ŷ, see
     * {@link RegressionScore#squaredError}), to the running sums and the window; the errors of training rows go to the
     * drift detector.
     *
     * @return the drift events, in order, for the caller to act on before anything trains on the rows
     */
    private List<DriftAdaptation.Observed> score(double[][] features, double[] labels, boolean training) {
        double[] predicted = trainer.predictions(features);
        boolean classification = trainer.config().classification();
        double[] errors = new double[labels.length];
        for (int r = 0; r < labels.length; r++) {
            errors[r] = DriftAdaptation.error(classification, predicted[r], labels[r]);
            double score = classification ? 1 - errors[r] : errors[r]; // [ŷ = y], or the squared error
            prequentialSum += score;
            window.add(score);
        }
        prequentialExamples += labels.length;
        listener.onPrequential(modelId, predicted, labels, prequentialMetric(), windowMetric());
        if (!training) {
            return List.of();
        }
        List<DriftAdaptation.Observed> events = drift.observe(features, labels, errors, !trainer.stopped());
        listener.onDriftState(modelId, drift.watch().warning());
        return events;
    }

    /**
     * Acts on the drift events of the rows just scored, before anything trains on them: a warning may start a
     * challenger; a drift re-arms the model (a paused one resumes; early stopping and plateau start afresh; the rate
     * and optimizer as {@code drift.*} says; the holdout buffer of the old concept flushed) and publishes a DRIFT
     * snapshot; a challenger that won replaces the model (CHALLENGER snapshot, scored on the holdout buffer), one that
     * lost is dropped. Every event is a metrics record with its {@code event}.
     */
    private void adapt(List<DriftAdaptation.Observed> events, long nowMs) {
        for (DriftAdaptation.Observed o : events) {
            DriftWatch.Event e = o.event();
            // the watch counts the rows it scored, paused ones too: ahead of the examples trained while a model pauses
            String at = "scored training example " + o.example();
            switch (e) {
                case WARNING -> event(e, drift.watch().detectorName() + " warns at " + at, nowMs);
                case CHALLENGER_START -> {
                    drift.startChallenger(trainer);
                    event(
                            e,
                            "a " + drift.watch().response().challenger() + " challenger trains beside the model from "
                                    + at,
                            nowMs);
                }
                case DRIFT -> {
                    boolean wasPaused = trainer.stopped();
                    trainer.rearm(drift.watch().response());
                    drift.rearm();
                    forgetBest();
                    if (drift.watch().response().flushHoldout()) {
                        holdout.clear();
                        forgetHoldoutScores(); // they were on the old concept's examples
                    }
                    boolean resumed = wasPaused && !trainer.stopped();
                    if (resumed) {
                        listener.onPaused(modelId, false);
                    }
                    event(
                            e,
                            drift.watch().detectorName() + " detects a drift at " + at
                                    + (resumed ? "; the paused model resumes" : ""),
                            nowMs);
                    publish(SnapshotReason.DRIFT, lastHoldoutLoss, holdoutMetricValue, nowMs);
                }
                case CHALLENGER_SWAP -> {
                    if (drift.challengerStopped()) {
                        // its budget or its NaN/Inf guard stopped it: it cannot train on as the model
                        drift.dropChallenger();
                        event(
                                DriftWatch.Event.CHALLENGER_DROP,
                                "the challenger was better but has stopped training: it is dropped at " + at,
                                nowMs);
                        continue;
                    }
                    boolean wasPaused = trainer.stopped();
                    trainer = drift.takeChallenger();
                    batch.renumber(trainer.examplesSeen());
                    batch.setBatchSize(trainer.config().batchSize());
                    forgetBest();
                    if (wasPaused) {
                        listener.onPaused(modelId, false); // a model paused by early stopping: the challenger trains
                    }
                    event(e, "the challenger, better on the examples both scored, becomes the model at " + at, nowMs);
                    if (holdout.size() > 0) {
                        Evaluation ev = trainer.evaluate(holdout.features(), holdout.labels());
                        lastHoldoutLoss = ev.loss();
                        holdoutMetricValue = ev.monitored(trainer.config().holdoutMonitor());
                    }
                    publish(SnapshotReason.CHALLENGER, lastHoldoutLoss, holdoutMetricValue, nowMs);
                }
                case CHALLENGER_DROP -> {
                    drift.dropChallenger();
                    event(e, "the model stayed better: the challenger is dropped at " + at, nowMs);
                }
            }
        }
    }

    /**
     * The trainer holds the best weights again (restore-best-weights at a stop): the scores every later snapshot of
     * these weights carries (the EARLY_STOP one, a FINAL one at shutdown) and the status shows are the best
     * evaluation's, not those of the weights it replaced.
     */
    private void scoresAreTheBest() {
        lastHoldoutLoss = bestHoldoutLoss;
        holdoutMetricValue = bestHoldoutMetricValue;
    }

    /** No holdout score until the next evaluation: snapshots and the status carry none. */
    private void forgetHoldoutScores() {
        lastHoldoutLoss = Double.NaN;
        holdoutMetricValue = Double.NaN;
    }

    /** Early stopping's bookkeeping starts afresh (a drift, a new model, a PBT exploit). */
    private void forgetBest() {
        bestHoldoutLoss = Double.NaN;
        bestHoldoutMetricValue = Double.NaN;
        earlyStoppingWait = 0;
    }

    /** The window's record in the trainer-state store, beside the state chunks {@code <model>/<i>}. */
    private String windowKey() {
        return modelId + "/prequential-window";
    }

    /**
     * Prequential accuracy (classification) or RMSE (regression) of the window; NaN before the first score only (a
     * score is never NaN).
     */
    private double windowMetric() {
        double mean = window.mean();
        return trainer.config().classification() ? mean : Math.sqrt(mean);
    }

    /** Prequential accuracy (classification) or RMSE (regression) so far; NaN before the first score only. */
    private double prequentialMetric() {
        if (prequentialExamples == 0) {
            return Double.NaN;
        }
        double mean = prequentialSum / prequentialExamples;
        return trainer.config().classification() ? mean : Math.sqrt(mean);
    }

    /** A metrics record's figure: null for none yet (NaN). */
    private static Double noneAsNull(double metric) {
        return Double.isNaN(metric) ? null : metric;
    }

    /** @return whether a snapshot was published */
    private boolean evaluate(StepResult r, long nowMs) {
        String monitor = trainer.config().holdoutMonitor();
        EvaluationOutcome outcome = null;
        Evaluation e = null;
        if (holdout.size() > 0) {
            e = trainer.evaluate(holdout.features(), holdout.labels());
            outcome = trainer.onEvaluation(e);
            lastHoldoutLoss = e.loss();
            holdoutMetricValue = e.monitored(monitor);
            if (outcome.improved()) {
                bestHoldoutLoss = lastHoldoutLoss;
                bestHoldoutMetricValue = holdoutMetricValue;
            }
            // Keras' wait: evaluations since the best one (all of them while none has improved).
            int index = outcome.evaluation();
            earlyStoppingWait =
                    index < 0 ? 0 : trainer.best().map(b -> index - b.getKey()).orElse(index + 1);
        }
        report(r, e, monitor, nowMs);
        intervalLossSum = 0;
        intervalSteps = 0;
        lastEvaluationMs = nowMs;
        examplesAtLastEvaluation = trainer.examplesSeen();
        if (outcome == null) {
            return false;
        }
        if (outcome.stopped()) {
            if (outcome.restoredBestWeights()) {
                scoresAreTheBest();
            }
            publish(SnapshotReason.EARLY_STOP, lastHoldoutLoss, holdoutMetricValue, nowMs);
            listener.onPaused(modelId, true);
            return true;
        }
        if (outcome.improved()) {
            publish(SnapshotReason.BEST, lastHoldoutLoss, holdoutMetricValue, nowMs);
            return true;
        }
        return false;
    }

    /**
     * Publishes a metrics record: at an evaluation ({@code r} finite; {@code e} the holdout evaluation, null when
     * the holdout buffer is empty) with the mean train loss of the interval, or for a non-finite step ({@code e}
     * null) with that step's non-finite loss or gradient norm and the backed-off learning rate.
     */
    private void report(StepResult r, Evaluation e, String monitor, long nowMs) {
        double seconds = (nowMs - lastEvaluationMs) / 1000.0;
        long examples = trainer.examplesSeen() - examplesAtLastEvaluation;
        double trainLoss = r.nonFinite() ? r.loss() : intervalSteps == 0 ? Double.NaN : intervalLossSum / intervalSteps;
        TrainingMetrics metrics = record(r.step(), trainLoss, r.gradientNorm(), nowMs)
                .setHoldoutLoss(e == null ? null : lastHoldoutLoss)
                .setHoldoutMetricName(e == null ? null : monitor.substring("holdout_".length()))
                .setHoldoutMetricValue(e == null ? null : holdoutMetricValue)
                .setExamplesPerSecond(seconds > 0 ? examples / seconds : 0)
                .build();
        out.accept(metrics);
        if (e != null) {
            listener.onHoldoutEvaluation(modelId, e);
        }
        listener.onEvaluation(modelId, metrics);
    }

    /**
     * Publishes the metrics record of a drift event: the counters as they are, the last step's loss, no holdout
     * scores, and the {@code event}.
     */
    private void event(DriftWatch.Event e, String detail, long nowMs) {
        TrainingMetrics metrics = record(trainer.steps(), lastTrainLoss, Double.NaN, nowMs)
                .setEvent(new TrainingEvent(e.kind(), detail))
                .build();
        out.accept(metrics);
        listener.onEvaluation(modelId, metrics);
    }

    /** A metrics record with the fields every record has. */
    private TrainingMetrics.Builder record(long step, double trainLoss, double gradientNorm, long nowMs) {
        return TrainingMetrics.newBuilder()
                .setModelId(modelId)
                .setStep(step)
                .setSnapshotVersion(snapshotVersion < 0 ? null : snapshotVersion)
                .setExamplesSeen(trainer.examplesSeen())
                .setTrainLoss(trainLoss)
                .setLearningRate(trainer.learningRate())
                .setGradientNorm(gradientNorm)
                .setEarlyStoppingWait(earlyStoppingWait)
                .setPaused(trainer.stopped())
                .setPrequentialMetric(noneAsNull(prequentialMetric()))
                .setPrequentialWindowMetric(noneAsNull(windowMetric()))
                .setSparsity(trainer.config().prune().isPresent() ? trainer.sparsity() : null)
                .setTime(Instant.ofEpochMilli(nowMs));
    }

    private void publish(SnapshotReason reason, double loss, double metric, long nowMs) {
        snapshotVersion++;
        Map<String, Double> scores = new HashMap<>();
        if (!Double.isNaN(loss)) {
            scores.put("loss", loss);
        }
        String monitor = trainer.config().holdoutMonitor();
        if (!Double.isNaN(metric) && !monitor.equals("holdout_loss")) {
            scores.put(monitor.substring("holdout_".length()), metric);
        }
        ModelSnapshot snapshot =
                SnapshotBuilder.build(modelId, snapshotVersion, trainer, reason, scores, warmStartSource, nowMs);
        out.accept(snapshot);
        listener.onSnapshot(modelId, snapshotVersion, reason);
    }

    /** Marks the model for the next {@link #flushState}. */
    private void changed() {
        unsaved = true;
    }

    /**
     * Writes what changed since the last call: the trainer state (chunked), the examples of the partial batch and of
     * the holdout buffer not yet written, the drift watch and challenger, the prequential window and the status.
     */
    @Override
    public void flushState() {
        if (!unsaved) {
            return;
        }
        byte[] state = trainer.state();
        stateChunks = stores.chunks().write(modelId, state, stateChunks);
        stateBytes = state.length;
        batch.persist();
        holdout.persist();
        drift.write();
        stores.trainerState().put(windowKey(), window.toBytes());
        stores.status().put(modelId, status());
        unsaved = false;
    }

    /** The model's predictions now (inference mode). */
    double[] predictions(double[][] features) {
        return trainer.predictions(features);
    }

    /** The trainer's complete state. */
    byte[] trainerState() {
        return trainer.state();
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
                trainer.config().holdoutMonitor().substring("holdout_".length()),
                holdoutMetricValue,
                bestHoldoutLoss,
                bestHoldoutMetricValue,
                earlyStoppingWait,
                trainer.learningRate(),
                intervalLossSum,
                intervalSteps,
                prequentialExamples,
                prequentialSum,
                stateChunks,
                stateBytes,
                prequential ? drift.status() : DriftStatus.NONE, // without prequential scoring nothing is watched
                warmStartSource,
                trainer.members(),
                null);
    }

    /** The holdout metric reported with evaluations: early stopping's monitor, else plateau's, else the loss. */
    private static double label(Example example) {
        return example.getClassLabel() != null ? example.getClassLabel() : example.getTarget();
    }
}
