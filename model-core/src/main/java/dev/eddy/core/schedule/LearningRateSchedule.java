package dev.eddy.core.schedule;

/**
 * A learning rate as a function of the optimizer step. {@code t} is the number of updates already
 * made (Keras {@code optimizer.iterations}), so {@code rate(t)} is the rate of update t + 1.
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The learning rate to use after {@code t ≥ 0} updates. */
    double rate(long t);
}
