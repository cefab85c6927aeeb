package dev.eddy.core.kernel;

import static dev.eddy.core.kernel.MatMul.GROUP_MIN_COLUMNS;
import static dev.eddy.core.kernel.MatMul.K_BLOCK;
import static dev.eddy.core.kernel.MatMul.NARROW_MAX_ROWS;
import static dev.eddy.core.kernel.MatMul.PACK_MIN_ROWS;
import static dev.eddy.core.kernel.MatMul.PARALLEL_MIN_FMAS;
import static dev.eddy.core.kernel.MatMul.ROW_BLOCK;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/**
 * The matrix products of {@link MatMul} in float32 arithmetic, for {@link Precision#FLOAT32}. Operands are
 * {@code double[]} matrices whose elements are floats (a float32 network keeps them so); each one is read as a
 * float, the product is formed in float, and each output element, a float, is stored back as a double.
 *
 * <p><b>Summation order.</b> As in {@link MatMul}: every output element is one float fused multiply-add chain over
 * the inner index in ascending order, c<sub>ij</sub> = fma<sub>f</sub>(x<sub>i,k−1</sub>, y<sub>k−1,j</sub>, …
 * fma<sub>f</sub>(x<sub>i0</sub>, y<sub>0j</sub>, c⁰<sub>ij</sub>)), c⁰ = 0 or the bias, each fma rounded once to
 * float. Blocking and the split over two threads change which thread computes a row, never its chain, so the result
 * is bit-identical from run to run, on any machine (Java's float fma is exact IEEE-754).
 *
 * <p><b>Why it is faster.</b> The right operand is packed into one {@code float[]} per row and the output rows
 * accumulate in {@code float[]} buffers, so the vectorized inner loop (C2's superword {@code FmaVF}) handles twice
 * as many lanes per instruction as the double kernel and moves half the bytes. That loop runs over the output
 * columns, and C2 vectorizes float loops in long strides (on AVX-512 a main-loop iteration takes 16 lanes several
 * times over, after a scalar alignment pre-loop): measured here, fewer than about {@value #WIDE_COLUMNS} columns
 * leave most of the work to the scalar pre- and post-loops, where the double kernel still vectorizes. Products with
 * fewer columns than rows (up to {@link MatMul#NARROW_MAX_ROWS} rows) are therefore computed transposed, cᵀ = Yᵀ·Xᵀ,
 * so the loop runs over the rows (fma<sub>f</sub>(x, y, s) = fma<sub>f</sub>(y, x, s): every element keeps its
 * chain). Products of fewer than {@link MatMul#PACK_MIN_ROWS} rows (batch 1) read the right operand where it is,
 * without packing it. No {@code jdk.incubator.vector}: plain loops, so the build needs no incubator module and
 * stays warning-free.
 */
public final class FloatProduct {

    /** Products with fewer output columns (and more rows) are computed transposed, see the class comment. */
    static final int WIDE_COLUMNS = 192;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The inner loop on vector registers when the JVM has the Vector API, else null: see {@link VectorRows}. */
    static final VectorRows VECTOR_ROWS = VectorRows.load();

    private FloatProduct() {}

    /**
     * Whether the float products of this JVM run on vector registers (it runs with the Vector API, {@code
     * --add-modules jdk.incubator.vector}) rather than in plain loops: the same bits either way.
     */
    public static boolean vectorRows() {
        return VECTOR_ROWS != null;
    }

    /** c = a · b + 1·biasᵀ in float, with a [m×k], b [k×n], bias of n elements, c [m×n]. */
    public static void abPlusBias(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj bias, DMatrixRMaj c) {
        abPlusBias(a, b, bias, c, VECTOR_ROWS);
    }

    /** {@link #abPlusBias(DMatrixRMaj, DMatrixRMaj, DMatrixRMaj, DMatrixRMaj)} with the given rows (null: loops). */
    static void abPlusBias(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj bias, DMatrixRMaj c, VectorRows vector) {
        MatMul.checkShapes("abPlusBias", a.numRows, a.numCols, b.numRows, b.numCols, c, a.numCols, b.numRows);
        if (bias.getNumElements() != b.numCols) {
            throw new IllegalArgumentException("abPlusBias: bias must have " + b.numCols
                    + " elements (columns of b), got " + bias.numRows + "x" + bias.numCols);
        }
        product(a.data, a.numCols, 1, a.numCols, b, false, bias.data, c, vector);
    }

    /** c = a · bᵀ in float, with a [m×k], b [n×k], c [m×n]. */
    public static void abT(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        abT(a, b, c, VECTOR_ROWS);
    }

