package dev.eddy.core.kernel;

import java.util.concurrent.Future;

/**
 * Elementwise work over an index range [0, n) split over two threads: the caller and {@link MatMul}'s worker, the
 * thread the large products already use. The two halves are disjoint and each element is computed by the same code
 * either way, so the result does not depend on the split: bit-identical to one thread. Used for what is elementwise
 * around the products (packing an operand into float rows, an optimizer's update), which would otherwise run on one
 * core while the products use two.
 */
public final class TwoThreads {

    /** Ranges of at least this many elements are split; below it the worker's hand-off costs more than it saves. */
    public static final int MIN_ELEMENTS = 1 << 16;

    /** The work over one range. */
    @FunctionalInterface
    public interface Range {
        /** Does the work for the indices [from, to). */
        void run(int from, int to);
    }

    private TwoThreads() {}

    /**
     * Whether {@link #run} splits work of {@code elements} elements: at least {@link #MIN_ELEMENTS}, and not asked
     * from the worker itself. Callers test it first and call the body directly when it does not, so that small work
     * allocates nothing (no lambda, no task).
     */
    public static boolean splits(long elements) {
        return elements >= MIN_ELEMENTS && !MatMul.onWorker();
    }

    /**
     * Runs {@code body} over [0, n): [0, mid) in the calling thread and [mid, n) on the worker, mid = n/2 rounded
     * down to a multiple of {@code align} (all here when that is 0); returns when both are done, also when the
     * calling thread is interrupted meanwhile (its interrupt flag is then set on return). When both halves throw, the
     * caller's exception is thrown with the worker's as suppressed.
     *
     * @param align the split point is a multiple of this (≥ 1)
     */
    public static void run(int n, int align, Range body) {
        int mid = n / 2 / align * align;
        if (mid == 0) {
            body.run(0, n);
            return;
        }
        Future<?> other = MatMul.WORKER.submit(() -> body.run(mid, n));
        try {
            body.run(0, mid);
        } catch (RuntimeException | Error failure) {
            // the worker's half is done before the caller goes on, even after a failure, which stays the one thrown
            try {
                MatMul.awaitWorker(other);
            } catch (RuntimeException workerFailure) {
                failure.addSuppressed(workerFailure);
            }
            throw failure;
        }
        MatMul.awaitWorker(other);
    }
}
