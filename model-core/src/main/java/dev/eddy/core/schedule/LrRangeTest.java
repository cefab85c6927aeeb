package dev.eddy.core.schedule;

import dev.eddy.core.optim.HyperParameters;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * Leslie Smith's learning-rate range test, as fastai's {@code lr_find}: train for up to k steps
 * while the rate grows exponentially from minLr to maxLr, and watch the smoothed loss.
 *
 * <pre>
 * lr_i     = minLr · (maxLr / minLr)^(i / (k − 1)),  i = 0 … k − 1
 * avg_i    = β·avg_{i−1} + (1 − β)·loss_i,  avg_{−1} = 0,  β = {@value #SMOOTHING}
 * smooth_i = avg_i / (1 − β^(i+1))                    (bias correction)
 * stop after step i if smooth_i &gt; {@value #DIVERGENCE_FACTOR}·min_{j≤i} smooth_j, or loss_i is not finite
 * </pre>
 *
 * <b>Suggestion:</b> the rate at the minimum of the smoothed loss divided by 10 (fastai's
 * {@code lr_min}). At the minimum the loss is already about to blow up; a tenth of it is still
 * in the fast-descending part of the curve and leaves a safety margin.
 */
public final class LrRangeTest {

    /** β of the exponential smoothing of the loss (fastai's value). */
    public static final double SMOOTHING = 0.98;

    /** The test stops once the smoothed loss exceeds this multiple of its minimum (fastai's value). */
    public static final double DIVERGENCE_FACTOR = 4;

    /** The suggested rate is the rate at the smoothed-loss minimum divided by this. */
    public static final double SUGGESTION_DIVISOR = 10;

    private final double minLr;
    private final double maxLr;
    private final int steps;

    /**
     * Result of a range test: the curve up to the step at which it stopped, and the suggestion.
     *
     * @param rates lr_i of every step run
     * @param losses loss returned by every step run
     * @param smoothedLosses bias-corrected smoothed loss of every step run
     * @param minimumIndex step with the smallest smoothed loss
     * @param diverged whether the test stopped early because the loss diverged
     * @param suggestedRate rates[minimumIndex] / {@value #SUGGESTION_DIVISOR}
     */
    public record Result(
            double[] rates,
            double[] losses,
            double[] smoothedLosses,
            int minimumIndex,
            boolean diverged,
            double suggestedRate) {

        /** Number of steps run. */
        public int length() {
            return rates.length;
        }
    }

    /**
     * @param minLr first rate, &gt; 0
     * @param maxLr last rate, &gt; minLr
     * @param steps k ≥ 2 training steps at most
     */
    public LrRangeTest(double minLr, double maxLr, int steps) {
        this.minLr = HyperParameters.positive("minLr", minLr);
        HyperParameters.positive("maxLr", maxLr);
        if (!(maxLr > minLr)) {
            throw new IllegalArgumentException("maxLr must be > minLr = " + minLr + ", got " + maxLr);
        }
        this.maxLr = maxLr;
        if (steps < 2) {
            throw new IllegalArgumentException("steps must be >= 2, got " + steps);
        }
        this.steps = steps;
    }

    /** lr_i = minLr · (maxLr / minLr)^(i / (k − 1)). */
    public double rate(int i) {
        return minLr * StrictMath.pow(maxLr / minLr, (double) i / (steps - 1));
    }

    /**
     * Runs the test.
     *
     * @param trainStep performs one training step (on the next mini-batch, continuing from the
     *     previous step's parameters) at the given learning rate and returns that batch's loss
     */
    public Result run(DoubleUnaryOperator trainStep) {
        double[] rates = new double[steps];
        double[] losses = new double[steps];
        double[] smoothed = new double[steps];
        double average = 0;
        int minimumIndex = 0;
        int n = 0;
        boolean diverged = false;
        while (n < steps) {
            int i = n++;
            rates[i] = rate(i);
            losses[i] = trainStep.applyAsDouble(rates[i]);
            average = SMOOTHING * average + (1 - SMOOTHING) * losses[i];
            smoothed[i] = average / (1 - StrictMath.pow(SMOOTHING, i + 1));
            if (smoothed[i] < smoothed[minimumIndex]) {
                minimumIndex = i;
            }
            if (!Double.isFinite(losses[i]) || smoothed[i] > DIVERGENCE_FACTOR * smoothed[minimumIndex]) {
                diverged = true;
                break;
            }
        }
        return new Result(
                Arrays.copyOf(rates, n),
                Arrays.copyOf(losses, n),
                Arrays.copyOf(smoothed, n),
                minimumIndex,
                diverged,
                rates[minimumIndex] / SUGGESTION_DIVISOR);
    }
}
