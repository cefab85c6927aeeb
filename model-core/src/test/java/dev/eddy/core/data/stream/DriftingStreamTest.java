package dev.eddy.core.data.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.data.LabeledRow;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

class DriftingStreamTest {

    private static final LongFunction<DriftingStream> HYPERPLANE = Hyperplane::standard;
    private static final LongFunction<DriftingStream> SEA = seed -> new Sea(DriftSchedule.periodic(500), 0.1, seed);
    private static final LongFunction<DriftingStream> AGRAWAL =
            seed -> new Agrawal(new int[] {1, 2, 3}, DriftSchedule.periodic(500), 0.05, 0.05, seed);

    @Test
    void sameSeedGivesTheSameStreamAndAnotherSeedAnother() {
        for (LongFunction<DriftingStream> generator : List.of(HYPERPLANE, SEA, AGRAWAL)) {
            List<LabeledRow> a = take(generator.apply(7), 2000);
            List<LabeledRow> b = take(generator.apply(7), 2000);
            List<LabeledRow> c = take(generator.apply(8), 2000);
            for (int i = 0; i < a.size(); i++) {
                assertThat(a.get(i).features()).containsExactly(b.get(i).features());
                assertThat(a.get(i).label()).isEqualTo(b.get(i).label());
                assertThat(a.get(i).lineNumber()).isEqualTo(i + 1);
            }
            assertThat(a.get(0).features()).isNotEqualTo(c.get(0).features());
        }
    }

    @Test
    void labelsAreBinaryAndBothClassesAreCommon() {
        for (LongFunction<DriftingStream> generator : List.of(HYPERPLANE, SEA, AGRAWAL)) {
            DriftingStream stream = generator.apply(1);
            List<LabeledRow> rows = take(stream, 4000);
            double positive =
                    rows.stream().mapToDouble(LabeledRow::label).average().orElseThrow();
            assertThat(rows).allMatch(r -> r.label() == 0 || r.label() == 1);
            assertThat(rows)
                    .allMatch(r -> r.features().length == stream.featureNames().size());
            assertThat(positive).as("fraction of class 1").isBetween(0.25, 0.75);
        }
    }

    @Test
    void seaFeaturesAreInTheirRangeAndTheThresholdSwitchesAtTheDriftPoint() {
        Sea sea = new Sea(new DriftSchedule(1000), 0, 3);
        List<LabeledRow> before = take(sea, 1000);
        assertThat(sea.threshold()).isEqualTo(9);
        List<LabeledRow> after = take(sea, 3000);
        assertThat(before).allMatch(r -> r.features()[0] >= 0 && r.features()[2] < 10);
        ToIntFunction<double[]> oldConcept = x -> Sea.label(8, x);
        assertThat(agreement(before, oldConcept)).isEqualTo(1.0);
        assertThat(agreement(after, x -> Sea.label(9, x))).isEqualTo(1.0);
        // P(8 < f1 + f2 ≤ 9) = (81 − 64) / 200 = 0.085 of the examples change label.
        assertThat(agreement(after, oldConcept)).isBetween(0.88, 0.95);
    }

    @Test
    void agrawalSwitchesFunctionAtTheDriftPoint() {
        Agrawal agrawal = new Agrawal(new int[] {1, 2}, new DriftSchedule(2000), 0, 0, 5);
        List<LabeledRow> before = take(agrawal, 2000);
        List<LabeledRow> after = take(agrawal, 2000);
        ToIntFunction<double[]> oldConcept = x -> Agrawal.classify(1, x);
        assertThat(agreement(before, oldConcept)).isEqualTo(1.0);
        assertThat(agreement(after, x -> Agrawal.classify(2, x))).isEqualTo(1.0);
        assertThat(agreement(after, oldConcept)).isLessThan(0.7);
    }

