package dev.eddy.core.preprocess;

import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Per-feature standardization with running statistics, updated one row at a time by Welford's
 * algorithm (numerically stable, no second pass). For feature j after n rows:
 *
 * <pre>
 * update with x:  n ← n + 1;  δ = x_j − mean_j;  mean_j ← mean_j + δ/n;  M2_j ← M2_j + δ·(x_j − mean_j)
 * var_j = M2_j / n                          (population variance)
 * transform:      out_j = (x_j − mean_j) / √(var_j + ε),  ε = {@value #EPSILON}
 *                 out_j = x_j − mean_j      if var_j = 0 (a constant feature is only centred)
 * </pre>
 *
 * Before any row, mean = 0 and var = 0, so {@code transform} is the identity. The same statistics
 * are used at serving time: save them with the model.
 */
public final class Standardizer {

    /** ε added to the variance: keeps tiny variances from blowing features up by more than 1/√ε = 1e4. */
    public static final double EPSILON = 1e-8;

    private static final String STATE_TAG = "standardizer";
    private static final int STATE_VERSION = 1;

    private final int features;
    private long count;
    private double[] mean;
    private double[] m2;

    /** @param features number of features per row, ≥ 1 */
    public Standardizer(int features) {
        if (features < 1) {
            throw new IllegalArgumentException("features must be >= 1, got " + features);
        }
        this.features = features;
        this.mean = new double[features];
        this.m2 = new double[features];
    }

    /**
     * A standardizer holding given statistics, the inverse of {@link #count()}, {@link #mean(int)} and
     * {@link #variance(int)}: M2_j = var_j · n.
     */
    public static Standardizer of(long count, double[] mean, double[] variance) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        Standardizer s = new Standardizer(mean.length);
        requireLength("variance", variance.length, mean.length);
        s.count = count;
        for (int j = 0; j < mean.length; j++) {
            if (!(variance[j] >= 0) || !Double.isFinite(mean[j])) {
                throw new IllegalArgumentException("feature " + j + ": mean must be finite and variance >= 0, got mean "
                        + mean[j] + ", variance " + variance[j]);
            }
            s.mean[j] = mean[j];
            s.m2[j] = variance[j] * count;
        }
        return s;
    }

    /** Makes this standardizer's statistics equal to {@code other}'s (same number of features). */
    public void copyFrom(Standardizer other) {
        requireLength("other standardizer", other.features, features);
        count = other.count;
        System.arraycopy(other.mean, 0, mean, 0, features);
        System.arraycopy(other.m2, 0, m2, 0, features);
    }

    /** Adds one row of {@code features} finite values to the statistics. */
    public void update(double[] row) {
        requireLength("row", row.length, features);
        updateRow(row, 0);
    }

    /** Adds {@code rows} rows stored row-major in {@code batch} (rows × features values). */
    public void updateBatch(double[] batch, int rows) {
        requireLength("batch", batch.length, rows * features);
        for (int r = 0; r < rows; r++) {
            updateRow(batch, r * features);
        }
    }

    private void updateRow(double[] data, int offset) {
        for (int j = 0; j < features; j++) {
            if (!Double.isFinite(data[offset + j])) {
                throw new IllegalArgumentException("feature " + j + " must be finite, got " + data[offset + j]);
            }
        }
        count++;
        for (int j = 0; j < features; j++) {
            double x = data[offset + j];
            double delta = x - mean[j];
            mean[j] += delta / count;
            m2[j] += delta * (x - mean[j]);
        }
    }

    /** Standardizes one row: {@code out[j] = (in[j] − mean_j) / √(var_j + ε)}; {@code out} may be {@code in}. */
    public void transform(double[] in, double[] out) {
        requireLength("input row", in.length, features);
        requireLength("output row", out.length, features);
        transformRow(in, out, 0);
    }

    /** Standardizes {@code rows} rows stored row-major; {@code out} may be {@code in}. */
    public void transformBatch(double[] in, double[] out, int rows) {
        requireLength("input batch", in.length, rows * features);
        requireLength("output batch", out.length, rows * features);
        for (int r = 0; r < rows; r++) {
            transformRow(in, out, r * features);
        }
    }

    private void transformRow(double[] in, double[] out, int offset) {
        for (int j = 0; j < features; j++) {
            out[offset + j] = (in[offset + j] - mean[j]) / scale(j);
        }
    }

    /**
     * The inverse of {@link #transformBatch}: {@code out = in·scale_j + mean_j} for {@code rows} rows stored row-major;
     * {@code out} may be {@code in}.
     */
    public void inverseBatch(double[] in, double[] out, int rows) {
        requireLength("input batch", in.length, rows * features);
        requireLength("output batch", out.length, rows * features);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < features; j++) {
                out[r * features + j] = in[r * features + j] * scale(j) + mean[j];
            }
        }
    }

    /** The divisor of feature j: √(var_j + ε), or exactly 1 while var_j = 0 (a constant feature is only centred). */
    public double scale(int j) {
        double var = variance(j);
        return var == 0 ? 1 : Math.sqrt(var + EPSILON);
    }

    /** Number of rows seen. */
    public long count() {
        return count;
    }

    public int features() {
        return features;
    }

    /** Running mean of feature j (0 before any row). */
    public double mean(int j) {
        return mean[j];
    }

    /** Population variance M2_j / n of feature j (0 before any row). */
    public double variance(int j) {
        return count == 0 ? 0 : m2[j] / count;
    }

    /** Writes the feature count, row count, means and M2 sums. */
    public void saveState(DataOutput out) throws IOException {
        StateIo.writeHeader(out, STATE_TAG, STATE_VERSION);
        out.writeInt(features);
        out.writeLong(count);
        StateIo.writeDoubles(out, mean);
        StateIo.writeDoubles(out, m2);
    }

    /** Restores state written by {@link #saveState} for the same number of features. */
    public void loadState(DataInput in) throws IOException {
        StateIo.readHeader(in, STATE_TAG, STATE_VERSION);
        int savedFeatures = in.readInt();
        if (savedFeatures != features) {
            throw new IOException(STATE_TAG + " state has " + savedFeatures + " features, expected " + features);
        }
        long loadedCount = in.readLong();
        if (loadedCount < 0) {
            throw new IOException("corrupt " + STATE_TAG + " state: row count " + loadedCount);
        }
        double[] loadedMean = StateIo.readDoubles(in, features, "standardizer mean");
        double[] loadedM2 = StateIo.readDoubles(in, features, "standardizer M2");
        count = loadedCount;
        mean = loadedMean;
        m2 = loadedM2;
    }

    private static void requireLength(String what, int length, int expected) {
        if (length != expected) {
            throw new IllegalArgumentException(what + " must have " + expected + " values, got " + length);
        }
    }
}
