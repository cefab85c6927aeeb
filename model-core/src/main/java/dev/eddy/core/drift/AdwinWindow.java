package dev.eddy.core.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * ADWIN, the adaptive sliding window of Bifet and Gavaldà (SDM 2007), in the form of MOA's {@code ADWIN} (the
 * exponential histogram of its section 4, and MOA's cut bound): the window W of recent values, kept as long
 * as no split of it into an older part W₀ and a newer part W₁ has means further apart than
 *
 * <pre>
 * ε_cut = √(2 · m · σ²_W · δ') + (2/3) · δ' · m,   m = 1/(n₀ − M + 1) + 1/(n₁ − M + 1),   δ' = ln(2 ln n / δ)
 * </pre>
 *
 * with n = |W|, σ²_W the window's variance, M = {@code minWindow}, and both parts longer than M + 1. Each cut
 * drops the oldest bucket and the splits are checked again.
 *
 * <p>The window is stored as rows of buckets: row i holds at most {@link #MAX_BUCKETS} buckets of 2^i values
 * each (their total and their variance, sum of squared deviations); a row that reaches {@code MAX_BUCKETS} + 1
 * merges its two oldest buckets into one of the next row:
 *
 * <pre>
 * total = t₁ + t₂,   variance = v₁ + v₂ + n₁n₂(t₁/n₁ − t₂/n₂)² / (n₁ + n₂)
 * </pre>
 *
 * The splits are checked every {@code clock} values and only once the window holds more than
 * {@value #MIN_CHECKED_WIDTH} values, at bucket boundaries from the oldest bucket on (all MOA's choices).
 *
 * <p>Arithmetic follows MOA's expression by expression, so the window widths and sums are MOA's bit for bit,
 * with two deliberate differences. Counts are 64-bit and the products of counts are taken in double, where
 * MOA's 32-bit products overflow on long windows (a cut that drops a bucket of 2^14 values from a window of
 * more than 2^17, a merge of two buckets of 2^16); below that both give the same bits. The logarithm is
 * {@link StrictMath#log} (the same bits on every JVM, for replay) where MOA calls {@link Math#log}, which may
 * differ in the last bit; no index differs on the conformance sequences.
 */
public final class AdwinWindow {

    /** Buckets per row before two merge (MOA's {@code MAXBUCKETS}; the paper's M). */
    public static final int MAX_BUCKETS = 5;

    /** Splits are only checked in a window longer than this (MOA's {@code mintMinimLongitudWindow}). */
    public static final int MIN_CHECKED_WIDTH = 10;

    private static final int INITIAL_ROWS = 8;

    private final double delta;
    private final int clock;
    private final int minWindow;

    private long time;
    private long width;
    private double total;
    private double variance;
    private int rows;
    private int[] counts;
    private double[][] totals;
    private double[][] variances;

    /**
     * @param delta δ in (0, 1): the confidence of a cut
     * @param clock check the splits every {@code clock} values, ≥ 1
     * @param minWindow M ≥ 1: both parts of a split must hold more than M + 1 values
     */
    public AdwinWindow(double delta, int clock, int minWindow) {
        this.delta = DriftKeys.open("delta", delta, 0, 1, "in (0, 1)");
        this.clock = DriftKeys.atLeast("clock", clock, 1);
        this.minWindow = DriftKeys.atLeast("min-window", minWindow, 1);
        clear();
    }

    /** Empties the window. */
    public void clear() {
        time = 0;
        width = 0;
        total = 0;
        variance = 0;
        rows = 1;
        counts = new int[INITIAL_ROWS];
        totals = new double[INITIAL_ROWS][MAX_BUCKETS + 1];
        variances = new double[INITIAL_ROWS][MAX_BUCKETS + 1];
    }

    /**
     * Adds {@code x} and, on a check, cuts the window while some split's means differ by more than ε_cut.
     *
     * @return whether the window was cut
     */
    public boolean add(double x) {
        time++;
        insert(x);
        if (time % clock != 0 || width <= MIN_CHECKED_WIDTH) {
            return false;
        }
        boolean cut = false;
        boolean again = true;
        while (again) {
            again = false;
            long n0 = 0;
            long n1 = width;
            double u0 = 0;
            double u1 = total;
            scan:
            for (int i = rows - 1; i >= 0; i--) {
                long size = 1L << i;
                for (int k = 0; k < counts[i]; k++) {
                    n0 += size;
                    n1 -= size;
                    u0 += totals[i][k];
                    u1 -= totals[i][k];
                    if (i == 0 && k == counts[i] - 1) {
                        break scan;
                    }
                    double difference = (u0 / n0) - (u1 / n1);
                    if (n1 > minWindow + 1 && n0 > minWindow + 1 && exceedsBound(n0, n1, difference)) {
                        cut = true;
                        again = true;
                        dropOldestBucket();
                        break scan;
                    }
                }
            }
        }
        return cut;
    }

    /** |μ̂₀ − μ̂₁| > ε_cut. */
    private boolean exceedsBound(long n0, long n1, double difference) {
        double dd = StrictMath.log(2 * StrictMath.log(width) / delta);
        double v = variance / width;
        double m = ((double) 1 / (n0 - minWindow + 1)) + ((double) 1 / (n1 - minWindow + 1));
        double epsilon = Math.sqrt(2 * m * v * dd) + (double) 2 / 3 * dd * m;
        return Math.abs(difference) > epsilon;
    }

    /** Appends x as a bucket of row 0; the variance grows by (n − 1)(x − μ̂_{n−1})² / n. */
    private void insert(double x) {
        width++;
        append(0, x, 0);
        double increment = 0;
        if (width > 1) {
            increment = (width - 1) * (x - total / (width - 1)) * (x - total / (width - 1)) / width;
        }
        variance += increment;
        total += x;
        compress();
    }

    private void compress() {
        for (int i = 0; i < rows && counts[i] == MAX_BUCKETS + 1; i++) {
            if (i + 1 == rows) {
                addRow();
            }
            long n1 = 1L << i;
            long n2 = 1L << i;
            double u1 = totals[i][0] / n1;
            double u2 = totals[i][1] / n2;
            double increment = (double) n1 * n2 * (u1 - u2) * (u1 - u2) / (n1 + n2);
            append(i + 1, totals[i][0] + totals[i][1], variances[i][0] + variances[i][1] + increment);
            removeOldest(i, 2);
            if (counts[i + 1] <= MAX_BUCKETS) {
                break;
            }
        }
    }

    /** Removes the oldest bucket (of the last row) and its share of the total and the variance. */
    private void dropOldestBucket() {
        int last = rows - 1;
        long n1 = 1L << last;
        width -= n1;
        total -= totals[last][0];
        double u1 = totals[last][0] / n1;
        double increment =
                variances[last][0] + (double) n1 * width * (u1 - total / width) * (u1 - total / width) / (n1 + width);
        variance -= increment;
        removeOldest(last, 1);
        if (counts[last] == 0) {
            rows--;
        }
    }

    private void append(int row, double bucketTotal, double bucketVariance) {
        totals[row][counts[row]] = bucketTotal;
        variances[row][counts[row]] = bucketVariance;
        counts[row]++;
    }

    private void removeOldest(int row, int n) {
        int kept = counts[row] - n;
        System.arraycopy(totals[row], n, totals[row], 0, kept);
        System.arraycopy(variances[row], n, variances[row], 0, kept);
        Arrays.fill(totals[row], kept, MAX_BUCKETS + 1, 0);
        Arrays.fill(variances[row], kept, MAX_BUCKETS + 1, 0);
        counts[row] = kept;
    }

    private void addRow() {
        if (rows == counts.length) {
            int capacity = counts.length * 2;
            counts = Arrays.copyOf(counts, capacity);
            totals = Arrays.copyOf(totals, capacity);
            variances = Arrays.copyOf(variances, capacity);
            for (int r = rows; r < capacity; r++) {
                totals[r] = new double[MAX_BUCKETS + 1];
                variances[r] = new double[MAX_BUCKETS + 1];
            }
        }
        rows++;
    }

    /** Values in the window. */
    public long width() {
        return width;
    }

    /** The window's mean μ̂_W (NaN while empty), MOA's {@code getEstimation()}. */
    public double mean() {
        return total / width;
    }

    /** The sum of the values in the window. */
    public double total() {
        return total;
    }

    /** The window's variance σ²_W (NaN while empty). */
    public double variance() {
        return variance / width;
    }

    /** Values added since the window was created or cleared. */
    public long time() {
        return time;
    }

    void saveState(DataOutput out) throws IOException {
        out.writeLong(time);
        out.writeLong(width);
        out.writeDouble(total);
        out.writeDouble(variance);
        out.writeInt(rows);
        for (int r = 0; r < rows; r++) {
            out.writeInt(counts[r]);
            for (int k = 0; k < counts[r]; k++) {
                out.writeDouble(totals[r][k]);
                out.writeDouble(variances[r][k]);
            }
        }
    }

    void loadState(DataInput in, String what) throws IOException {
        long loadedTime = in.readLong();
        long loadedWidth = in.readLong();
        double loadedTotal = in.readDouble();
        double loadedVariance = in.readDouble();
        int loadedRows = in.readInt();
        if (loadedTime < 0 || loadedWidth < 0 || loadedWidth > loadedTime || loadedRows < 1 || loadedRows > 63) {
            throw new IOException("corrupt " + what + " state: time " + loadedTime + ", width " + loadedWidth
                    + ", rows " + loadedRows);
        }
        int capacity = Math.max(INITIAL_ROWS, Integer.highestOneBit(loadedRows) * 2);
        int[] c = new int[capacity];
        double[][] t = new double[capacity][MAX_BUCKETS + 1];
        double[][] v = new double[capacity][MAX_BUCKETS + 1];
        long held = 0;
        for (int r = 0; r < loadedRows; r++) {
            c[r] = in.readInt();
            if (c[r] < 0 || c[r] > MAX_BUCKETS || (c[r] == 0 && r > 0 && r == loadedRows - 1)) {
                throw new IOException("corrupt " + what + " state: row " + r + " holds " + c[r] + " buckets");
            }
            for (int k = 0; k < c[r]; k++) {
                t[r][k] = in.readDouble();
                v[r][k] = in.readDouble();
            }
            held += (long) c[r] << r;
        }
        if (held != loadedWidth) {
            throw new IOException(
                    "corrupt " + what + " state: buckets hold " + held + " values, the width is " + loadedWidth);
        }
        time = loadedTime;
        width = loadedWidth;
        total = loadedTotal;
        variance = loadedVariance;
        rows = loadedRows;
        counts = c;
        totals = t;
        variances = v;
    }
}