    @Test
    void agrawalAttributesFollowThePaper() {
        List<LabeledRow> rows = take(new Agrawal(new int[] {10}, new DriftSchedule(), 0, 0, 9), 3000);
        for (LabeledRow r : rows) {
            double[] x = r.features();
            assertThat(x[0]).isBetween(20_000.0, 150_000.0);
            assertThat(x[1]).isEqualTo(x[0] >= 75_000 ? 0 : x[1]).isBetween(0.0, 75_000.0);
            assertThat(x[2]).isBetween(20.0, 80.0).isEqualTo(Math.rint(x[2]));
            assertThat(x[3]).isBetween(0.0, 4.0);
            assertThat(x[6]).isBetween(0.5 * (9 - x[5]) * 100_000, 1.5 * (9 - x[5]) * 100_000);
        }
        // Function 1 by hand: group A (0) outside ages 40..59.
        assertThat(Agrawal.classify(1, new double[] {50_000, 0, 39, 0, 0, 0, 0, 1, 0}))
                .isZero();
        assertThat(Agrawal.classify(1, new double[] {50_000, 0, 40, 0, 0, 0, 0, 1, 0}))
                .isOne();
        // Function 7: ⅔·90000 − 100000/5 − 20000 = 20000 > 0 → A.
        assertThat(Agrawal.classify(7, new double[] {90_000, 0, 30, 0, 0, 0, 0, 1, 100_000}))
                .isZero();
        assertThatThrownBy(() -> Agrawal.classify(11, new double[9])).hasMessageContaining("1..10, got 11");
    }

    @Test
    void hyperplaneRotatesAwayFromItsInitialConcept() {
        Hyperplane drifting = new Hyperplane(10, 10, 0.001, 0.1, 0, 11);
        double[] initial = drifting.weights();
        List<LabeledRow> start = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            double[] w = drifting.weights();
            LabeledRow r = drifting.next();
            assertThat(Hyperplane.label(w, r.features())).isEqualTo((int) r.label());
            start.add(r);
        }
        take(drifting, 30_000);
        List<LabeledRow> later = take(drifting, 1000);
        ToIntFunction<double[]> oldConcept = x -> Hyperplane.label(initial, x);
        assertThat(agreement(start, oldConcept)).isGreaterThan(0.9);
        assertThat(agreement(later, oldConcept)).isLessThan(0.85);

        Hyperplane still = new Hyperplane(10, 10, 0, 0.1, 0, 11);
        double[] w = still.weights();
        assertThat(agreement(take(still, 5000), x -> Hyperplane.label(w, x))).isEqualTo(1.0);
    }

    @Test
    void driftScheduleCountsThePointsAtOrBeforeAPosition() {
        DriftSchedule points = new DriftSchedule(10, 30);
        assertThat(java.util.stream.LongStream.of(0, 9, 10, 29, 30, 1_000).mapToObj(points::concept))
                .containsExactly(0, 0, 1, 1, 2, 2);
        DriftSchedule periodic = DriftSchedule.periodic(100);
        assertThat(java.util.stream.LongStream.of(0, 99, 100, 250, 1_000_000).mapToObj(periodic::concept))
                .containsExactly(0, 0, 1, 2, 10_000);
    }

    @Test
    void badParametersAreRejectedWithTheirName() {
        assertThatThrownBy(() -> new DriftSchedule(5, 5)).hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> new Sea(new DriftSchedule(), 1, 0)).hasMessageContaining("noise must be in [0, 1)");
        assertThatThrownBy(() -> new Hyperplane(3, 4, 0, 0, 0, 0)).hasMessageContaining("driftingFeatures");
        assertThatThrownBy(() -> new Agrawal(new int[] {0}, new DriftSchedule(), 0, 0, 0))
                .hasMessageContaining("functions must be in 1..10");
    }

    private static List<LabeledRow> take(DriftingStream stream, int n) {
        List<LabeledRow> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(stream.next());
        }
        return rows;
    }

    private static double agreement(List<LabeledRow> rows, ToIntFunction<double[]> rule) {
        return rows.stream()
                .mapToDouble(r -> rule.applyAsInt(r.features()) == (int) r.label() ? 1 : 0)
                .average()
                .orElseThrow();
    }
}
