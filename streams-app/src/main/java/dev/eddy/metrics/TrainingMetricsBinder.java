package dev.eddy.metrics;

import dev.eddy.core.ensemble.MemberState;
import dev.eddy.core.train.Evaluation;
import dev.eddy.core.train.StepResult;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.state.ModelStatus;
import dev.eddy.topology.DeadLetterReason;
import dev.eddy.topology.TrainingListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The training topology's meters, fed by its {@link TrainingListener} callbacks. Per configured model (tag
 * {@code model}):
 *
 * <pre>
 * eddy.training.examples      counter  examples reaching the trainer, tag paused = false (trained) | true (counted only)
 * eddy.holdout.examples       counter  held-out examples added to the holdout buffer
 * eddy.training.steps         counter  optimizer updates (full mini-batches whose update was applied)
 * eddy.training.nonfinite.steps counter mini-batches whose loss or gradient was NaN/Inf: update skipped, rate backed off
 * eddy.training.skipped.steps  counter mini-batches whose example weights summed to 0: no update
 * eddy.training.step          timer    wall time of one step (forward, backward, update)
 * eddy.training.loss          gauge    mini-batch loss of the last step
 * eddy.learning.rate          gauge    learning rate of the last step or evaluation
 * eddy.holdout.loss           gauge    holdout loss of the last evaluation
 * eddy.holdout.accuracy       gauge    holdout accuracy of the last evaluation (classification models)
 * eddy.prequential.accuracy   gauge    test-then-train accuracy of every example scored (classification models)
 * eddy.prequential.rmse       gauge    test-then-train RMSE of every example scored (regression models)
 * eddy.prequential.window.accuracy, eddy.prequential.window.rmse
 *                             gauge    the same over the last prequential.window examples scored
 * eddy.early.stopping.wait    gauge    evaluations since the monitored metric last improved
 * eddy.training.paused        gauge    1 while early stopping has paused training, else 0
 * eddy.model.version          gauge    version of the newest published snapshot (NaN before the first in this process)
 * eddy.model.sparsity         gauge    fraction of kernel weights that are 0 at the last metrics record (models with
 *                                      prune.* only)
 * eddy.model.snapshots        counter  snapshots published, tag reason = periodic | best | early_stop | final | drift
 *                                      | challenger
 * eddy.drift.detections       counter  drift detector signals, tag kind = warning (a rise into the warning zone) | drift
 * eddy.drift.state            gauge    1 while the drift detector is in its warning zone, else 0
 * eddy.ensemble.member.accuracy, eddy.ensemble.member.rmse
 *                             gauge    an ensemble member's test-then-train accuracy (RMSE for regression) since its
 *                                      creation or last reset, tag member = 0..K−1 (ensemble models only)
 * eddy.ensemble.member.resets gauge    how often leveraging bagging reset the member, tag member
 * </pre>
 *
 * and {@code eddy.dlq.records} (counter, tag {@code reason} = {@link DeadLetterReason#code()}). Gauges start at NaN.
 *
 * <p>Every meter is registered in {@link #bindTo} (bind once, before the topology runs), so the listener callbacks on
 * the stream thread only look up a model's meters by id and increment or store: no registration or allocation per
 * record. Counters count this process's callbacks: after a crash, replayed records are counted again (the topics and
 * the status store are the exact record).
 */
public final class TrainingMetricsBinder implements MeterBinder, TrainingListener {

    private static final double NONE = Double.NaN;

    private final SortedMap<String, Boolean> classification = new TreeMap<>();
    /** Members of each model: K for an ensemble, 0 for one network. */
    private final SortedMap<String, Integer> members = new TreeMap<>();

    private final SortedMap<String, Boolean> pruned = new TreeMap<>();

    private volatile Map<String, ModelMeters> models = Map.of();
    private volatile Map<DeadLetterReason, Counter> deadLetters = Map.of();

    /** Meters for each of {@code models} (id → configuration; the configuration says if it classifies). */
    public TrainingMetricsBinder(Map<String, TrainerConfig> models) {
        models.forEach((id, config) -> {
            classification.put(id, config.classification());
            members.put(id, config.ensemble().enabled() ? config.ensemble().size() : 0);
            pruned.put(id, config.prune().isPresent());
        });
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (!deadLetters.isEmpty()) {
            throw new IllegalStateException("TrainingMetricsBinder is already bound to a registry");
        }
        Map<String, ModelMeters> meters = new HashMap<>();
        classification.forEach((id, classifies) ->
                meters.put(id, new ModelMeters(registry, id, classifies, pruned.get(id), members.get(id))));
        Map<DeadLetterReason, Counter> dlq = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            dlq.put(
                    reason,
                    Counter.builder("eddy.dlq.records")
                            .description("Records sent to the dead-letter topic, by reason")
                            .baseUnit("records")
                            .tag("reason", reason.code())
                            .register(registry));
        }
        deadLetters = dlq;
        models = Map.copyOf(meters);
    }

    @Override
    public void onExample(String modelId, boolean trained) {
        ModelMeters m = models.get(modelId);
        if (m != null) {
            (trained ? m.examplesTrained : m.examplesWhilePaused).increment();
        }
    }

    @Override
    public void onHoldoutExample(String modelId) {
        ModelMeters m = models.get(modelId);
        if (m != null) {
            m.holdoutExamples.increment();
        }
    }

    @Override
    public void onStep(String modelId, StepResult step, long examplesSeen, long nanos) {
        ModelMeters m = models.get(modelId);
        if (m != null) {
            if (step.skipped()) {
                // No loss and no update: the gauges keep the last step's values.
                m.skippedSteps.increment();
                return;
            }
            (step.nonFinite() ? m.nonFiniteSteps : m.steps).increment();
            m.stepTime.record(nanos, TimeUnit.NANOSECONDS);
            m.trainLoss = step.loss();
            m.learningRate = step.learningRate();
        }
    }

    @Override
    public void onEvaluation(String modelId, TrainingMetrics metrics) {
        ModelMeters m = models.get(modelId);
        if (m == null) {
            return;
        }
        m.learningRate = metrics.getLearningRate();
        m.earlyStoppingWait = metrics.getEarlyStoppingWait();
        m.paused = metrics.getPaused() ? 1 : 0;
        if (metrics.getSparsity() != null) {
            m.sparsity = metrics.getSparsity();
        }
        if (metrics.getEvent() != null) {
            switch (metrics.getEvent().getKind()) {
                case "drift-warning" -> m.driftWarnings.increment();
                case "drift" -> m.drifts.increment();
                default -> {}
            }
        }
    }

    @Override
    public void onDriftState(String modelId, boolean warning) {
        ModelMeters m = models.get(modelId);
        if (m != null) {
            m.driftState = warning ? 1 : 0;
        }
    }

    @Override
    public void onPrequential(String modelId, double[] predicted, double[] labels, double metric, double windowMetric) {
        ModelMeters m = models.get(modelId);
        if (m != null) {
            m.prequential = metric;
            m.prequentialWindow = windowMetric;
        }
    }

    @Override
    public void onHoldoutEvaluation(String modelId, Evaluation evaluation) {
        ModelMeters m = models.get(modelId);
        if (m == null) {
            return;
        }
        m.holdoutLoss = evaluation.loss();
        Double accuracy = evaluation.metrics().get("accuracy");
        if (m.classification && accuracy != null) { // a stored regression model under a classification configuration
            m.holdoutAccuracy = accuracy;
        }
    }

    @Override
    public void onSnapshot(String modelId, long version, SnapshotReason reason) {
        ModelMeters m = models.get(modelId);
        if (m != null) {
            m.version = version;
            m.snapshots.get(reason).increment();
        }
    }

    @Override
    public void onDeadLetter(DeadLetterReason reason) {
        Counter c = deadLetters.get(reason);
        if (c != null) {
            c.increment();
        }
    }

    @Override
    public void onPaused(String modelId, boolean paused) {
        ModelMeters m = models.get(modelId);
        if (m != null) {
            m.paused = paused ? 1 : 0;
        }
    }

    /**
     * Seeds the gauges a restart would leave blank until the model next steps or evaluates (a paused model never
     * does: it read {@code eddy.training.paused} 0 and NaN versions while /models said paused at version 3).
     */
    @Override
    public void onRestored(String modelId, ModelStatus status, double metric, double windowMetric) {
        ModelMeters m = models.get(modelId);
        if (m == null) {
            return;
        }
        m.paused = status.paused() ? 1 : 0;
        m.version = status.snapshotVersion() >= 0 ? status.snapshotVersion() : NONE;
        m.trainLoss = status.lastTrainLoss();
        m.learningRate = status.learningRate();
        m.holdoutLoss = status.lastHoldoutLoss();
        if (m.classification && status.holdoutMetricName().equals("accuracy")) {
            m.holdoutAccuracy = status.holdoutMetricValue();
        }
        boolean evaluated = !Double.isNaN(status.lastHoldoutLoss()) || status.earlyStoppingWait() > 0;
        m.earlyStoppingWait = evaluated ? status.earlyStoppingWait() : NONE;
        if (!Double.isNaN(metric)) {
            m.prequential = metric;
            m.prequentialWindow = windowMetric;
        }
        m.driftState = status.drift().warning() ? 1 : 0;
        onMembers(modelId, status.members());
    }

    @Override
    public void onMembers(String modelId, List<MemberState> states) {
        ModelMeters m = models.get(modelId);
        if (m != null) {
            for (MemberState state : states) {
                if (state.member() < m.memberScores.length) {
                    m.memberScores[state.member()] = state.score();
                    m.memberResets[state.member()] = state.resets();
                }
            }
        }
    }

    /**
     * One model's meters; the gauges read the volatile fields the stream thread writes (the members' arrays without
     * a barrier: a scrape may see a member's value of the step before).
     */
    private static final class ModelMeters {
        final Counter examplesTrained;
        final Counter examplesWhilePaused;
        final Counter holdoutExamples;
        final Counter steps;
        final Counter nonFiniteSteps;
        final Counter skippedSteps;
        final Timer stepTime;
        final Counter driftWarnings;
        final Counter drifts;
        final boolean classification;
        final Map<SnapshotReason, Counter> snapshots = new EnumMap<>(SnapshotReason.class);
        volatile double trainLoss = NONE;
        volatile double learningRate = NONE;
        volatile double holdoutLoss = NONE;
        volatile double holdoutAccuracy = NONE;
        volatile double prequential = NONE;
        volatile double prequentialWindow = NONE;
        volatile double earlyStoppingWait = NONE;
        volatile double paused;
        volatile double version = NONE;
        volatile double driftState;
        final double[] memberScores;
        final double[] memberResets;

        volatile double sparsity = NONE;

        ModelMeters(MeterRegistry registry, String modelId, boolean classification, boolean pruned, int members) {
            this.classification = classification;
            Tags model = Tags.of("model", modelId);
            memberScores = new double[members];
            memberResets = new double[members];
            Arrays.fill(memberScores, NONE);
            for (int i = 0; i < members; i++) {
                int member = i;
                Tags tags = model.and("member", Integer.toString(member));
                Gauge.builder(
                                classification ? "eddy.ensemble.member.accuracy" : "eddy.ensemble.member.rmse",
                                this,
                                m -> m.memberScores[member])
                        .description("An ensemble member's test-then-train " + (classification ? "accuracy" : "RMSE")
                                + " since its creation or last reset")
                        .tags(tags)
                        .strongReference(true)
                        .register(registry);
                Gauge.builder("eddy.ensemble.member.resets", this, m -> m.memberResets[member])
                        .description("How often leveraging bagging reset the ensemble member")
                        .tags(tags)
                        .strongReference(true)
                        .register(registry);
            }
            String examples = "Training examples that reached the trainer (paused=true: counted, not trained on)";
            examplesTrained = Counter.builder("eddy.training.examples")
                    .description(examples)
                    .baseUnit("examples")
                    .tags(model)
                    .tag("paused", "false")
                    .register(registry);
            examplesWhilePaused = Counter.builder("eddy.training.examples")
                    .description(examples)
                    .baseUnit("examples")
                    .tags(model)
                    .tag("paused", "true")
                    .register(registry);
            holdoutExamples = Counter.builder("eddy.holdout.examples")
                    .description("Held-out examples added to the holdout buffer")
                    .baseUnit("examples")
                    .tags(model)
                    .register(registry);
            steps = Counter.builder("eddy.training.steps")
                    .description("Optimizer updates (one per full mini-batch whose update was applied)")
                    .baseUnit("steps")
                    .tags(model)
                    .register(registry);
            nonFiniteSteps = Counter.builder("eddy.training.nonfinite.steps")
                    .description(
                            "Mini-batches with a NaN/Inf loss or gradient: update skipped, learning rate backed off")
                    .baseUnit("steps")
                    .tags(model)
                    .register(registry);
            skippedSteps = Counter.builder("eddy.training.skipped.steps")
                    .description("Mini-batches whose example weights summed to 0: no update")
                    .baseUnit("steps")
                    .tags(model)
                    .register(registry);
            stepTime = Timer.builder("eddy.training.step")
                    .description("Wall time of one optimizer step: forward, backward and update")
                    .tags(model)
                    .register(registry);
            String detections = "Drift detector signals: a rise into the warning zone, or a drift";
            driftWarnings = Counter.builder("eddy.drift.detections")
                    .description(detections)
                    .baseUnit("detections")
                    .tags(model)
                    .tag("kind", "warning")
                    .register(registry);
            drifts = Counter.builder("eddy.drift.detections")
                    .description(detections)
                    .baseUnit("detections")
                    .tags(model)
                    .tag("kind", "drift")
                    .register(registry);
            for (SnapshotReason reason : SnapshotReason.values()) {
                snapshots.put(
                        reason,
                        Counter.builder("eddy.model.snapshots")
                                .description("Model snapshots published, by reason")
                                .baseUnit("snapshots")
                                .tags(model)
                                .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                                .register(registry));
            }
            gauge(
                    registry,
                    model,
                    "eddy.training.loss",
                    "Mini-batch loss of the last optimizer step",
                    m -> m.trainLoss);
            gauge(registry, model, "eddy.learning.rate", "Learning rate in force", m -> m.learningRate);
            if (pruned) {
                gauge(
                        registry,
                        model,
                        "eddy.model.sparsity",
                        "Fraction of the kernel weights that are 0 (magnitude pruning), at the last metrics record",
                        m -> m.sparsity);
            }
            gauge(registry, model, "eddy.holdout.loss", "Holdout loss at the last evaluation", m -> m.holdoutLoss);
            if (classification) {
                gauge(
                        registry,
                        model,
                        "eddy.holdout.accuracy",
                        "Holdout accuracy at the last evaluation",
                        m -> m.holdoutAccuracy);
                gauge(
                        registry,
                        model,
                        "eddy.prequential.accuracy",
                        "Test-then-train accuracy of every example scored since the start or the last reset",
                        m -> m.prequential);
                gauge(
                        registry,
                        model,
                        "eddy.prequential.window.accuracy",
                        "Test-then-train accuracy of the last prequential.window examples scored",
                        m -> m.prequentialWindow);
            } else {
                gauge(
                        registry,
                        model,
                        "eddy.prequential.rmse",
                        "Test-then-train RMSE of every example scored since the start or the last reset",
                        m -> m.prequential);
                gauge(
                        registry,
                        model,
                        "eddy.prequential.window.rmse",
                        "Test-then-train RMSE of the last prequential.window examples scored",
                        m -> m.prequentialWindow);
            }
            gauge(
                    registry,
                    model,
                    "eddy.early.stopping.wait",
                    "Evaluations since the monitored holdout metric last improved",
                    m -> m.earlyStoppingWait);
            gauge(
                    registry,
                    model,
                    "eddy.training.paused",
                    "1 while early stopping has paused training, else 0",
                    m -> m.paused);
            gauge(registry, model, "eddy.model.version", "Version of the newest published snapshot", m -> m.version);
            gauge(
                    registry,
                    model,
                    "eddy.drift.state",
                    "1 while the drift detector is in its warning zone, else 0",
                    m -> m.driftState);
        }

        private void gauge(
                MeterRegistry registry, Tags model, String name, String description, ToDoubleFunction<ModelMeters> f) {
            Gauge.builder(name, this, f)
                    .description(description)
                    .tags(model)
                    .strongReference(true)
                    .register(registry);
        }
    }
}
