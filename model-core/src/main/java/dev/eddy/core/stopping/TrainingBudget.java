package dev.eddy.core.stopping;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A limit on training: a maximum number of optimizer steps and/or a maximum wall time. Wall time is
 * read only from the injected monotonic nanosecond clock (e.g. {@code System::nanoTime}), measured
 * from the budget's creation, so tests and replays control it.
 */
public final class TrainingBudget {

    private final long maxSteps;
    private final long maxNanos;
    private final LongSupplier nanoClock;
    private final long startNanos;

    private TrainingBudget(long maxSteps, long maxNanos, LongSupplier nanoClock) {
        this.maxSteps = maxSteps;
        this.maxNanos = maxNanos;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    /** No limit. */
    public static TrainingBudget unlimited() {
        return new TrainingBudget(Long.MAX_VALUE, Long.MAX_VALUE, () -> 0L);
    }

    /** At most {@code maxSteps} ≥ 1 optimizer steps. */
    public static TrainingBudget steps(long maxSteps) {
        return new TrainingBudget(requireSteps(maxSteps), Long.MAX_VALUE, () -> 0L);
    }

    /** At most {@code maxWallTime} (&gt; 0) of wall time on {@code nanoClock}, from now. */
    public static TrainingBudget wallTime(Duration maxWallTime, LongSupplier nanoClock) {
        return new TrainingBudget(Long.MAX_VALUE, requireNanos(maxWallTime), nanoClock);
    }

    /** Whichever comes first of {@code maxSteps} steps and {@code maxWallTime} on {@code nanoClock}. */
    public static TrainingBudget stepsOrWallTime(long maxSteps, Duration maxWallTime, LongSupplier nanoClock) {
        return new TrainingBudget(requireSteps(maxSteps), requireNanos(maxWallTime), nanoClock);
    }

    /** Whether the budget is used up after {@code stepsDone} steps. */
    public boolean exhausted(long stepsDone) {
        return stepsDone >= maxSteps || maxNanos != Long.MAX_VALUE && elapsedNanos() >= maxNanos;
    }

    /** Wall time elapsed since the budget was created, on its clock. */
    public Duration elapsed() {
        return Duration.ofNanos(elapsedNanos());
    }

    private long elapsedNanos() {
        return nanoClock.getAsLong() - startNanos;
    }

    private static long requireSteps(long maxSteps) {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be >= 1, got " + maxSteps);
        }
        return maxSteps;
    }

    private static long requireNanos(Duration maxWallTime) {
        if (maxWallTime == null || maxWallTime.isNegative() || maxWallTime.isZero()) {
            throw new IllegalArgumentException("maxWallTime must be a positive duration, got " + maxWallTime);
        }
        // durations beyond ~292 years do not fit in a long of nanoseconds: treat them as unlimited
        return maxWallTime.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : maxWallTime.toNanos();
    }
}
