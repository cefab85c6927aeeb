package dev.eddy.core.schedule;

import dev.eddy.core.optim.HyperParameters;

/** lr(t) = lr for every t. */
public record ConstantRate(double lr) implements LearningRateSchedule {

    public ConstantRate {
        HyperParameters.nonNegative("lr", lr);
    }

    @Override
    public double rate(long t) {
        return lr;
    }
}
