package dev.eddy.core.data.stream;

import java.util.Arrays;

/**
 * Abrupt drift at fixed positions: the concept of the example at 0-based position p is the number of drift points
 * t_j with t_j ≤ p, so concept 0 holds before the first point, concept 1 from it to the second, and so on.
 */
public final class DriftSchedule {

    private final long[] points;

    /**
     * @param points drift positions, strictly increasing, each ≥ 1 (none: a stream without drift)
     */
    public DriftSchedule(long... points) {
        for (int j = 0; j < points.length; j++) {
            if (points[j] < 1 || (j > 0 && points[j] <= points[j - 1])) {
                throw new IllegalArgumentException(
                        "drift points must be strictly increasing positions >= 1, got " + Arrays.toString(points));
            }
        }
        this.points = points.clone();
    }

    /** Drift every {@code period} examples: points period, 2·period, …, count·period. */
    public static DriftSchedule every(long period, int count) {
        if (period < 1 || count < 0) {
            throw new IllegalArgumentException(
                    "period must be >= 1 and count >= 0, got period " + period + ", count " + count);
        }
        long[] points = new long[count];
        for (int j = 0; j < count; j++) {
            points[j] = (j + 1) * period;
        }
        return new DriftSchedule(points);
    }

    /** The concept index at 0-based position p: |{j : t_j ≤ p}|. */
    public int concept(long position) {
        int k = 0;
        while (k < points.length && points[k] <= position) {
            k++;
        }
        return k;
    }

    /** The drift positions. */
    public long[] points() {
        return points.clone();
    }
}