    /** {@link #abT(DMatrixRMaj, DMatrixRMaj, DMatrixRMaj)} with the given rows (null: loops). */
    static void abT(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, VectorRows vector) {
        MatMul.checkShapes("abT", a.numRows, a.numCols, b.numCols, b.numRows, c, a.numCols, b.numCols);
        product(a.data, a.numCols, 1, a.numCols, b, true, null, c, vector);
    }

    /** c = aᵀ · b in float, with a [k×m], b [k×n], c [m×n]. */
    public static void aTb(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        aTb(a, b, c, VECTOR_ROWS);
    }

    /** {@link #aTb(DMatrixRMaj, DMatrixRMaj, DMatrixRMaj)} with the given rows (null: loops). */
    static void aTb(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, VectorRows vector) {
        MatMul.checkShapes("aTb", a.numCols, a.numRows, b.numRows, b.numCols, c, a.numRows, b.numRows);
        product(a.data, 1, a.numCols, a.numRows, b, false, null, c, vector);
    }

    /** c = X · Y (+ bias) where X<sub>ip</sub> = x[i·xRow + p·xInner] and Y is b or bᵀ; k the inner dimension. */
    private static void product(
            double[] x,
            int xRow,
            int xInner,
            int k,
            DMatrixRMaj b,
            boolean transB,
            double[] bias,
            DMatrixRMaj c,
            VectorRows vector) {
        int m = c.numRows;
        int n = c.numCols;
        if (m == 0 || n == 0) {
            return;
        }
        Scratch scratch = SCRATCH.get();
        if (m < PACK_MIN_ROWS && !transB) {
            // b's rows packed once (a vectorized conversion), then the same chains as fewRows in the float row loop
            float[][] rows = scratch.rows(k, n);
            pack(b.data, k, n, rows);
            float[] acc = scratch.start(n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    acc[j] = bias == null ? 0f : (float) bias[j];
                }
                oneRow(x, i * xRow, xInner, 0, k, rows, acc, n);
                for (int j = 0; j < n; j++) {
                    c.data[i * n + j] = acc[j];
                }
            }
            return;
        }
        if (m < PACK_MIN_ROWS) {
            float[] acc = scratch.start(n);
            for (int i = 0; i < m; i++) {
                fewRows(x, i * xRow, xInner, k, b.data, n, transB, bias, acc);
                for (int j = 0; j < n; j++) {
                    c.data[i * n + j] = acc[j];
                }
            }
            return;
        }
        if (n < (vector == null ? WIDE_COLUMNS : vector.wideColumns()) && m > n && m <= NARROW_MAX_ROWS) {
            // cᵀ = Yᵀ·Xᵀ: the rows of Xᵀ are packed, the rows of Yᵀ are the left operand, one start value per row
            float[][] rows = scratch.rows(k, m);
            packStrided(x, xRow, xInner, k, m, rows);
            int yRow = transB ? k : 1;
            int yInner = transB ? 1 : n;
            split(b.data, yRow, yInner, k, rows, m, null, bias, c.data, n, true, vector);
            return;
        }
        float[][] rows = scratch.rows(k, n);
        if (transB) {
            packTransposed(b.data, k, n, rows);
        } else {
            pack(b.data, k, n, rows);
        }
        float[] start = scratch.start(n);
        for (int j = 0; j < n; j++) {
            start[j] = bias == null ? 0f : (float) bias[j];
        }
        split(x, xRow, xInner, k, rows, n, start, null, c.data, m, false, vector);
    }

    /**
     * Computed rows [0, count) of X·packed (each of {@code width} elements), over two threads when the product is
     * large. With {@code transposedOut} computed row r is column r of c (which then has {@code count} columns) and
     * starts from bias[r] (0 without a bias); otherwise every row starts from {@code start}.
     */
    private static void split(
            double[] x,
            int xRow,
            int xInner,
            int k,
            float[][] rows,
            int width,
            float[] start,
            double[] bias,
            double[] c,
            int count,
            boolean transposedOut,
            VectorRows vector) {
        if ((long) count * k * width >= PARALLEL_MIN_FMAS) {
            TwoThreads.run(
                    count,
                    1,
                    (from, to) -> rowsTimesPacked(
                            x, xRow, xInner, k, rows, width, start, bias, c, count, from, to, transposedOut, vector));
        } else {
            rowsTimesPacked(x, xRow, xInner, k, rows, width, start, bias, c, count, 0, count, transposedOut, vector);
        }
    }

    /**
     * Computed rows [i0, i1) from the packed right operand, in this thread's float row buffers, {@link
     * MatMul#ROW_BLOCK} rows at a time and the inner index in blocks of {@link MatMul#K_BLOCK} (as {@link MatMul}).
     * With {@code transposedOut} computed row i is column i of c, whose rows have {@code count} elements, and starts
     * from bias[i] (0 without a bias); otherwise from {@code start}.
     */
    private static void rowsTimesPacked(
            double[] x,
            int xRow,
            int xInner,
            int k,
            float[][] y,
            int n,
            float[] start,
            double[] bias,
            double[] c,
            int count,
            int i0,
            int i1,
            boolean transposedOut,
            VectorRows vector) {
        float[][] acc = SCRATCH.get().acc(Math.min(i1 - i0, ROW_BLOCK), n);
        for (int b0 = i0; b0 < i1; b0 += ROW_BLOCK) {
            int b1 = Math.min(i1, b0 + ROW_BLOCK);
            for (int r = 0; r < b1 - b0; r++) {
                if (transposedOut) {
                    Arrays.fill(acc[r], 0, n, bias == null ? 0f : (float) bias[b0 + r]);
                } else {
                    System.arraycopy(start, 0, acc[r], 0, n);
                }
            }
            for (int p0 = 0; p0 < k; p0 += K_BLOCK) {
                int p1 = Math.min(k, p0 + K_BLOCK);
                int i = vector == null ? b0 : vector.accumulate(x, xRow, xInner, p0, p1, y, acc, b0, b0, b1, n);
                for (; n >= GROUP_MIN_COLUMNS && i + 4 <= b1; i += 4) {
                    int r = i - b0;
                    fourRows(x, i * xRow, xRow, xInner, p0, p1, y, acc[r], acc[r + 1], acc[r + 2], acc[r + 3], n);
                }
                for (; i < b1; i++) {
                    oneRow(x, i * xRow, xInner, p0, p1, y, acc[i - b0], n);
                }
            }
            for (int r = 0; r < b1 - b0; r++) {
                float[] row = acc[r];
                if (transposedOut) {
                    for (int j = 0; j < n; j++) {
                        c[j * count + b0 + r] = row[j];
                    }
                } else {
                    int ci = (b0 + r) * n;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] = row[j];
                    }
                }
            }
        }
    }

    /**
     * One output row (X row at xi) into acc[0, n) without packing: dot products with b's rows for X·bᵀ, otherwise
     * acc ← fma<sub>f</sub>(X<sub>ip</sub>, b[p][·], acc) for p ascending, reading each row of b as it is.
     */
    private static void fewRows(
            double[] x, int xi, int xInner, int k, double[] b, int n, boolean transB, double[] bias, float[] acc) {
        if (transB) {
            for (int j = 0; j < n; j++) {
                float s = bias == null ? 0f : (float) bias[j];
                int row = j * k;
                for (int p = 0; p < k; p++) {
                    s = Math.fma((float) x[xi + p * xInner], (float) b[row + p], s);
                }
                acc[j] = s;
            }
            return;
        }
        for (int j = 0; j < n; j++) {
            acc[j] = bias == null ? 0f : (float) bias[j];
        }
        for (int p = 0; p < k; p++) {
            float xp = (float) x[xi + p * xInner];
            int row = p * n;
            for (int j = 0; j < n; j++) {
                acc[j] = Math.fma(xp, (float) b[row + j], acc[j]);
            }
        }
    }

    /** acc ← acc + Σ<sub>p0 ≤ p &lt; p1</sub> X<sub>ip</sub>·y[p] in float for one output row (X row at xi). */
    private static void oneRow(double[] x, int xi, int xInner, int p0, int p1, float[][] y, float[] acc, int n) {
        for (int p = p0; p < p1; p++) {
            float xp = (float) x[xi + p * xInner];
            float[] yp = y[p];
            for (int j = 0; j < n; j++) {
                acc[j] = Math.fma(xp, yp[j], acc[j]);
            }
        }
    }

    /** {@link #oneRow} for the four output rows starting at xi, xi + xRow, … sharing the y loads, three p at a time. */
    private static void fourRows(
            double[] x,
            int xi,
            int xRow,
            int xInner,
            int p0,
            int p1,
            float[][] y,
            float[] acc0,
            float[] acc1,
            float[] acc2,
            float[] acc3,
            int n) {
        int p = p0;
        for (; p + 3 <= p1; p += 3) {
            int o = xi + p * xInner;
            float[] ya = y[p];
            float[] yb = y[p + 1];
            float[] yc = y[p + 2];
            int o1 = o + xRow;
            int o2 = o1 + xRow;
            int o3 = o2 + xRow;
            float a0 = (float) x[o];
            float b0 = (float) x[o + xInner];
            float c0 = (float) x[o + 2 * xInner];
            float a1 = (float) x[o1];
            float b1 = (float) x[o1 + xInner];
            float c1 = (float) x[o1 + 2 * xInner];
            float a2 = (float) x[o2];
            float b2 = (float) x[o2 + xInner];
            float c2 = (float) x[o2 + 2 * xInner];
            float a3 = (float) x[o3];
            float b3 = (float) x[o3 + xInner];
            float c3 = (float) x[o3 + 2 * xInner];
            for (int j = 0; j < n; j++) {
                float u = ya[j];
                float v = yb[j];
                float w = yc[j];
                acc0[j] = Math.fma(c0, w, Math.fma(b0, v, Math.fma(a0, u, acc0[j])));
                acc1[j] = Math.fma(c1, w, Math.fma(b1, v, Math.fma(a1, u, acc1[j])));
                acc2[j] = Math.fma(c2, w, Math.fma(b2, v, Math.fma(a2, u, acc2[j])));
                acc3[j] = Math.fma(c3, w, Math.fma(b3, v, Math.fma(a3, u, acc3[j])));
            }
        }
        if (p < p1) {
            oneRow(x, xi, xInner, p, p1, y, acc0, n);
            oneRow(x, xi + xRow, xInner, p, p1, y, acc1, n);
            oneRow(x, xi + 2 * xRow, xInner, p, p1, y, acc2, n);
            oneRow(x, xi + 3 * xRow, xInner, p, p1, y, acc3, n);
        }
    }

    /**
     * rows[p][j] = (float) b[p·n + j] for b [k×n]. A large operand is converted over two threads ({@link TwoThreads}),
     * as are those of {@link #packStrided} and {@link #packTransposed}.
     */
    private static void pack(double[] b, int k, int n, float[][] rows) {
        if (TwoThreads.splits((long) k * n)) {
            TwoThreads.run(k, 1, (p0, p1) -> pack(b, n, rows, p0, p1));
        } else {
            pack(b, n, rows, 0, k);
        }
    }

    private static void pack(double[] b, int n, float[][] rows, int p0, int p1) {
        for (int p = p0; p < p1; p++) {
            float[] row = rows[p];
            int o = p * n;
            for (int j = 0; j < n; j++) {
                row[j] = (float) b[o + j];
            }
        }
    }

    /** rows[p][i] = (float) x[i·xRow + p·xInner] for p &lt; k, i &lt; m: the rows of Xᵀ. */
    private static void packStrided(double[] x, int xRow, int xInner, int k, int m, float[][] rows) {
        if (TwoThreads.splits((long) k * m)) {
            TwoThreads.run(k, 1, (p0, p1) -> packStrided(x, xRow, xInner, m, rows, p0, p1));
        } else {
            packStrided(x, xRow, xInner, m, rows, 0, k);
        }
    }

    private static void packStrided(double[] x, int xRow, int xInner, int m, float[][] rows, int p0, int p1) {
        for (int p = p0; p < p1; p++) {
            float[] row = rows[p];
            int o = p * xInner;
            for (int i = 0; i < m; i++) {
                row[i] = (float) x[o + i * xRow];
            }
        }
    }

    /** rows[p][j] = (float) b[j·k + p] for b [n×k], i.e. the rows of bᵀ (split by row of b). */
    private static void packTransposed(double[] b, int k, int n, float[][] rows) {
        if (TwoThreads.splits((long) k * n)) {
            TwoThreads.run(n, 1, (j0, j1) -> packTransposed(b, k, rows, j0, j1));
        } else {
            packTransposed(b, k, rows, 0, n);
        }
    }

    private static void packTransposed(double[] b, int k, float[][] rows, int j0, int j1) {
        for (int j = j0; j < j1; j++) {
            int bj = j * k;
            for (int p = 0; p < k; p++) {
                rows[p][j] = (float) b[bj + p];
            }
        }
    }

    /** Per-thread float work buffers, grown on demand and reused: accumulator rows, packed rows, the start row. */
    private static final class Scratch {
        private float[][] acc = new float[0][];
        private float[][] rows = new float[0][];
        private float[] start = new float[0];

        float[][] acc(int m, int n) {
            acc = grown(acc, m, n);
            return acc;
        }

        float[][] rows(int k, int n) {
            rows = grown(rows, k, n);
            return rows;
        }

        float[] start(int n) {
            if (start.length < n) {
                start = new float[n];
            }
            return start;
        }

        private static float[][] grown(float[][] buffer, int m, int n) {
            int width = buffer.length == 0 ? 0 : buffer[0].length;
            if (buffer.length >= m && width >= n) {
                return buffer;
            }
            return new float[Math.max(m, buffer.length)][Math.max(n, width)];
        }
    }
}
