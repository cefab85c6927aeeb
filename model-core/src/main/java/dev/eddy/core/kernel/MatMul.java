package dev.eddy.core.kernel;

import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ejml.data.DMatrixRMaj;

/**
 * The matrix products a dense layer needs, on row-major EJML matrices. Every layer calls these and
 * nothing else for its products, so the kernel is chosen by measurement in one place. The output
 * matrix must already have the right shape and must not alias an input.
 *
 * <p><b>Summation order.</b> Every path computes each output element as one fused multiply-add chain
 * over the inner index in ascending order, c<sub>ij</sub> = fma(x<sub>i,k−1</sub>, y<sub>k−1,j</sub>,
 * … fma(x<sub>i0</sub>, y<sub>0j</sub>, c⁰<sub>ij</sub>)), starting from c⁰ = 0 (or the bias). The
 * result therefore does not depend on the shape-dependent path, on blocking or on the number of
 * threads: it is bit-identical from run to run and between the one- and two-thread paths.
 *
 * <p><b>Why this shape of code.</b> C2 (JDK 17) auto-vectorizes {@code acc[j] = fma(x, r[j], acc[j])}
 * only when each array is read at one offset; loads from one array at several row offsets stay
 * scalar. So the right operand is first copied into one Java array per row ("packed rows", O(k·n),
 * a bulk copy; it still pays at m = 1), and each output row is accumulated in a separate buffer four
 * inner indices at a time. Packing bᵀ is a strided gather, so few-row products X·bᵀ take blocked
 * dot products with b's rows instead. Large products split their output rows over two
 * threads (a persistent daemon worker plus the caller); each thread owns disjoint rows.
 */
public final class MatMul {
    /** Products X·bᵀ with fewer output rows take dot products with b's rows instead of packing bᵀ. */
    static final int PACK_MIN_ROWS = 4;

