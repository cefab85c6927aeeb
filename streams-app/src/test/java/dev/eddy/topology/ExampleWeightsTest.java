package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.train.Trainer;
import dev.eddy.schema.Example;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code weight} of an {@code Example} through the production topology: it weighs the example's loss in its
 * batch, a batch whose weights sum to 0 is a skipped step, a weight other than 0 or in [1e-100, 1e100] is a dead letter
 * ({@code bad-weight}), and the weights in a partial batch survive a restart.
 */
class ExampleWeightsTest {

    @TempDir
    Path dir;

    /** Weights cycled over the examples: fractions, a zero, more than 1, and absent (1). */
    private static final Double[] WEIGHTS = {0.5, 2.0, 0.0, null, 3.0, 1.25};

    private static Map<String, String> settings() {
        Map<String, String> s = new HashMap<>(TrainingFixture.logisticModel("m"));
        s.put("holdout.fraction", "0");
        s.put("snapshot-every", "1");
        return s;
    }

    /** {@link TrainingFixture#blobs} with the weights of {@code weights}, cycled. */
    private static List<Example> weighted(int n, long seed, Double... weights) {
        List<Example> out = new ArrayList<>();
        List<Example> blobs = TrainingFixture.blobs(n, seed, "m");
        for (int i = 0; i < n; i++) {
            Example e = blobs.get(i);
            e.setWeight(weights[i % weights.length]);
            out.add(e);
        }
        return out;
    }

    private static double[][] features(List<Example> batch) {
        return batch.stream()
                .map(e -> e.getFeatures().stream()
                        .mapToDouble(Double::doubleValue)
                        .toArray())
                .toArray(double[][]::new);
    }

    private static double[] labels(List<Example> batch) {
        return batch.stream().mapToDouble(Example::getClassLabel).toArray();
    }

    private static double[] weights(List<Example> batch) {
        return batch.stream()
                .mapToDouble(e -> e.getWeight() == null ? 1.0 : e.getWeight())
                .toArray();
    }

    @Test
    void theWeightsOfTheExamplesWeighTheirBatchLoss() {
        List<Example> input = weighted(8, 3, WEIGHTS);
        try (TrainingFixture f = new TrainingFixture(settings(), dir)) {
            f.pipe(input);
            byte[] state = f.trainerState("m");
            Trainer trained = Trainer.restore(state);
            assertThat(trained.steps()).isEqualTo(2);

            Trainer weighted = Trainer.create(trained.config());
            Trainer unweighted = Trainer.create(trained.config());
            for (int from = 0; from < 8; from += 4) {
                List<Example> batch = input.subList(from, from + 4);
                weighted.step(features(batch), labels(batch), weights(batch));
                unweighted.step(features(batch), labels(batch));
            }
            assertThat(state).isEqualTo(weighted.state());
            assertThat(state).isNotEqualTo(unweighted.state());
        }
    }

    @Test
    void aBatchWhoseWeightsSumToZeroIsASkippedStep() {
        Map<String, String> s = settings();
        s.put("model.m.eval-every", "1");
        List<Example> input = weighted(8, 4, 0.0);
        input.subList(4, 8).forEach(e -> e.setWeight(null));
        try (TrainingFixture f = new TrainingFixture(s, dir)) {
            f.pipe(input.subList(0, 4));
            Trainer t = Trainer.restore(f.trainerState("m"));
            assertThat(t.steps()).isZero();
            assertThat(t.skippedSteps()).isEqualTo(1);
            assertThat(t.nonFiniteSteps()).isZero();
            assertThat(t.examplesSeen()).isEqualTo(4);
            assertThat(f.status("m").examplesTrained()).isEqualTo(4);
            assertThat(f.status("m").lastTrainLoss()).isNaN(); // no step has had a loss yet
            assertThat(f.snapshots.isEmpty()).isTrue();
            assertThat(f.metrics.isEmpty()).isTrue();
            // 0-2 written by the commits after their records; the fourth completed the batch in its own record
            assertThat(f.storedSlots(TrainingTopology.PARTIAL_BATCH_STORE, "m")).isEqualTo(3);
            // Weights do not change prequential scoring: the zero-weight examples were scored before the step.
            assertThat(f.scored.stream().mapToInt(sc -> sc.labels().length).sum())
                    .isEqualTo(4);

            f.pipe(input.subList(4, 8));
            t = Trainer.restore(f.trainerState("m"));
            assertThat(t.steps()).isEqualTo(1);
            assertThat(t.skippedSteps()).isEqualTo(1);
            assertThat(f.snapshots.readValuesToList()).hasSize(1);
            assertThat(f.metrics.readValuesToList()).hasSize(1);
        }
    }

