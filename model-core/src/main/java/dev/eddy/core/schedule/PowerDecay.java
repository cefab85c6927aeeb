package dev.eddy.core.schedule;

import dev.eddy.core.optim.HyperParameters;

/**
 * Polynomial inverse-time decay (with power = 1, Keras {@code InverseTimeDecay} with decay_rate 1):
 *
 * <pre>
 * lr(t) = initial / (1 + t / decaySteps)^power
 * </pre>
 */
public record PowerDecay(double initial, long decaySteps, double power) implements LearningRateSchedule {

    /**
     * @param initial rate at t = 0, ≥ 0
     * @param decaySteps ≥ 1
     * @param power ≥ 0
     */
    public PowerDecay {
        HyperParameters.nonNegative("initial", initial);
        HyperParameters.positive("decaySteps", decaySteps);
        HyperParameters.nonNegative("power", power);
    }

    @Override
    public double rate(long t) {
        return initial / StrictMath.pow(1 + (double) t / (double) decaySteps, power);
    }
}
