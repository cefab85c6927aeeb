package dev.eddy.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.config.EddyConfig;
import dev.eddy.metrics.TrainingMetricsBinder;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.NamedTensor;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.state.ModelStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Numerical faults (issue 8): plain SGD with learning rate 10^6 on unstandardized regression data diverges. The
 * NaN/Inf guard must keep the last good parameters, lower the learning rate by {@code nonfinite.lr-factor} per
 * non-finite step, show the lowered rate in the status store, the {@code eddy.learning.rate} gauge and the metrics
 * topic, and no snapshot may ever carry a NaN or infinite parameter.
 *
 * <p>Two feature scales: 10^2, where the loss overflows before the parameters do, and 10^151, where one finite
 * gradient times the learning rate overflows the parameters themselves (the guard looks at the loss and the
 * gradient, not at the updated parameters).
 */
class NumericalFaultTest {

    private static final String MODEL = "d";
    private static final double LR = 1e6;
    private static final double LR_FACTOR = 0.1;
    private static final int BATCH = 4;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "features of scale {0}")
    @ValueSource(doubles = {1e2, 1e151})
    void theGuardLowersTheRateAndNoSnapshotCarriesANonFiniteParameter(double scale) {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", "numerical");
        s.put("holdout.fraction", "0.2");
        s.put("snapshot-every", "1");
        s.put("model." + MODEL + ".input-size", "2");
        s.put("model." + MODEL + ".layers", "1:linear");
        s.put("model." + MODEL + ".optimizer", "sgd");
        s.put("model." + MODEL + ".learning-rate", Double.toString(LR));
        s.put("model." + MODEL + ".standardize", "false");
        s.put("model." + MODEL + ".standardize-target", "false");
        s.put("model." + MODEL + ".batch-size", Integer.toString(BATCH));
        s.put("model." + MODEL + ".eval-every", "2");
        s.put("model." + MODEL + ".early-stopping.enabled", "false");
        s.put("model." + MODEL + ".nonfinite.lr-factor", Double.toString(LR_FACTOR));
        s.put("model." + MODEL + ".nonfinite.max-consecutive", "1000");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TrainingMetricsBinder binder =
                new TrainingMetricsBinder(EddyConfig.of(s).models());
        binder.bindTo(registry);

        int nonFiniteSteps = 0;
        List<ModelSnapshot> snapshots;
        List<TrainingMetrics> metrics;
        ModelStatus status;
        try (DriverRun run = new DriverRun(s, dir, binder)) {
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 800; i++) {
                double x0 = scale * random.nextGaussian();
                double x1 = scale * random.nextGaussian();
                run.examples.pipeInput(DriverRun.encode(Example.newBuilder()
                        .setId("n-" + i)
                        .setModelId(MODEL)
                        .setFeatures(List.of(x0, x1))
                        .setClassLabel(null)
                        .setTarget(3 * x0 - 2 * x1 + 1)
                        .setEventTime(Instant.ofEpochMilli(i))
                        .setWeight(null)
                        .build()));
            }
            snapshots = run.snapshots.readValuesToList();
            metrics = run.metrics.readValuesToList();
            status = run.status(MODEL);
            nonFiniteSteps = (int) Math.round(Math.log(status.learningRate() / LR) / Math.log(LR_FACTOR));
        }
        double gauge = registry.get("eddy.learning.rate").gauge().value();
        System.out.printf(
                "numerical fault, scale %.0e: %d snapshots, %d metrics records, %d steps, %d non-finite steps (lr %g),"
                        + " paused %s, gauge eddy.learning.rate %g, metrics lr %s%n",
                scale,
                snapshots.size(),
                metrics.size(),
                status.steps(),
                nonFiniteSteps,
                status.learningRate(),
                status.paused(),
                gauge,
                metrics.stream()
                        .map(TrainingMetrics::getLearningRate)
                        .distinct()
                        .toList());

        assertThat(snapshots).isNotEmpty();
        for (ModelSnapshot snapshot : snapshots) {
            for (NamedTensor t : snapshot.getParameters()) {
                ByteBuffer b = t.getValues().duplicate().order(ByteOrder.LITTLE_ENDIAN);
                while (b.remaining() >= Double.BYTES) {
                    double v = b.getDouble();
                    assertThat(Double.isFinite(v))
                            .as(
                                    "parameter %s of snapshot v%d (%s, step %d) is %s",
                                    t.getName(),
                                    snapshot.getVersion(),
                                    snapshot.getReason(),
                                    snapshot.getStepsSeen(),
                                    v)
                            .isTrue();
                }
            }
        }
        assertThat(status.learningRate()).as("learning rate after the guard").isLessThan(LR);
        assertThat(nonFiniteSteps).as("non-finite steps (lr = LR * factor^k)").isPositive();
        assertThat(gauge).as("eddy.learning.rate").isEqualTo(status.learningRate());
        // Issue 8: every non-finite step publishes a metrics record (non-finite loss or gradient norm) with the
        // backed-off rate.
        assertThat(metrics)
                .as("a metrics-topic record shows the lowered rate")
                .anySatisfy(m -> assertThat(m.getLearningRate()).isLessThan(LR));
        assertThat(metrics.stream()
                        .filter(m -> m.getEvent() == null)
                        .filter(m -> !Double.isFinite(m.getTrainLoss()) || !Double.isFinite(m.getGradientNorm()))
                        .count())
                .as("metrics records of non-finite steps")
                .isEqualTo(nonFiniteSteps);
        assertThat(registry.get("eddy.training.nonfinite.steps").counter().count())
                .as("eddy.training.nonfinite.steps")
                .isEqualTo(nonFiniteSteps);
        assertThat(registry.get("eddy.training.steps").counter().count())
                .as("eddy.training.steps counts applied updates only")
                .isEqualTo(status.steps());
    }
}
