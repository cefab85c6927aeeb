package dev.eddy.core.data;

/** What the {@code label} column of a dataset holds. */
public enum LabelKind {
    /** A class index k ∈ {0, …, K−1}, written as an integer. */
    CLASS,
    /** A real-valued regression target y ∈ ℝ. */
    TARGET
}
