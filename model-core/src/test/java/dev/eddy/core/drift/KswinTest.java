package dev.eddy.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KswinTest {

    /**
     * The p-value against a brute-force count: over every way of interleaving r older and r recent values (all
     * C(2r, r) equally likely under the null), the share whose D⁺ reaches k/r.
     */
    @Test
    void pValueIsTheShareOfInterleavingsWithALargerStatistic() {
        for (int r = 1; r <= 8; r++) {
            int[] atLeast = new int[r + 2];
            int total = 0;
            for (int mask = 0; mask < 1 << (2 * r); mask++) {
                if (Integer.bitCount(mask) != r) {
                    continue;
                }
                total++;
                // bit set: the next value in sorted order is an older one
                int older = 0;
                int recent = 0;
                int best = 0;
                for (int b = 0; b < 2 * r; b++) {
                    if ((mask >> b & 1) == 1) {
                        older++;
                    } else {
                        recent++;
                    }
                    best = Math.max(best, older - recent);
                }
                for (int k = 0; k <= best; k++) {
                    atLeast[k]++;
                }
            }
            for (int k = 0; k <= r; k++) {
                assertThat(Kswin.pValue(k, r))
                        .as("r=%d k=%d", r, k)
                        .isCloseTo((double) atLeast[k] / total, within(1e-12));
            }
        }
    }

    @Test
    void statisticIsTheLargestLeadOfTheOlderEmpiricalDistribution() {
        assertThat(Kswin.statistic(new double[] {0, 0, 0}, new double[] {1, 1, 1}))
                .isEqualTo(3);
        assertThat(Kswin.statistic(new double[] {1, 1, 1}, new double[] {0, 0, 0}))
                .isZero();
        assertThat(Kswin.statistic(new double[] {0, 0, 1}, new double[] {0, 1, 1}))
                .isEqualTo(1);
        assertThat(Kswin.statistic(new double[] {0.1, 0.2, 0.9}, new double[] {0.15, 0.3, 0.4}))
                .isEqualTo(1);
        assertThat(Kswin.statistic(new double[] {1, 2, 3}, new double[] {1, 2, 3}))
                .isZero();
    }

    private static List<Integer> drifts(double[] x, long seed) {
        Kswin kswin = new KswinConfig(0.005, 100, 30, seed, 0.05).newDetector();
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (kswin.update(x[i]) == DriftState.DRIFT) {
                found.add(i);
            }
        }
        return found;
    }

    /**
     * The replayed abrupt sequence (seed 2, draws seed 42): detections 32 and 23 examples after the rises at
     * 5,000 and 15,000, none at the fall at 10,000, and one false alarm inside the stationary last segment.
     */
    @Test
    void detectsTheRisesOfTheAbruptSequenceAndNotTheFall() {
        assertThat(drifts(Sequences.abrupt(2), 42)).containsExactly(5_032, 15_023, 15_910);
    }

    @Test
    void theSameSeedGivesTheSameDetectionsAndAnotherSeedItsOwnDraws() {
        double[] x = Sequences.noisy(4);
        assertThat(drifts(x, 42)).isEqualTo(drifts(x, 42));
        Kswin a = new KswinConfig(0.005, 100, 30, 1, 0.05).newDetector();
        Kswin b = new KswinConfig(0.005, 100, 30, 2, 0.05).newDetector();
        double[] ramp = new double[200];
        Arrays.setAll(ramp, i -> Math.sin(i) * 0.5 + i / 400.0);
        boolean differ = false;
        for (double v : ramp) {
            a.update(v);
            b.update(v);
            differ |= a.pValue() != b.pValue();
        }
        assertThat(differ).isTrue();
    }
}
