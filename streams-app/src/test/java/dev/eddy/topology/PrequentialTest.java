package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.train.Trainer;
import dev.eddy.schema.Example;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.state.ModelStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
            // The record of the evaluation after step 5(i + 1) carries what the listener (the gauges) heard at it.
            for (int i = 0; i < metrics.size(); i++) {
                TrainingFixture.Scored atStep = f.scored.get(5 * (i + 1) - 1);
                assertThat(metrics.get(i).getPrequentialMetric()).isEqualTo(atStep.metric());
                assertThat(metrics.get(i).getPrequentialWindowMetric()).isEqualTo(atStep.windowMetric());
            }
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
    void theMetricMovesAtEveryStepBeforeAnyEvaluation() {
        Map<String, String> s = settings(Map.of("model." + MODEL + ".eval-every", "1000", "prequential.window", "5"));
        try (TrainingFixture f = new TrainingFixture(s, dir)) {
            f.pipe(TrainingFixture.blobs(13, 4, MODEL));
            assertThat(f.metrics.readValuesToList()).as("no evaluation yet").isEmpty();
            assertThat(f.scored).as("one call per step").hasSize(3);
            List<Double> scores = new ArrayList<>();
            for (TrainingFixture.Scored call : f.scored) {
                for (int i = 0; i < call.labels().length; i++) {
                    scores.add(call.predicted()[i] == call.labels()[i] ? 1.0 : 0.0);
                }
            }
            TrainingFixture.Scored last = f.scored.get(2);
            ModelStatus status = f.status(MODEL);
            assertThat(status.prequentialExamples()).isEqualTo(12);
            assertThat(last.metric()).isEqualTo(status.prequentialSum() / 12);
            double window = scores.subList(7, 12).stream()
                            .mapToDouble(Double::doubleValue)
                            .sum()
                    / 5;
            assertThat(last.windowMetric()).isEqualTo(window);
        }
    }

    @Test
    void heldOutExamplesAndExamplesWhilePausedAreScoredWithTheModelInForce() {
        // A budget of 5 steps pauses the model after 20 trained examples; every later one is still scored.
        Map<String, String> s =
                settings(Map.of("holdout.fraction", "0.3", "model." + MODEL + ".budget.max-steps", "5"));
        try (TrainingFixture f = new TrainingFixture(s, dir)) {
            f.pipe(TrainingFixture.blobs(100, 9, MODEL));
            ModelStatus status = f.status(MODEL);
            assertThat(status.paused()).isTrue();
            assertThat(status.examplesTrained()).isEqualTo(20);
            assertThat(status.holdoutReceived()).isBetween(15L, 45L);
            assertThat(status.examplesTrained() + status.examplesWhilePaused() + status.holdoutReceived())
                    .isEqualTo(100);
            assertThat(status.prequentialExamples()).as("every example scored").isEqualTo(100);

            // After the pause the model no longer changes: the examples scored one by one from then on are scored
            // by the final weights, which the FINAL snapshot's trainer reproduces.
            Trainer paused = Trainer.restore(EddyConfig.of(s).models().get(MODEL), f.trainerState(MODEL));
            List<TrainingFixture.Scored> afterPause = f.scored.subList(f.scored.size() - 10, f.scored.size());
            for (TrainingFixture.Scored call : afterPause) {
                assertThat(call.predicted()).hasSize(1);
            }
            List<Example> last = TrainingFixture.blobs(100, 9, MODEL).subList(90, 100);
            for (int i = 0; i < 10; i++) {
                double[] x = last.get(i).getFeatures().stream()
                        .mapToDouble(Double::doubleValue)
                        .toArray();
                assertThat(afterPause.get(i).predicted()[0]).isEqualTo(paused.predictions(new double[][] {x})[0]);
            }
        }
    }

    @Test
    void theWindowIsRestoredExactlyAfterARestart() {
        Map<String, String> s = settings(Map.of("prequential.window", "7", "holdout.fraction", "0.2"));
        List<Example> examples = TrainingFixture.blobs(80, 21, MODEL);
        double uninterrupted;
        try (TrainingFixture f = new TrainingFixture(s, dir.resolve("a"))) {
            f.pipe(examples);
            uninterrupted = f.scored.get(f.scored.size() - 1).windowMetric();
        }
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        try (TrainingFixture f = new TrainingFixture(s, dir.resolve("b"))) {
            f.pipe(examples.subList(0, 50));
            changelogs = f.changelogs();
        }
        try (TrainingFixture f = new TrainingFixture(s, dir.resolve("c"))) {
            f.restore(changelogs);
            f.pipe(examples.subList(50, 80));
            assertThat(f.scored.get(f.scored.size() - 1).windowMetric()).isEqualTo(uninterrupted);
            List<TrainingMetrics> metrics = f.metrics.readValuesToList();
            assertThat(metrics).isNotEmpty().allSatisfy(m -> assertThat(m.getPrequentialWindowMetric())
                    .isNotNull());
        }
    }

    /**
     * A regression network pushed by a rate of 10^300 predicts NaN (∞ − ∞ in its output layer): the stream thread
     * lives (a NaN in the window made the windowed RMSE null, unboxed into the listener: NullPointerException), the
     * NaN/Inf guard skips the steps and stops a single network, and every NaN prediction scores as an infinite squared
     * error, so the prequential RMSE and its window are +∞, never NaN or null.
     */
    @ParameterizedTest(name = "ensemble {0}")
    @ValueSource(strings = {"none", "bagging"})
    void aRegressionModelThatPredictsNaNIsStoppedByTheGuardAndScoresItsNaNsAsInfiniteErrors(String ensemble) {
        Map<String, String> s = TrainingFixture.logisticModel(MODEL);
        s.put("application.id", "prequential");
        s.put("holdout.fraction", "0");
        s.put("prequential.window", "10");
        s.put("model." + MODEL + ".layers", "4:tanh,1:linear");
        s.put("model." + MODEL + ".loss", "mse");
        s.put("model." + MODEL + ".standardize-target", "false");
        s.put("model." + MODEL + ".learning-rate", "1e300");
        s.put("model." + MODEL + ".eval-every", "2");
        s.put("model." + MODEL + ".nonfinite.max-consecutive", "3");
        if (!ensemble.equals("none")) {
            s.put("model." + MODEL + ".ensemble", ensemble);
            s.put("model." + MODEL + ".ensemble.size", "3");
        }
        SplittableRandom random = new SplittableRandom(3);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            double a = random.nextGaussian() * 100;
            examples.add(Example.newBuilder()
                    .setId("r-" + i)
                    .setModelId(MODEL)
                    .setFeatures(List.of(a, random.nextGaussian()))
                    .setClassLabel(null)
                    .setTarget(1e6 * a)
                    .setEventTime(Instant.ofEpochMilli(i))
                    .setWeight(null)
                    .build());
        }
        try (TrainingFixture f = new TrainingFixture(s, dir)) {
            f.pipe(examples);
            ModelStatus status = f.status(MODEL);
            if (ensemble.equals("none")) {
                assertThat(status.paused()).as("stopped by the NaN/Inf guard").isTrue();
                assertThat(f.events).contains("paused " + MODEL);
            }
            assertThat(f.events).noneMatch(e -> e.startsWith("dead-letter"));
            assertThat(status.prequentialExamples()).as("every example scored").isEqualTo(60);
            assertThat(status.examplesTrained() + status.examplesWhilePaused()).isEqualTo(60);

            List<TrainingFixture.Scored> nan = f.scored.stream()
                    .filter(c -> Double.isNaN(c.predicted()[0]))
                    .toList();
            assertThat(nan).as("NaN predictions").isNotEmpty();
            assertThat(nan).allSatisfy(c -> {
                assertThat(c.metric()).isEqualTo(Double.POSITIVE_INFINITY);
                assertThat(c.windowMetric()).isEqualTo(Double.POSITIVE_INFINITY);
            });
            assertThat(f.scored).allSatisfy(c -> {
                assertThat(c.metric()).isNotNaN();
                assertThat(c.windowMetric()).isNotNaN();
            });
            assertThat(f.metrics.readValuesToList()).isNotEmpty().allSatisfy(m -> {
                assertThat(m.getPrequentialMetric()).isNotNull().isNotNaN();
                assertThat(m.getPrequentialWindowMetric()).isNotNull().isNotNaN();
            });
        }
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
