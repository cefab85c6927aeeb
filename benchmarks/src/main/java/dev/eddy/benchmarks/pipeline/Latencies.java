package dev.eddy.benchmarks.pipeline;

import java.util.Arrays;

/**
 * Nearest-rank percentiles of a sample of latencies in milliseconds: p_q = x_(⌈q·n⌉) of the sorted sample.
 *
 * @param count n, the latencies measured
 */
record Latencies(int count, long p50, long p99, long max) {

    static final Latencies NONE = new Latencies(0, -1, -1, -1);

    static Latencies of(long[] millis, int count) {
        if (count == 0) {
            return NONE;
        }
        long[] sorted = Arrays.copyOf(millis, count);
        Arrays.sort(sorted);
        return new Latencies(count, rank(sorted, 0.50), rank(sorted, 0.99), sorted[count - 1]);
    }

    private static long rank(long[] sorted, double q) {
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }

    String format() {
        return count == 0 ? "n/a" : p50 + " / " + p99 + " / " + max;
    }
}
