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
 * a bulk copy; it still pays at m = 1), and the output rows are accumulated in separate per-thread
 * buffers, four rows and three inner indices at a time (each packed-row load feeds four fused
 * multiply-adds, each accumulator load three), with the inner index blocked so that a block of
 * packed rows stays in L2 while every row passes over it. Packing bᵀ is a strided gather, so
 * few-row products X·bᵀ take blocked dot products with b's rows instead, and products with only a
 * few output columns are computed transposed, cᵀ = Yᵀ·Xᵀ, so that the vectorized loop runs over
 * the rows. Large products split their output rows over two threads (a persistent daemon worker
 * plus the caller); each thread owns disjoint rows.
 *
 * <p><b>OpenBLAS, opt-in.</b> With the system property {@value #KERNEL_PROPERTY}{@code =openblas}, products of at
 * least {@link #BLAS_MIN_FMAS} multiply-adds and no side under {@link #BLAS_MIN_SIDE} go to OpenBLAS's dgemm
 * instead (the large net at batch 256 trains 1.3–1.6× faster with it here). Its summation order is its own: results then differ from the Java kernel in the last bits (they
 * stay the same from run to run for one machine and thread count), which is why the Java kernel is the default.
 */
public final class MatMul {
    /** The system property that selects the kernel: {@code java} (the default) or {@code openblas}. */
    public static final String KERNEL_PROPERTY = "eddy.kernel";

    /**
     * With OpenBLAS selected, products of at least this many multiply-adds (m·k·n) and with every side at least
     * {@link #BLAS_MIN_SIDE} go to its dgemm (measured: at batch 32 the Java kernel is faster).
     */
    static final long BLAS_MIN_FMAS = 1L << 20;

    static final int BLAS_MIN_SIDE = 64;

    /** Products X·bᵀ with fewer output rows take dot products with b's rows instead of packing bᵀ. */
    static final int PACK_MIN_ROWS = 4;

    /** Products with at least this many multiply-adds (m·k·n) use two threads. */
    static final long PARALLEL_MIN_FMAS = 1L << 20;

    /** Inner-index block: a block of packed rows (K_BLOCK·n doubles) stays in L2 while all rows use it. */
    static final int K_BLOCK = 128;

    /**
     * Rows are taken four at a time only when they are at least this long: shorter vector loops do
     * not amortize the setup of the four-row kernel (measured on the small benchmark net).
     */
    static final int GROUP_MIN_COLUMNS = 64;

    /** Output rows are computed in blocks of this many, which bounds the accumulator buffers. */
    static final int ROW_BLOCK = 256;

    /** The transposed form of narrow products packs Xᵀ (k·m doubles): only up to this many rows. */
    static final int NARROW_MAX_ROWS = 1024;

    /**
     * Products with fewer output columns (and more rows) are computed as cᵀ = Yᵀ·Xᵀ, so that the
     * vectorized loop runs along the rows rather than over a handful of columns.
     */
    static final int NARROW_COLUMNS = 16;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The worker's thread, once it exists. */
    private static volatile Thread workerThread;

    static final ExecutorService WORKER = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "eddy-matmul-worker");
        t.setDaemon(true);
        workerThread = t;
        return t;
    });

    private static volatile boolean openBlas = openBlasSelected(System.getProperty(KERNEL_PROPERTY, "java"));

    private MatMul() {}

    /** The kernel in use: {@code java} or {@code openblas}. */
    public static String kernel() {
        return openBlas ? "openblas" : "java";
    }

    /** Whether {@code name} selects OpenBLAS; refuses an unknown name, or OpenBLAS where it does not load. */
    static boolean openBlasSelected(String name) {
        switch (name) {
            case "java":
                return false;
            case "openblas":
                String error = OpenBlas.loadError();
                if (error != null) {
                    throw new IllegalStateException(KERNEL_PROPERTY + "=openblas, but OpenBLAS does not load here: "
                            + error + " (the bundled native library is for linux-x86_64)");
                }
                return true;
            default:
                throw new IllegalArgumentException(KERNEL_PROPERTY + " must be java or openblas, got '" + name + "'");
        }
    }

    /** Selects the kernel (tests; applications set {@value #KERNEL_PROPERTY}). */
    static void select(String name) {
        openBlas = openBlasSelected(name);
    }

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
        if (openBlas && Math.min(m, Math.min(k, n)) >= BLAS_MIN_SIDE && (long) m * k * n >= BLAS_MIN_FMAS) {
            blas(x, xRow, xInner, k, b, transB, bias, c);
            return;
        }
        if (transB && m < PACK_MIN_ROWS) {
            for (int i = 0; i < m; i++) {
                rowTimesBTransposed(x, i * xRow, xInner, k, b.data, n, bias, c.data, i * n);
            }
            return;
        }
        if (n < NARROW_COLUMNS && m > n && m <= NARROW_MAX_ROWS) {
            // cᵀ = Yᵀ·Xᵀ: the long side m becomes the vectorized width (fma(x, y, s) = fma(y, x, s),
            // so every element keeps its chain)
            double[][] rows = SCRATCH.get().rows(k, m);
            packStrided(x, xRow, xInner, k, m, rows);
            int yRow = transB ? k : 1;
            int yInner = transB ? 1 : n;
            split(b.data, yRow, yInner, k, rows, m, bias, c.data, n, true);
            return;
        }
        double[][] rows = SCRATCH.get().rows(k, n);
        if (transB) {
            packTransposed(b.data, k, n, rows);
        } else {
            pack(b.data, k, n, rows);
        }
        split(x, xRow, xInner, k, rows, n, bias, c.data, m, false);
    }

    /** {@link #product} by OpenBLAS: the bias, when given, is copied into every row of c and kept (β = 1). */
    private static void blas(
            double[] x, int xRow, int xInner, int k, DMatrixRMaj b, boolean transB, double[] bias, DMatrixRMaj c) {
        int m = c.numRows;
        int n = c.numCols;
        double beta = 0;
        if (bias != null) {
            for (int i = 0; i < m; i++) {
                System.arraycopy(bias, 0, c.data, i * n, n);
            }
            beta = 1;
        }
        boolean transX = xInner != 1; // X = aᵀ, stored [k×m]
        OpenBlas.dgemm(transX, transB, m, n, k, x, transX ? xInner : xRow, b.data, transB ? k : n, beta, c.data, n);
    }

    /**
     * Output rows [0, m) of X·packed, over two threads when the product is large. With {@code
     * transposedOut} the rows computed are the columns of c (c [width × m]) and the bias is one value
     * per computed row.
     */
    private static void split(
            double[] x,
            int xRow,
            int xInner,
            int k,
            double[][] rows,
            int width,
            double[] bias,
            double[] c,
            int m,
            boolean transposedOut) {
        if ((long) m * k * width >= PARALLEL_MIN_FMAS) {
            TwoThreads.run(
                    m,
                    1,
                    (from, to) ->
                            rowsTimesPacked(x, xRow, xInner, k, rows, width, bias, c, m, from, to, transposedOut));
        } else {
            rowsTimesPacked(x, xRow, xInner, k, rows, width, bias, c, m, 0, m, transposedOut);
        }
    }

    /**
     * Output rows [i0, i1) from the packed right operand, accumulated in this thread's own row
     * buffers, {@link #ROW_BLOCK} rows at a time. The inner index runs in blocks of {@link
     * #K_BLOCK}: every row passes over one block of packed rows (which then stays in cache) before
     * the next block starts, and four output rows at a time share each load of a packed row
     * (measured: four rows by three inner indices beats four by two by 20%; four by four runs at half
     * the speed, out of registers). Each output element still gets its fused multiply-adds in
     * ascending inner index. With {@code transposedOut}, computed row i is column i of c, which has m
     * columns.
     */
    private static void rowsTimesPacked(
            double[] x,
            int xRow,
            int xInner,
            int k,
            double[][] y,
            int n,
            double[] bias,
            double[] c,
            int m,
            int i0,
            int i1,
            boolean transposedOut) {
        double[][] acc = SCRATCH.get().acc(Math.min(i1 - i0, ROW_BLOCK), n);
        for (int b0 = i0; b0 < i1; b0 += ROW_BLOCK) {
            int b1 = Math.min(i1, b0 + ROW_BLOCK);
            for (int r = 0; r < b1 - b0; r++) {
                if (transposedOut) {
                    Arrays.fill(acc[r], 0, n, bias == null ? 0.0 : bias[b0 + r]);
                } else {
                    start(acc[r], n, bias);
                }
            }
            for (int p0 = 0; p0 < k; p0 += K_BLOCK) {
                int p1 = Math.min(k, p0 + K_BLOCK);
                int i = b0;
                for (; n >= GROUP_MIN_COLUMNS && i + 4 <= b1; i += 4) {
                    int r = i - b0;
                    fourRows(x, i * xRow, xRow, xInner, p0, p1, y, acc[r], acc[r + 1], acc[r + 2], acc[r + 3], n);
                }
                for (; i < b1; i++) {
                    oneRow(x, i * xRow, xInner, p0, p1, y, acc[i - b0], n);
                }
            }
            for (int r = 0; r < b1 - b0; r++) {
                if (transposedOut) {
                    double[] row = acc[r];
                    for (int j = 0; j < n; j++) {
                        c[j * m + b0 + r] = row[j];
                    }
                } else {
                    System.arraycopy(acc[r], 0, c, (b0 + r) * n, n);
                }
            }
        }
    }

    /** acc ← acc + Σ<sub>p0 ≤ p &lt; p1</sub> X<sub>ip</sub>·y[p] for one output row i (X row at xi). */
    private static void oneRow(double[] x, int xi, int xInner, int p0, int p1, double[][] y, double[] acc, int n) {
        int p = p0;
        for (; p + 4 <= p1; p += 4) {
            int o = xi + p * xInner;
            fma4(x[o], x[o + xInner], x[o + 2 * xInner], x[o + 3 * xInner], y[p], y[p + 1], y[p + 2], y[p + 3], acc, n);
        }
        for (; p < p1; p++) {
            fma1(x[xi + p * xInner], y[p], acc, n);
        }
    }

    /** {@link #oneRow} for the four output rows starting at xi, xi + xRow, … sharing the y loads. */
    private static void fourRows(
            double[] x,
            int xi,
            int xRow,
            int xInner,
            int p0,
            int p1,
            double[][] y,
            double[] acc0,
            double[] acc1,
            double[] acc2,
            double[] acc3,
            int n) {
        int p = p0;
        for (; p + 3 <= p1; p += 3) {
            int o = xi + p * xInner;
            double[] ya = y[p];
            double[] yb = y[p + 1];
            double[] yc = y[p + 2];
            int o1 = o + xRow;
            int o2 = o1 + xRow;
            int o3 = o2 + xRow;
            double a0 = x[o];
            double b0 = x[o + xInner];
            double c0 = x[o + 2 * xInner];
            double a1 = x[o1];
            double b1 = x[o1 + xInner];
            double c1 = x[o1 + 2 * xInner];
            double a2 = x[o2];
            double b2 = x[o2 + xInner];
            double c2 = x[o2 + 2 * xInner];
            double a3 = x[o3];
            double b3 = x[o3 + xInner];
            double c3 = x[o3 + 2 * xInner];
            for (int j = 0; j < n; j++) {
                double u = ya[j];
                double v = yb[j];
                double w = yc[j];
                acc0[j] = Math.fma(c0, w, Math.fma(b0, v, Math.fma(a0, u, acc0[j])));
                acc1[j] = Math.fma(c1, w, Math.fma(b1, v, Math.fma(a1, u, acc1[j])));
                acc2[j] = Math.fma(c2, w, Math.fma(b2, v, Math.fma(a2, u, acc2[j])));
                acc3[j] = Math.fma(c3, w, Math.fma(b3, v, Math.fma(a3, u, acc3[j])));
            }
        }
        for (; p < p1; p++) {
            int o = xi + p * xInner;
            fma1(x[o], y[p], acc0, n);
            fma1(x[o + xRow], y[p], acc1, n);
            fma1(x[o + 2 * xRow], y[p], acc2, n);
            fma1(x[o + 3 * xRow], y[p], acc3, n);
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

    /** rows[p][i] = x[i·xRow + p·xInner] for p &lt; k, i &lt; m: the rows of Xᵀ. */
    private static void packStrided(double[] x, int xRow, int xInner, int k, int m, double[][] rows) {
        for (int p = 0; p < k; p++) {
            double[] row = rows[p];
            int o = p * xInner;
            for (int i = 0; i < m; i++) {
                row[i] = x[o + i * xRow];
            }
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

    /** Whether the calling thread is the worker (which must not wait for itself). */
    static boolean onWorker() {
        return Thread.currentThread() == workerThread;
    }

    /**
     * Waits until the worker has finished {@code task}, also when this thread is interrupted meanwhile: the worker
     * writes into the caller's arrays until then, so the caller must not go on before. An interrupt is remembered and
     * the thread's flag set again on return, for the caller's next blocking call to see.
     *
     * @throws IllegalStateException with the worker's failure as its cause
     */
    static void awaitWorker(Future<?> task) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    task.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("matrix-product worker failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void checkShapes(String op, int m, int k, int kB, int n, DMatrixRMaj c, int innerA, int innerB) {
        if (innerA != innerB || c.numRows != m || c.numCols != n) {
            throw new IllegalArgumentException(op + ": inner dimensions and output must agree, expected [" + m + "x" + k
                    + "] times [" + kB + "x" + n + "] into [" + m + "x" + n + "], got inner " + innerA + " vs " + innerB
                    + " and output [" + c.numRows + "x" + c.numCols + "]");
        }
    }

    /**
     * Per-thread work buffers, grown on demand and then reused: the accumulator rows of this
     * thread's output rows and the right operand packed one Java array per row.
     */
    private static final class Scratch {
        private double[][] acc = new double[0][];
        private double[][] rows = new double[0][];

        double[][] acc(int m, int n) {
            acc = grown(acc, m, n);
            return acc;
        }

        double[][] rows(int k, int n) {
            rows = grown(rows, k, n);
            return rows;
        }

        /** {@code buffer} if it has at least m rows of n, else a larger one (contents not kept). */
        private static double[][] grown(double[][] buffer, int m, int n) {
            int width = buffer.length == 0 ? 0 : buffer[0].length;
            if (buffer.length >= m && width >= n) {
                return buffer;
            }
            return new double[Math.max(m, buffer.length)][Math.max(n, width)];
        }
    }
}
