package dev.eddy.core.ensemble;

import dev.eddy.core.drift.DriftState;

/**
 * One ensemble member as the status and the metrics show it.
 *
 * @param member its index m, 0..K−1
 * @param resets how often leveraging bagging reset it
 * @param drift its ADWIN's state at the last example it scored ({@link DriftState#NONE} without one)
 * @param metric what {@code score} is: {@code accuracy} (classification) or {@code rmse} (regression)
 * @param score its prequential accuracy (classification) or RMSE (regression) since its creation or last reset, on
 *     the training examples it scored before its steps; NaN before any
 */
public record MemberState(int member, int resets, DriftState drift, String metric, double score) {}