    /** Products with at least this many multiply-adds (m·k·n) use two threads. */
    static final long PARALLEL_MIN_FMAS = 1L << 20;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final ExecutorService WORKER = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "eddy-matmul-worker");
        t.setDaemon(true);
        return t;
    });

    private MatMul() {}

    /** c = a · b, with a [m×k], b [k×n], c [m×n]. */
    public static void ab(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        checkShapes("ab", a.numRows, a.numCols, b.numRows, b.numCols, c, a.numCols, b.numRows);
        product(a.data, a.numCols, 1, a.numCols, b, false, null, c);
    }

    /**
     * c = a · b + 1·biasᵀ, i.e. c<sub>ij</sub> = bias<sub>j</sub> + Σ<sub>p</sub> a<sub>ip</sub>
     * b<sub>pj</sub>, with a [m×k], b [k×n], bias of n elements (any shape), c [m×n]: the affine part
     * of a dense layer in one pass over c.
     */
    public static void abPlusBias(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj bias, DMatrixRMaj c) {
        checkShapes("abPlusBias", a.numRows, a.numCols, b.numRows, b.numCols, c, a.numCols, b.numRows);
        if (bias.getNumElements() != b.numCols) {
            throw new IllegalArgumentException("abPlusBias: bias must have " + b.numCols
                    + " elements (columns of b), got " + bias.numRows + "x" + bias.numCols);
        }
        product(a.data, a.numCols, 1, a.numCols, b, false, bias.data, c);
    }

    /** c = a · bᵀ, with a [m×k], b [n×k], c [m×n]. */
    public static void abT(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        checkShapes("abT", a.numRows, a.numCols, b.numCols, b.numRows, c, a.numCols, b.numCols);
        product(a.data, a.numCols, 1, a.numCols, b, true, null, c);
    }

    /** c = aᵀ · b, with a [k×m], b [k×n], c [m×n]. */
    public static void aTb(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        checkShapes("aTb", a.numCols, a.numRows, b.numRows, b.numCols, c, a.numRows, b.numRows);
        product(a.data, 1, a.numCols, a.numRows, b, false, null, c);
    }

    /**
     * c = X · Y (+ bias) where X<sub>ip</sub> = x[i·xRow + p·xInner] and Y is b or bᵀ; k is the
     * inner dimension.
     */
    private static void product(
            double[] x, int xRow, int xInner, int k, DMatrixRMaj b, boolean transB, double[] bias, DMatrixRMaj c) {
        int m = c.numRows;
        int n = c.numCols;
        if (m == 0 || n == 0) {
            return;
        }
        if (transB && m < PACK_MIN_ROWS) {
            for (int i = 0; i < m; i++) {
                rowTimesBTransposed(x, i * xRow, xInner, k, b.data, n, bias, c.data, i * n);
            }
            return;
        }
        double[][] rows = SCRATCH.get().rows(k, n);
        if (transB) {
            packTransposed(b.data, k, n, rows);
        } else {
            pack(b.data, k, n, rows);
        }
        if ((long) m * k * n >= PARALLEL_MIN_FMAS) {
            int half = m / 2;
            Future<?> other = WORKER.submit(() -> rowsTimesPacked(x, xRow, xInner, k, rows, n, bias, c.data, half, m));
            rowsTimesPacked(x, xRow, xInner, k, rows, n, bias, c.data, 0, half);
            awaitWorker(other);
        } else {
            rowsTimesPacked(x, xRow, xInner, k, rows, n, bias, c.data, 0, m);
        }
    }

    /** Output rows [i0, i1) from the packed right operand; runs on the calling thread's own buffer. */
    private static void rowsTimesPacked(
            double[] x, int xRow, int xInner, int k, double[][] y, int n, double[] bias, double[] c, int i0, int i1) {
        double[] acc = SCRATCH.get().acc(n);
        for (int i = i0; i < i1; i++) {
            start(acc, n, bias);
            int xi = i * xRow;
            int p = 0;
            for (; p + 4 <= k; p += 4) {
                int o = xi + p * xInner;
                fma4(
                        x[o],
                        x[o + xInner],
                        x[o + 2 * xInner],
                        x[o + 3 * xInner],
                        y[p],
                        y[p + 1],
                        y[p + 2],
                        y[p + 3],
                        acc,
                        n);
            }
            for (; p < k; p++) {
                fma1(x[xi + p * xInner], y[p], acc, n);
            }
            System.arraycopy(acc, 0, c, i * n, n);
        }
    }

    /** acc ← fma(x3, y3, fma(x2, y2, fma(x1, y1, fma(x0, y0, acc)))) elementwise. */
    private static void fma4(
            double x0,
            double x1,
            double x2,
            double x3,
            double[] y0,
            double[] y1,
            double[] y2,
            double[] y3,
            double[] acc,
            int n) {
        for (int j = 0; j < n; j++) {
            acc[j] = Math.fma(x3, y3[j], Math.fma(x2, y2[j], Math.fma(x1, y1[j], Math.fma(x0, y0[j], acc[j]))));
        }
    }

    /** acc ← fma(x, y, acc) elementwise. */
    private static void fma1(double x, double[] y, double[] acc, int n) {
        for (int j = 0; j < n; j++) {
            acc[j] = Math.fma(x, y[j], acc[j]);
        }
    }

    /** One output row of X·bᵀ as dot products with b's rows, four at a time for independent chains. */
    private static void rowTimesBTransposed(
            double[] x, int xi, int xInner, int k, double[] b, int n, double[] bias, double[] c, int ci) {
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            int r0 = j * k;
            int r1 = r0 + k;
            int r2 = r1 + k;
            int r3 = r2 + k;
            double s0 = bias == null ? 0.0 : bias[j];
            double s1 = bias == null ? 0.0 : bias[j + 1];
            double s2 = bias == null ? 0.0 : bias[j + 2];
            double s3 = bias == null ? 0.0 : bias[j + 3];
            for (int p = 0; p < k; p++) {
                double xp = x[xi + p * xInner];
                s0 = Math.fma(xp, b[r0 + p], s0);
                s1 = Math.fma(xp, b[r1 + p], s1);
                s2 = Math.fma(xp, b[r2 + p], s2);
                s3 = Math.fma(xp, b[r3 + p], s3);
            }
            c[ci + j] = s0;
            c[ci + j + 1] = s1;
            c[ci + j + 2] = s2;
            c[ci + j + 3] = s3;
        }
        for (; j < n; j++) {
            int r = j * k;
            double s = bias == null ? 0.0 : bias[j];
            for (int p = 0; p < k; p++) {
                s = Math.fma(x[xi + p * xInner], b[r + p], s);
            }
            c[ci + j] = s;
        }
    }

    private static void start(double[] acc, int n, double[] bias) {
        if (bias == null) {
            Arrays.fill(acc, 0, n, 0.0);
        } else {
            System.arraycopy(bias, 0, acc, 0, n);
        }
    }

    /** rows[p][j] = b[p·n + j] for b [k×n]. */
    private static void pack(double[] b, int k, int n, double[][] rows) {
        for (int p = 0; p < k; p++) {
            System.arraycopy(b, p * n, rows[p], 0, n);
        }
    }

    /** rows[p][j] = b[j·k + p] for b [n×k], i.e. the rows of bᵀ. */
    private static void packTransposed(double[] b, int k, int n, double[][] rows) {
        for (int j = 0; j < n; j++) {
            int bj = j * k;
            for (int p = 0; p < k; p++) {
                rows[p][j] = b[bj + p];
            }
        }
    }

    private static void awaitWorker(Future<?> task) {
        try {
            task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the matrix-product worker", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("matrix-product worker failed", e.getCause());
        }
    }

    private static void checkShapes(String op, int m, int k, int kB, int n, DMatrixRMaj c, int innerA, int innerB) {
        if (innerA != innerB || c.numRows != m || c.numCols != n) {
            throw new IllegalArgumentException(op + ": inner dimensions and output must agree, expected [" + m + "x" + k
                    + "] times [" + kB + "x" + n + "] into [" + m + "x" + n + "], got inner " + innerA + " vs " + innerB
                    + " and output [" + c.numRows + "x" + c.numCols + "]");
        }
    }

    /**
     * Per-thread work buffers, grown on demand and then reused: an accumulator row and the right
     * operand packed one Java array per row.
     */
    private static final class Scratch {
        private double[] acc = new double[0];
        private double[][] rows = new double[0][];

        double[] acc(int n) {
            if (acc.length < n) {
                acc = new double[n];
            }
            return acc;
        }

        double[][] rows(int k, int n) {
            int width = rows.length == 0 ? 0 : rows[0].length;
            if (rows.length < k || width < n) {
                width = Math.max(n, width);
                rows = new double[Math.max(k, rows.length)][width];
            }
            return rows;
        }
    }
}
