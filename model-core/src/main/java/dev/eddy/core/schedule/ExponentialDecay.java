package dev.eddy.core.schedule;

import dev.eddy.core.optim.HyperParameters;

/**
 * Keras {@code ExponentialDecay}: with p = t / decaySteps (real division), floored when
 * {@code staircase},
 *
 * <pre>
 * lr(t) = initial · decayRate^p
 * </pre>
 */
public record ExponentialDecay(double initial, double decayRate, long decaySteps, boolean staircase)
        implements LearningRateSchedule {

    /**
     * @param initial rate at t = 0, ≥ 0
     * @param decayRate factor per {@code decaySteps} updates, &gt; 0 (below 1 to decay)
     * @param decaySteps ≥ 1
     * @param staircase decay in discrete jumps every {@code decaySteps} updates
     */
    public ExponentialDecay {
        HyperParameters.nonNegative("initial", initial);
        HyperParameters.positive("decayRate", decayRate);
        HyperParameters.positive("decaySteps", decaySteps);
    }

    @Override
    public double rate(long t) {
        double p = (double) t / (double) decaySteps;
        if (staircase) {
            p = Math.floor(p);
        }
        return initial * StrictMath.pow(decayRate, p);
    }
}
