package dev.eddy.core.train;

/** Why a {@link Trainer} stopped taking steps; {@link Trainer#resume()} re-arms it. */
public enum StopReason {
    /** Early stopping: the monitored holdout metric stopped improving. */
    EARLY_STOPPING,
    /** {@code budget.max-steps} steps since creation or the last resume. */
    BUDGET,
    /** {@code nonfinite.max-consecutive} non-finite steps in a row. */
    NON_FINITE
}
