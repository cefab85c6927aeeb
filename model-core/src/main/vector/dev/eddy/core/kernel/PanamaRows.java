package dev.eddy.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorRows} with {@code jdk.incubator.vector}: a register-blocked micro-kernel. A group of output rows (eight
 * with 512-bit vectors, four with narrower ones) times two vectors of columns is held in vector registers while p
 * runs over the inner block: per p two loads of y[p], one broadcast of X<sub>ip</sub> per row and two fused
 * multiply-adds per row, where the plain loops load and store every accumulator for every three p. Each lane is one
 * output element's chain in ascending p ({@link FloatVector#fma} rounds once, as {@link Math#fma}), so the bits are
 * those of the plain loops.
 *
 * <p>The only Vector API code of model-core, on purpose: with float vectors of a second shape in the JVM (a 256-bit
 * rounding kernel was tried), C2 of JDK 17 stopped intrinsifying these calls in the train step, every vector became a
 * heap object and float32 ran at a third of the loops' speed (README, Float32).
 *
 * <p>Compiled in its own execution of the compiler ({@code --add-modules jdk.incubator.vector}, without lint: javac
 * 17 warns about any use of an incubating module and has no lint key for that warning alone) and loaded only by
 * {@link VectorRows#load}.
 */
final class PanamaRows implements VectorRows {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Rows per group: 8 rows × 2 vectors are 16 accumulators, which 32 registers of 512 bits hold, 16 of 256 do not. */
    private static final int GROUP = LANES >= 16 ? 8 : 4;

    /** Per thread, the group's X rows over the inner block as floats, row after row. */
    private final ThreadLocal<float[]> rows = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * Four vectors: measured on the large benchmark net at batch 256 with 16-lane vectors (AVX-512), its 128-column
     * products computed as they are made the float32 step 1.66–1.70× the float64 one, transposed 1.50–1.52×, and a
     * threshold of two vectors (32 columns) 1.63–1.64×.
     */
    @Override
    public int wideColumns() {
        return 4 * LANES;
    }

    @Override
    public int accumulate(
            double[] x,
            int xRow,
            int xInner,
            int p0,
            int p1,
            float[][] y,
            float[][] acc,
            int b0,
            int i0,
            int i1,
            int n) {
        if (n < 2 * LANES) {
            return i0;
        }
        int k = p1 - p0;
        float[] xs = rows(GROUP * k);
        int i = i0;
        for (; i + GROUP <= i1; i += GROUP) {
            for (int q = 0; q < GROUP; q++) {
                int o = (i + q) * xRow + p0 * xInner;
                for (int p = 0; p < k; p++) {
                    xs[q * k + p] = (float) x[o + p * xInner];
                }
            }
            int r = i - b0;
            int j = 0;
            for (; j + 2 * LANES <= n; j += 2 * LANES) {
                if (GROUP == 8) {
                    eightRows(xs, k, y, p0, acc, r, j);
                } else {
                    fourRows(xs, k, y, p0, acc, r, j);
                }
            }
            for (; j + LANES <= n; j += LANES) {
                for (int q = 0; q < GROUP; q++) {
                    float[] a = acc[r + q];
                    FloatVector c = FloatVector.fromArray(SPECIES, a, j);
                    for (int p = 0; p < k; p++) {
                        c = FloatVector.broadcast(SPECIES, xs[q * k + p])
                                .fma(FloatVector.fromArray(SPECIES, y[p0 + p], j), c);
                    }
                    c.intoArray(a, j);
                }
            }
            for (; j < n; j++) {
                for (int q = 0; q < GROUP; q++) {
                    float s = acc[r + q][j];
                    for (int p = 0; p < k; p++) {
                        s = Math.fma(xs[q * k + p], y[p0 + p][j], s);
                    }
                    acc[r + q][j] = s;
                }
            }
        }
        return i;
    }

    /** Rows r..r+8 of acc, columns j..j+2·LANES, over the group's inner block. */
    private static void eightRows(float[] xs, int k, float[][] y, int p0, float[][] acc, int r, int j) {
        int j1 = j + LANES;
        float[] a0 = acc[r];
        float[] a1 = acc[r + 1];
        float[] a2 = acc[r + 2];
        float[] a3 = acc[r + 3];
        float[] a4 = acc[r + 4];
        float[] a5 = acc[r + 5];
        float[] a6 = acc[r + 6];
        float[] a7 = acc[r + 7];
        FloatVector c00 = FloatVector.fromArray(SPECIES, a0, j);
        FloatVector c01 = FloatVector.fromArray(SPECIES, a0, j1);
        FloatVector c10 = FloatVector.fromArray(SPECIES, a1, j);
        FloatVector c11 = FloatVector.fromArray(SPECIES, a1, j1);
        FloatVector c20 = FloatVector.fromArray(SPECIES, a2, j);
        FloatVector c21 = FloatVector.fromArray(SPECIES, a2, j1);
        FloatVector c30 = FloatVector.fromArray(SPECIES, a3, j);
        FloatVector c31 = FloatVector.fromArray(SPECIES, a3, j1);
        FloatVector c40 = FloatVector.fromArray(SPECIES, a4, j);
        FloatVector c41 = FloatVector.fromArray(SPECIES, a4, j1);
        FloatVector c50 = FloatVector.fromArray(SPECIES, a5, j);
        FloatVector c51 = FloatVector.fromArray(SPECIES, a5, j1);
        FloatVector c60 = FloatVector.fromArray(SPECIES, a6, j);
        FloatVector c61 = FloatVector.fromArray(SPECIES, a6, j1);
        FloatVector c70 = FloatVector.fromArray(SPECIES, a7, j);
        FloatVector c71 = FloatVector.fromArray(SPECIES, a7, j1);
        for (int p = 0; p < k; p++) {
            float[] yp = y[p0 + p];
            FloatVector y0 = FloatVector.fromArray(SPECIES, yp, j);
            FloatVector y1 = FloatVector.fromArray(SPECIES, yp, j1);
            FloatVector b = FloatVector.broadcast(SPECIES, xs[p]);
            c00 = b.fma(y0, c00);
            c01 = b.fma(y1, c01);
            b = FloatVector.broadcast(SPECIES, xs[k + p]);
            c10 = b.fma(y0, c10);
            c11 = b.fma(y1, c11);
            b = FloatVector.broadcast(SPECIES, xs[2 * k + p]);
            c20 = b.fma(y0, c20);
            c21 = b.fma(y1, c21);
            b = FloatVector.broadcast(SPECIES, xs[3 * k + p]);
            c30 = b.fma(y0, c30);
            c31 = b.fma(y1, c31);
            b = FloatVector.broadcast(SPECIES, xs[4 * k + p]);
            c40 = b.fma(y0, c40);
            c41 = b.fma(y1, c41);
            b = FloatVector.broadcast(SPECIES, xs[5 * k + p]);
            c50 = b.fma(y0, c50);
            c51 = b.fma(y1, c51);
            b = FloatVector.broadcast(SPECIES, xs[6 * k + p]);
            c60 = b.fma(y0, c60);
            c61 = b.fma(y1, c61);
            b = FloatVector.broadcast(SPECIES, xs[7 * k + p]);
            c70 = b.fma(y0, c70);
            c71 = b.fma(y1, c71);
        }
        c00.intoArray(a0, j);
        c01.intoArray(a0, j1);
        c10.intoArray(a1, j);
        c11.intoArray(a1, j1);
        c20.intoArray(a2, j);
        c21.intoArray(a2, j1);
        c30.intoArray(a3, j);
        c31.intoArray(a3, j1);
        c40.intoArray(a4, j);
        c41.intoArray(a4, j1);
        c50.intoArray(a5, j);
        c51.intoArray(a5, j1);
        c60.intoArray(a6, j);
        c61.intoArray(a6, j1);
        c70.intoArray(a7, j);
        c71.intoArray(a7, j1);
    }

    /** Rows r..r+4 of acc, columns j..j+2·LANES, over the group's inner block. */
    private static void fourRows(float[] xs, int k, float[][] y, int p0, float[][] acc, int r, int j) {
        int j1 = j + LANES;
        float[] a0 = acc[r];
        float[] a1 = acc[r + 1];
        float[] a2 = acc[r + 2];
        float[] a3 = acc[r + 3];
        FloatVector c00 = FloatVector.fromArray(SPECIES, a0, j);
        FloatVector c01 = FloatVector.fromArray(SPECIES, a0, j1);
        FloatVector c10 = FloatVector.fromArray(SPECIES, a1, j);
        FloatVector c11 = FloatVector.fromArray(SPECIES, a1, j1);
        FloatVector c20 = FloatVector.fromArray(SPECIES, a2, j);
        FloatVector c21 = FloatVector.fromArray(SPECIES, a2, j1);
        FloatVector c30 = FloatVector.fromArray(SPECIES, a3, j);
        FloatVector c31 = FloatVector.fromArray(SPECIES, a3, j1);
        for (int p = 0; p < k; p++) {
            float[] yp = y[p0 + p];
            FloatVector y0 = FloatVector.fromArray(SPECIES, yp, j);
            FloatVector y1 = FloatVector.fromArray(SPECIES, yp, j1);
            FloatVector b = FloatVector.broadcast(SPECIES, xs[p]);
            c00 = b.fma(y0, c00);
            c01 = b.fma(y1, c01);
            b = FloatVector.broadcast(SPECIES, xs[k + p]);
            c10 = b.fma(y0, c10);
            c11 = b.fma(y1, c11);
            b = FloatVector.broadcast(SPECIES, xs[2 * k + p]);
            c20 = b.fma(y0, c20);
            c21 = b.fma(y1, c21);
            b = FloatVector.broadcast(SPECIES, xs[3 * k + p]);
            c30 = b.fma(y0, c30);
            c31 = b.fma(y1, c31);
        }
        c00.intoArray(a0, j);
        c01.intoArray(a0, j1);
        c10.intoArray(a1, j);
        c11.intoArray(a1, j1);
        c20.intoArray(a2, j);
        c21.intoArray(a2, j1);
        c30.intoArray(a3, j);
        c31.intoArray(a3, j1);
    }

    private float[] rows(int length) {
        float[] xs = rows.get();
        if (xs.length < length) {
            xs = new float[length];
            rows.set(xs);
        }
        return xs;
    }
}
