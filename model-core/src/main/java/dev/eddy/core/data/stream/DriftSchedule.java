package dev.eddy.core.data.stream;

import java.util.Arrays;

/**
 * Abrupt drift at fixed positions: the concept of the example at 0-based position p is the number of drift points
 * t_j with t_j ≤ p, so concept 0 holds before the first point, concept 1 from it to the second, and so on. A
 * periodic schedule has the points T, 2T, 3T, … without end: concept(p) = ⌊p / T⌋.
 */
public final class DriftSchedule {

    private final long[] points;
    private final long period;

    private DriftSchedule(long[] points, long period) {
        this.points = points;
        this.period = period;
    }

    /**
     * @param points drift positions, strictly increasing, each ≥ 1 (none: a stream without drift)
     */
    public DriftSchedule(long... points) {
        this(points.clone(), 0);
        for (int j = 0; j < points.length; j++) {
            if (points[j] < 1 || (j > 0 && points[j] <= points[j - 1])) {
                throw new IllegalArgumentException(
                        "drift points must be strictly increasing positions >= 1, got " + Arrays.toString(points));
            }
        }
    }

    /** Drift every {@code period} examples, without end. */
    public static DriftSchedule periodic(long period) {
        if (period < 1) {
            throw new IllegalArgumentException("period must be >= 1, got " + period);
        }
        return new DriftSchedule(new long[0], period);
    }

    /** The concept index at 0-based position p: |{j : t_j ≤ p}|, or ⌊p / T⌋ when periodic. */
    public int concept(long position) {
        if (period > 0) {
            return (int) Math.min(position / period, Integer.MAX_VALUE);
        }
        int k = 0;
        while (k < points.length && points[k] <= position) {
            k++;
        }
        return k;
    }
}
