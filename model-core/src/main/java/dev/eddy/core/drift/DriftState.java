package dev.eddy.core.drift;

/** What one {@link DriftDetector#update} found. */
public enum DriftState {
    /** The error has not risen measurably. */
    NONE,
    /** The error may be rising: a looser test fired (a challenger can start learning the new concept). */
    WARNING,
    /** The error has risen: the concept the model learned no longer holds. */
    DRIFT
}
