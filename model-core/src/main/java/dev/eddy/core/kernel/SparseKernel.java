package dev.eddy.core.kernel;

import org.ejml.data.DMatrixRMaj;

/**
 * A pruned kernel W [n×u] in compressed sparse rows (per input i, the units j with w_ij ≠ 0 and their weights), for
 * inference: the affine part of a dense layer over the non-zeros only,
 *
 * <pre>
 * z_rj = fma(x_r,i_K, w_i_K j, … fma(x_r,i_1, w_i_1 j, b_j))     over the i with x_ri ≠ 0 and w_ij ≠ 0, ascending
 * </pre>
 *
 * the same fused multiply-add chain in ascending input order as {@link MatMul#abPlusBias} (in {@link
 * Precision#FLOAT32}: float fmas, as {@link FloatProduct#abPlusBias}), with the terms whose product is zero left out.
 * Leaving out fma(x, 0, c) = c + (±0) changes at most the sign of a zero, so z equals the dense product exactly (as
 * values, −0 = +0). The work is proportional to the non-zeros, and rows of x that a ReLU
 * zeroed cost nothing. The weights are a copy: rebuild after the dense kernel changes.
 */
public final class SparseKernel {

    /**
     * Kernels at least this sparse take this kernel at batch 1, chosen by {@code SparseServingBenchmark} (README,
     * Sparse serving): below it the dense kernel's vectorized loop wins.
     */
    public static final double SINGLE_ROW_THRESHOLD = 0.8;

    /** Kernels at least this sparse take this kernel for batches of more than one row (same benchmark). */
    public static final double BATCH_THRESHOLD = 0.95;

    private final int inputs;
    private final int units;
    /** Entries of input i are at rowStart[i] … rowStart[i + 1] − 1. */
    private final int[] rowStart;

    private final int[] columns;
    private final double[] values;
    private final boolean float32;

    private SparseKernel(int inputs, int units, int[] rowStart, int[] columns, double[] values, boolean float32) {
        this.float32 = float32;
        this.inputs = inputs;
        this.units = units;
        this.rowStart = rowStart;
        this.columns = columns;
        this.values = values;
    }

    /** The non-zeros of {@code w}, [inputs × units] row-major (a −0.0 counts as zero), multiplied in {@code precision}. */
    public static SparseKernel of(double[] w, int inputs, int units, Precision precision) {
        if (w.length != inputs * units) {
            throw new IllegalArgumentException("kernel has " + w.length + " weights, expected " + inputs + "×" + units);
        }
        int nnz = 0;
        for (double v : w) {
            if (v != 0.0) {
                nnz++;
            }
        }
        int[] rowStart = new int[inputs + 1];
        int[] columns = new int[nnz];
        double[] values = new double[nnz];
        int e = 0;
        for (int i = 0; i < inputs; i++) {
            rowStart[i] = e;
            for (int j = 0; j < units; j++) {
                double v = w[i * units + j];
                if (v != 0.0) {
                    columns[e] = j;
                    values[e++] = v;
                }
            }
        }
        rowStart[inputs] = e;
        return new SparseKernel(inputs, units, rowStart, columns, values, precision == Precision.FLOAT32);
    }

    /** Whether a kernel of this sparsity is faster sparse for a batch of {@code rows} (the thresholds above). */
    public static boolean pays(double sparsity, int rows) {
        return sparsity >= (rows == 1 ? SINGLE_ROW_THRESHOLD : BATCH_THRESHOLD);
    }

    /** Number of stored (non-zero) weights. */
    public int nonZeros() {
        return values.length;
    }

    /** c = x·W + 1·biasᵀ with x [m×inputs], bias of {@code units} elements, c [m×units] (not aliasing x). */
    public void abPlusBias(DMatrixRMaj x, DMatrixRMaj bias, DMatrixRMaj c) {
        if (x.numCols != inputs || c.numRows != x.numRows || c.numCols != units || bias.getNumElements() != units) {
            throw new IllegalArgumentException("sparse abPlusBias: x is " + x.numRows + "x" + x.numCols + ", c "
                    + c.numRows + "x" + c.numCols + ", bias " + bias.getNumElements() + " elements; expected x m×"
                    + inputs + ", c m×" + units + ", bias " + units);
        }
        double[] xs = x.data;
        double[] cs = c.data;
        double[] b = bias.data;
        for (int r = 0; r < x.numRows; r++) {
            int out = r * units;
            System.arraycopy(b, 0, cs, out, units);
            int in = r * inputs;
            for (int i = 0; i < inputs; i++) {
                double xv = xs[in + i];
                if (xv == 0.0) {
                    continue;
                }
                int end = rowStart[i + 1];
                if (float32) {
                    float xf = (float) xv;
                    for (int e = rowStart[i]; e < end; e++) {
                        int j = out + columns[e];
                        cs[j] = Math.fma(xf, (float) values[e], (float) cs[j]);
                    }
                } else {
                    for (int e = rowStart[i]; e < end; e++) {
                        int j = out + columns[e];
                        cs[j] = Math.fma(xv, values[e], cs[j]);
                    }
                }
            }
        }
    }
}
