package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.train.Trainer;
import dev.eddy.schema.Example;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.state.ModelStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prequential (test-then-train) evaluation, and a stored model whose non-live configuration differs from the
 * configured one.
 */
class PrequentialTest {

    private static final String MODEL = "m";
    private static final int BATCH = 4;

    @TempDir
    Path dir;

    private static Map<String, String> settings(Map<String, String> overrides) {
        Map<String, String> s = TrainingFixture.logisticModel(MODEL);
        s.put("application.id", "prequential");
        s.put("holdout.fraction", "0");
        s.put("model." + MODEL + ".eval-every", "5");
        s.putAll(overrides);
        return s;
    }

    @Test
    void theRunningAccuracyEqualsAReferenceTrainerThatPredictsThenSteps() {
        List<Example> examples = TrainingFixture.blobs(202, 11, MODEL);
        List<TrainingMetrics> metrics;
        ModelStatus status;
        Map<String, String> s = settings(Map.of());
        try (TrainingFixture f = new TrainingFixture(s, dir)) {
            f.pipe(examples);
            metrics = f.metrics.readValuesToList();
            status = f.status(MODEL);
        }

        Trainer reference = Trainer.create(EddyConfig.of(s).models().get(MODEL));
        long correct = 0;
        long scored = 0;
        double lastAtEvaluation = Double.NaN;
        for (int start = 0; start + BATCH <= examples.size(); start += BATCH) {
            double[][] x = new double[BATCH][];
            double[] y = new double[BATCH];
            for (int i = 0; i < BATCH; i++) {
                Example e = examples.get(start + i);
                x[i] = e.getFeatures().stream().mapToDouble(Double::doubleValue).toArray();
                y[i] = e.getClassLabel();
            }
            double[][] p = reference.predict(x);
            for (int i = 0; i < BATCH; i++) {
                correct += (p[i][0] >= 0.5 ? 1 : 0) == (int) y[i] ? 1 : 0;
            }
            scored += BATCH;
            long step = reference.step(x, y).step();
            if (step % 5 == 0) {
                lastAtEvaluation = (double) correct / scored;
            }
        }

        assertThat(status.prequentialExamples()).isEqualTo(scored).isEqualTo(200);
        assertThat(status.prequentialSum()).isEqualTo(correct);
        assertThat(metrics).hasSize(10).allSatisfy(m -> assertThat(m.getPrequentialMetric())
                .isNotNull());
        assertThat(metrics.get(metrics.size() - 1).getPrequentialMetric()).isEqualTo(lastAtEvaluation);
        assertThat(lastAtEvaluation)
                .as("blobs are separable: better than chance")
                .isGreaterThan(0.6);
    }

    @Test
    void theSwitchMustBeABoolean() {
        assertThatThrownBy(() -> EddyConfig.of(settings(Map.of("prequential.enabled", "yes"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prequential.enabled must be true or false, got 'yes'");
    }

    @Test
    void disabledItReportsNothing() {
        try (TrainingFixture f = new TrainingFixture(settings(Map.of("prequential.enabled", "false")), dir)) {
            f.pipe(TrainingFixture.blobs(40, 3, MODEL));
            assertThat(f.metrics.readValuesToList()).isNotEmpty().allSatisfy(m -> assertThat(m.getPrequentialMetric())
                    .isNull());
            assertThat(f.status(MODEL).prequentialExamples()).isZero();
        }
    }

    @Test
    void aStoredModelWithAnotherNonLiveConfigurationKeepsTrainingUntilReset() {
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        try (TrainingFixture f = new TrainingFixture(settings(Map.of()), dir.resolve("a"))) {
            f.pipe(TrainingFixture.blobs(40, 5, MODEL));
            assertThat(f.status(MODEL).steps()).isEqualTo(10);
            changelogs = f.changelogs();
        }
        // The file now asks for another optimizer and 3 inputs: non-live keys the stored state was not written with.
        Map<String, String> changed =
                settings(Map.of("model." + MODEL + ".optimizer", "adam", "model." + MODEL + ".input-size", "3"));
        try (TrainingFixture f = new TrainingFixture(changed, dir.resolve("b"))) {
            f.restore(changelogs);
            f.pipe(withInputs(TrainingFixture.blobs(8, 6, MODEL), 3));
            ModelStatus stale = f.status(MODEL);
            assertThat(stale.steps())
                    .as("3-feature examples do not fit the stored model")
                    .isEqualTo(10);
            assertThat(stale.examplesTrained()).isEqualTo(40);

            f.command("reset " + MODEL);
            f.pipe(withInputs(TrainingFixture.blobs(8, 7, MODEL), 3));
            ModelStatus reset = f.status(MODEL);
            assertThat(reset.steps()).as("reset adopts the configured values").isEqualTo(2);
            assertThat(reset.examplesTrained()).isEqualTo(8);
            List<TrainingMetrics> metrics = f.metrics.readValuesToList();
            assertThat(metrics).isEmpty();
        }
        // A change of a non-live key that the examples still fit: training continues with the stored configuration.
        try (TrainingFixture f =
                new TrainingFixture(settings(Map.of("model." + MODEL + ".optimizer", "adam")), dir.resolve("c"))) {
            f.restore(changelogs);
            f.pipe(TrainingFixture.blobs(8, 8, MODEL));
            assertThat(f.status(MODEL).steps()).isEqualTo(12);
            assertThat(f.status(MODEL).prequentialExamples()).isEqualTo(48);
        }
    }

    /** The examples with a third feature, 0. */
    private static List<Example> withInputs(List<Example> examples, int n) {
        return examples.stream()
                .map(e -> {
                    List<Double> x = new ArrayList<>(e.getFeatures());
                    while (x.size() < n) {
                        x.add(0.0);
                    }
                    return Example.newBuilder(e).setFeatures(x).build();
                })
                .toList();
    }
}
