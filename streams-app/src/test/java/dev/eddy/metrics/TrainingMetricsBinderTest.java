package dev.eddy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.train.Evaluation;
import dev.eddy.core.train.StepResult;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.topology.DeadLetterReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrainingMetricsBinderTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TrainingMetricsBinder binder;

    @BeforeEach
    void bind() {
        Map<String, TrainerConfig> models = new TreeMap<>();
        models.put("clf", TrainerConfig.fromProperties(Map.of("input-size", "2", "layers", "1:sigmoid")));
        models.put("reg", TrainerConfig.fromProperties(Map.of("input-size", "3", "layers", "4:relu,1:linear")));
        binder = new TrainingMetricsBinder(models);
        binder.bindTo(registry);
    }

    @Test
    void registersEveryMeterPerModelWithDescriptionsAndUnits() {
        for (String model : new String[] {"clf", "reg"}) {
            for (String name : new String[] {
                "eddy.training.examples",
                "eddy.holdout.examples",
                "eddy.training.steps",
                "eddy.training.nonfinite.steps",
                "eddy.training.step",
                "eddy.training.loss",
                "eddy.learning.rate",
                "eddy.holdout.loss",
                "eddy.early.stopping.wait",
                "eddy.training.paused",
                "eddy.model.version",
                "eddy.model.snapshots"
            }) {
                assertThat(registry.find(name).tag("model", model).meters())
                        .as("%s{model=%s}", name, model)
                        .isNotEmpty()
                        .allSatisfy(m -> assertThat(m.getId().getDescription()).isNotBlank());
            }
        }
        assertThat(registry.find("eddy.holdout.accuracy").tag("model", "clf").gauge())
                .isNotNull();
        assertThat(registry.find("eddy.holdout.accuracy").tag("model", "reg").gauge())
                .as("regression has no accuracy")
                .isNull();
        assertThat(registry.get("eddy.training.examples").tag("model", "clf").meters())
                .extracting(m -> m.getId().getTag("paused"))
                .containsExactlyInAnyOrder("false", "true");
        assertThat(registry.get("eddy.training.examples").meter().getId().getBaseUnit())
                .isEqualTo("examples");
        assertThat(registry.get("eddy.training.steps").meter().getId().getBaseUnit())
                .isEqualTo("steps");
        assertThat(registry.get("eddy.dlq.records").meters())
                .hasSize(DeadLetterReason.values().length)
                .allSatisfy(m -> assertThat(m.getId().getBaseUnit()).isEqualTo("records"));
        assertThat(registry.get("eddy.training.loss")
                        .tag("model", "clf")
                        .gauge()
                        .value())
                .as("gauges start unknown")
                .isNaN();
    }

    @Test
    void countsExamplesStepsAndTimesSteps() {
        binder.onExample("clf", true);
        binder.onExample("clf", true);
        binder.onExample("clf", false);
        binder.onHoldoutExample("clf");
        binder.onStep("clf", new StepResult(0.693, 1.5, 0.01, false, 1), 32, 2_000_000);
        binder.onStep("clf", new StepResult(0.5, 1.2, 0.005, false, 2), 64, 4_000_000);

        assertThat(counter("eddy.training.examples", "clf", "paused", "false")).isEqualTo(2);
        assertThat(counter("eddy.training.examples", "clf", "paused", "true")).isEqualTo(1);
        assertThat(counter("eddy.training.examples", "reg", "paused", "false")).isZero();
        assertThat(registry.get("eddy.holdout.examples")
                        .tag("model", "clf")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("eddy.training.steps")
                        .tag("model", "clf")
                        .counter()
                        .count())
                .isEqualTo(2);
        var timer = registry.get("eddy.training.step").tag("model", "clf").timer();
        assertThat(timer.count()).isEqualTo(2);
        assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(6_000_000);
        assertThat(timer.max(TimeUnit.NANOSECONDS)).isEqualTo(4_000_000);
        assertThat(gauge("eddy.training.loss", "clf")).isEqualTo(0.5);
        assertThat(gauge("eddy.learning.rate", "clf")).isEqualTo(0.005);
        assertThat(gauge("eddy.training.loss", "reg")).isNaN();
    }

    @Test
    void evaluationsSetHoldoutLossAndAccuracyWhateverTheMonitoredMetric() {
        binder.onHoldoutEvaluation("clf", new Evaluation(0.41, Map.of("accuracy", 0.875, "f1", 0.7), 8));
        binder.onEvaluation("clf", metrics("clf", 0.41, "f1", 0.7, 3, false));
        assertThat(gauge("eddy.holdout.loss", "clf")).isEqualTo(0.41);
        assertThat(gauge("eddy.holdout.accuracy", "clf")).as("f1 monitored").isEqualTo(0.875);
        assertThat(gauge("eddy.early.stopping.wait", "clf")).isEqualTo(3);
        assertThat(gauge("eddy.learning.rate", "clf")).isEqualTo(0.02);
        assertThat(gauge("eddy.training.paused", "clf")).isZero();
        assertThat(gauge("eddy.prequential.accuracy", "clf"))
                .as("no prequential metric yet")
                .isNaN();

        binder.onHoldoutEvaluation("clf", new Evaluation(0.39, Map.of("accuracy", 0.75), 8));
        binder.onEvaluation("clf", metrics("clf", 0.39, "loss", 0.39, 0, true));
        binder.onPrequential("clf", new double[] {1, 0}, new double[] {1, 1}, 0.625, 0.5);
        assertThat(gauge("eddy.holdout.loss", "clf")).isEqualTo(0.39);
        assertThat(gauge("eddy.holdout.accuracy", "clf")).isEqualTo(0.75);
        assertThat(gauge("eddy.prequential.accuracy", "clf")).isEqualTo(0.625);
        assertThat(gauge("eddy.prequential.window.accuracy", "clf")).isEqualTo(0.5);
        assertThat(gauge("eddy.training.paused", "clf")).isEqualTo(1);
        binder.onPaused("clf", false);
        assertThat(gauge("eddy.training.paused", "clf")).isZero();

        binder.onPrequential("reg", new double[] {0.5}, new double[] {2}, 1.5, 1.25);
        assertThat(gauge("eddy.prequential.rmse", "reg")).isEqualTo(1.5);
        assertThat(gauge("eddy.prequential.window.rmse", "reg")).isEqualTo(1.25);
        assertThat(registry.find("eddy.prequential.accuracy")
                        .tag("model", "reg")
                        .gauge())
                .isNull();
    }

    /** eddy.model.sparsity exists for a model with prune.* only, and follows the metrics records' sparsity. */
    @Test
    void aPrunedModelHasASparsityGauge() {
        SimpleMeterRegistry own = new SimpleMeterRegistry();
        TrainingMetricsBinder b = new TrainingMetricsBinder(Map.of(
                "pruned",
                TrainerConfig.fromProperties(Map.of(
                        "input-size",
                        "2",
                        "layers",
                        "8:relu,1:sigmoid",
                        "prune.target-sparsity",
                        "0.9",
                        "prune.end-step",
                        "1000")),
                "dense",
                TrainerConfig.fromProperties(Map.of("input-size", "2", "layers", "1:sigmoid"))));
        b.bindTo(own);
        assertThat(own.find("eddy.model.sparsity").tag("model", "dense").gauge())
                .isNull();
        assertThat(own.get("eddy.model.sparsity").tag("model", "pruned").gauge().value())
                .isNaN();
        TrainingMetrics record = metrics("pruned", 0.4, "loss", 0.4, 0, false);
        record.setSparsity(0.45);
        b.onEvaluation("pruned", record);
        assertThat(own.get("eddy.model.sparsity").tag("model", "pruned").gauge().value())
                .isEqualTo(0.45);
        // An event's record carries the sparsity too; one without (null) leaves the gauge.
        b.onEvaluation("pruned", metrics("pruned", 0.4, "loss", 0.4, 0, false));
        assertThat(own.get("eddy.model.sparsity").tag("model", "pruned").gauge().value())
                .isEqualTo(0.45);
    }

    @Test
    void nonFiniteStepsAreCountedApartFromUpdates() {
        binder.onStep("clf", new StepResult(0.69, 1.5, 0.01, false, 1), 4, 1);
        binder.onStep("clf", new StepResult(Double.NaN, Double.NaN, 0.005, true, 1), 8, 1);
        assertThat(registry.get("eddy.training.steps")
                        .tag("model", "clf")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("eddy.training.nonfinite.steps")
                        .tag("model", "clf")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(gauge("eddy.learning.rate", "clf")).isEqualTo(0.005);
    }

    @Test
    void zeroWeightStepsAreCountedApartAndLeaveTheGauges() {
        binder.onStep("clf", new StepResult(0.69, 1.5, 0.01, false, 1), 4, 1);
        binder.onStep("clf", new StepResult(Double.NaN, 0, 0.01, false, 1, true), 8, 1);
        assertThat(registry.get("eddy.training.skipped.steps")
                        .tag("model", "clf")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("eddy.training.steps")
                        .tag("model", "clf")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("eddy.training.nonfinite.steps")
                        .tag("model", "clf")
                        .counter()
                        .count())
                .isZero();
        assertThat(gauge("eddy.training.loss", "clf")).isEqualTo(0.69);
    }

    @Test
    void snapshotsSetTheVersionAndCountByReason() {
        binder.onSnapshot("reg", 0, SnapshotReason.PERIODIC);
        binder.onSnapshot("reg", 1, SnapshotReason.BEST);
        binder.onSnapshot("reg", 2, SnapshotReason.PERIODIC);
        assertThat(gauge("eddy.model.version", "reg")).isEqualTo(2);
        assertThat(counter("eddy.model.snapshots", "reg", "reason", "periodic")).isEqualTo(2);
        assertThat(counter("eddy.model.snapshots", "reg", "reason", "best")).isEqualTo(1);
        assertThat(counter("eddy.model.snapshots", "reg", "reason", "final")).isZero();
    }

    @Test
    void deadLettersAreCountedByReasonCode() {
        binder.onDeadLetter(DeadLetterReason.WRONG_FEATURE_COUNT);
        binder.onDeadLetter(DeadLetterReason.WRONG_FEATURE_COUNT);
        binder.onDeadLetter(DeadLetterReason.UNDECODABLE);
        assertThat(registry.get("eddy.dlq.records")
                        .tag("reason", "wrong-feature-count")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get("eddy.dlq.records")
                        .tag("reason", "undecodable")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void ignoresModelsItWasNotGivenAndRefusesASecondRegistry() {
        int meters = registry.getMeters().size();
        binder.onExample("other", true);
        binder.onStep("other", new StepResult(1, 1, 1, false, 1), 1, 1);
        assertThat(registry.getMeters()).hasSize(meters);
        assertThat(registry.find("eddy.training.examples").tag("model", "other").meters())
                .isEmpty();
        assertThatThrownBy(() -> binder.bindTo(new SimpleMeterRegistry()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already bound");
    }

    private double counter(String name, String model, String tag, String value) {
        return registry.get(name).tag("model", model).tag(tag, value).counter().count();
    }

    private double gauge(String name, String model) {
        return registry.get(name).tag("model", model).gauge().value();
    }

    private static TrainingMetrics metrics(
            String model, double holdoutLoss, String metric, double value, int wait, boolean paused) {
        return TrainingMetrics.newBuilder()
                .setModelId(model)
                .setStep(100)
                .setExamplesSeen(3200)
                .setTrainLoss(0.5)
                .setHoldoutLoss(holdoutLoss)
                .setHoldoutMetricName(metric)
                .setHoldoutMetricValue(value)
                .setLearningRate(0.02)
                .setGradientNorm(1)
                .setEarlyStoppingWait(wait)
                .setPaused(paused)
                .setTime(Instant.ofEpochMilli(0))
                .build();
    }
}
