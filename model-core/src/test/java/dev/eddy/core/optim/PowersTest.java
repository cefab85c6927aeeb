package dev.eddy.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PowersTest {

    @Test
    void integerPowersAgreeWithPowWithinTheirRoundingAndAreExactAtTheStart() {
        for (double beta : new double[] {0.9, 0.99, 0.999, 0.5, 1.0, 0.0}) {
            assertThat(Powers.integer(beta, 0)).isEqualTo(1.0);
            assertThat(Powers.integer(beta, 1)).isEqualTo(beta);
            for (long t : new long[] {2, 3, 7, 100, 1_000, 37_000, 123_457, 10_000_000}) {
                double expected = StrictMath.pow(beta, t);
                // each squaring doubles the relative error of β^(2^k): at most about t·ε in all
                assertThat(Powers.integer(beta, t))
                        .as("%s^%d", beta, t)
                        .isCloseTo(expected, within(4e-16 * t * expected));
            }
        }
    }

    @Test
    void biasCorrectionsMatchPowWhereTheyMatter() {
        // 1 − β^t is what the optimizers divide by: its relative error stays far below the golden tolerance
        for (long t = 1; t <= 5_000; t++) {
            double expected = 1 - StrictMath.pow(0.999, t);
            assertThat(1 - Powers.integer(0.999, t)).isCloseTo(expected, within(1e-12 * expected));
        }
    }
}