    /**
     * A weight must be 0 or in [1e-100, 1e100], the batch sums then stay finite and positive: 1e308 was accepted, made
     * Σ w infinite and the single network's step a no-op (w/Σ w = 0), and failed an ensemble's stream thread (its rate
     * scale NaN); 4.9e-324 beside a weight of 1 made that scale 0.
     */
    @Test
    void aWeightOutsideZeroOrItsRangeIsADeadLetterAndZeroIsNot() {
        List<Example> input = weighted(
                11,
                5,
                -1.0,
                Double.NaN,
                Double.POSITIVE_INFINITY,
                1e308,
                Double.MIN_VALUE,
                0.0,
                2.5,
                null,
                -0.0,
                1e100,
                1e-100);
        Map<String, String> s = settings();
        s.put("model.m.batch-size", "6");
        try (TrainingFixture f = new TrainingFixture(s, dir)) {
            f.pipe(input);
            List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertThat(dead).extracting(r -> header(r, "eddy.dlq.reason")).containsOnly("bad-weight");
            assertThat(dead)
                    .extracting(r -> header(r, "eddy.dlq.detail"))
                    .containsExactly(
                            "weight must be 0 or in [1e-100, 1e100], got -1.0",
                            "weight must be 0 or in [1e-100, 1e100], got NaN",
                            "weight must be 0 or in [1e-100, 1e100], got Infinity",
                            "weight must be 0 or in [1e-100, 1e100], got 1.0E308",
                            "weight must be 0 or in [1e-100, 1e100], got 4.9E-324");
            assertThat(f.events).hasSize(5).containsOnly("dead-letter bad-weight");
            // 0, 2.5, absent, −0.0 and the bounds train: one full batch.
            assertThat(Trainer.restore(f.trainerState("m")).steps()).isEqualTo(1);
        }
    }

    /** An ensemble refuses a weight of 1e308 as a dead letter and trains on (it failed the stream thread). */
    @ParameterizedTest
    @ValueSource(strings = {"bagging", "leveraging-bagging", "boosting"})
    void anEnsembleTakesTheBoundsOfTheWeightAndRefusesMore(String kind) {
        Map<String, String> s = settings();
        s.put("model.m.layers", "4:tanh,1:sigmoid");
        s.put("model.m.batch-size", "2");
        s.put("model.m.ensemble", kind);
        s.put("model.m.ensemble.size", "3");
        try (TrainingFixture f = new TrainingFixture(s, dir)) {
            f.pipe(weighted(12, 5, 1e308, 1e100, 1e-100, 1.0));
            assertThat(f.deadLetters.readRecordsToList())
                    .extracting(r -> header(r, "eddy.dlq.detail"))
                    .containsExactly(
                            "weight must be 0 or in [1e-100, 1e100], got 1.0E308",
                            "weight must be 0 or in [1e-100, 1e100], got 1.0E308",
                            "weight must be 0 or in [1e-100, 1e100], got 1.0E308");
            assertThat(f.status("m").examplesTrained()).isEqualTo(8);
            assertThat(f.status("m").steps()).isEqualTo(4);
        }
    }

    /**
     * Restarting between any two segments, with weighted examples in the partial batch at every restart (and a batch
     * whose weights sum to 0 in the stream), gives the snapshots, status and trainer state of never stopping, bit for
     * bit.
     */
    @Test
    void aRestartWithWeightedSlotsInThePartialBatchContinuesBitIdentically() {
        List<Example> input = weighted(30, 6, WEIGHTS);
        input.subList(12, 16).forEach(e -> e.setWeight(0.0));
        List<TrainingFixture.Segment> segments = List.of(
                new TrainingFixture.Segment(input.subList(0, 3), List.of()),
                new TrainingFixture.Segment(input.subList(3, 6), List.of()),
                new TrainingFixture.Segment(input.subList(6, 13), List.of()),
                new TrainingFixture.Segment(input.subList(13, 18), List.of()),
                new TrainingFixture.Segment(input.subList(18, 30), List.of()));
        TrainingFixture.Run whole = TrainingFixture.run(settings(), dir.resolve("whole"), segments, false, "m");
        TrainingFixture.Run pieces = TrainingFixture.run(settings(), dir.resolve("pieces"), segments, true, "m");

        Trainer end = Trainer.restore(whole.trainerState());
        assertThat(end.steps()).isEqualTo(6); // 7 full batches, one of them all zeros
        assertThat(end.skippedSteps()).isEqualTo(1);
        assertThat(pieces.status()).isEqualTo(whole.status());
        assertThat(pieces.trainerState()).isEqualTo(whole.trainerState());
        assertThat(pieces.snapshots()).hasSameSizeAs(whole.snapshots());
        for (int i = 0; i < whole.snapshots().size(); i++) {
            assertThat(pieces.snapshots().get(i).getParameters())
                    .isEqualTo(whole.snapshots().get(i).getParameters());
        }
    }

    private static String header(TestRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
