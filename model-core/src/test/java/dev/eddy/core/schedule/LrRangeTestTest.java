package dev.eddy.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LrRangeTestTest {

    @Test
    void ratesGrowGeometricallyFromMinToMax() {
        LrRangeTest test = new LrRangeTest(1e-5, 10, 61);
        assertThat(test.rate(0)).isEqualTo(1e-5);
        assertThat(test.rate(60)).isCloseTo(10, within(1e-12));
        assertThat(test.rate(10)).isCloseTo(1e-4, within(1e-18));
    }

    @Test
    void smoothedLossIsTheBiasCorrectedExponentialAverage() {
        double[] losses = {4, 2, 3};
        int[] call = {0};
        LrRangeTest.Result result = new LrRangeTest(1e-3, 1, 3).run(lr -> losses[call[0]++]);
        double b = LrRangeTest.SMOOTHING;
        assertThat(result.smoothedLosses()[0]).isCloseTo(4, within(1e-14));
        assertThat(result.smoothedLosses()[1]).isCloseTo(((1 - b) * b * 4 + (1 - b) * 2) / (1 - b * b), within(1e-14));
        assertThat(result.losses()).containsExactly(4, 2, 3);
        assertThat(result.diverged()).isFalse();
    }

    /**
     * Gradient descent on f(w) = ½·a·w² continuing from step to step: w ← (1 − lr·a)·w contracts iff
     * lr &lt; 2/a. The loss falls until the rate passes 2/a and then explodes, so the test must stop
     * soon after 2/a and suggest a rate that converges (below 2/a) and is within a decade of the
     * optimal one-step rate 1/a. (The smoothed minimum itself lies beyond 2/a: the smoothing lags the
     * raw loss, which is what the division by 10 compensates.)
     */
    @ParameterizedTest(name = "a = {0}")
    @ValueSource(doubles = {0.5, 5, 50, 500})
    void findsAStableRateForAQuadraticAndStopsWhenItDiverges(double a) {
        double[] w = {1};
        LrRangeTest.Result result = new LrRangeTest(1e-6, 100, 100).run(lr -> {
            double loss = 0.5 * a * w[0] * w[0];
            w[0] -= lr * a * w[0];
            return loss;
        });
        assertThat(result.diverged()).isTrue();
        assertThat(result.length()).isLessThan(100);
        assertThat(result.rates()[result.length() - 1])
                .as("stopped after the rate passed 2/a")
                .isGreaterThan(2 / a);
        assertThat(result.suggestedRate()).isLessThan(2 / a).isBetween(0.1 / a, 1.9 / a);

        double[] v = {1};
        for (int s = 0; s < 200; s++) {
            v[0] -= result.suggestedRate() * a * v[0];
        }
        assertThat(Math.abs(v[0]))
                .as("training at the suggested rate converges")
                .isLessThan(1e-6);
    }

    @Test
    void aNonFiniteLossEndsTheTestAsDivergence() {
        LrRangeTest.Result result = new LrRangeTest(1e-3, 1, 10).run(lr -> lr > 0.05 ? Double.NaN : 1 - lr);
        assertThat(result.diverged()).isTrue();
        assertThat(result.rates()[result.length() - 1]).isGreaterThan(0.05);
        assertThat(result.suggestedRate()).isEqualTo(result.rates()[result.minimumIndex()] / 10);
    }

    @Test
    void rejectsAnEmptyRange() {
        assertThatThrownBy(() -> new LrRangeTest(1, 1, 10)).hasMessage("maxLr must be > minLr = 1.0, got 1.0");
        assertThatThrownBy(() -> new LrRangeTest(1e-5, 1, 1)).hasMessage("steps must be >= 2, got 1");
        assertThatThrownBy(() -> new LrRangeTest(0, 1, 10)).hasMessage("minLr must be finite and > 0, got 0.0");
    }
}
