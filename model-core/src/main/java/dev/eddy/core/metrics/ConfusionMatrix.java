package dev.eddy.core.metrics;

import org.ejml.data.DMatrixRMaj;

/**
 * Counts n_ij of examples with actual class i predicted as class j, and the classification metrics
 * derived from them (scikit-learn conventions; a ratio whose denominator is 0 is reported as 0):
 *
 * <pre>
 * accuracy     = Σ_i n_ii / N
 * precision(c) = n_cc / Σ_i n_ic        recall(c) = n_cc / Σ_j n_cj
 * F1(c)        = 2·precision·recall / (precision + recall)
 * macro-X      = (1/C)·Σ_c X(c)
 * </pre>
 *
 * For binary problems the positive class is 1, so {@code precision(1)} etc. are the binary metrics.
 */
public final class ConfusionMatrix {
    private final int classes;
    private final long[] counts;
    private long total;

    public ConfusionMatrix(int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("a confusion matrix needs at least 2 classes, got " + classes);
        }
        this.classes = classes;
        this.counts = new long[classes * classes];
    }

    /**
     * From network outputs: with one column (binary, sigmoid), class = [value ≥ 0.5] for both targets
     * and predictions; with K &gt; 1 columns, class = the first column holding the row maximum.
     */
    public static ConfusionMatrix of(DMatrixRMaj yTrue, DMatrixRMaj yPred) {
        if (yTrue.numRows != yPred.numRows || yTrue.numCols != yPred.numCols) {
            throw new IllegalArgumentException("y_true is " + yTrue.numRows + "x" + yTrue.numCols + " but y_pred is "
                    + yPred.numRows + "x" + yPred.numCols + "; expected equal shapes");
        }
        int k = yTrue.numCols;
        ConfusionMatrix m = new ConfusionMatrix(k == 1 ? 2 : k);
        for (int r = 0; r < yTrue.numRows; r++) {
            m.add(classOf(yTrue, r), classOf(yPred, r));
        }
        return m;
    }

    /** From class labels in [0, classes). */
    public static ConfusionMatrix ofLabels(int[] actual, int[] predicted, int classes) {
        if (actual.length != predicted.length) {
            throw new IllegalArgumentException("got " + actual.length + " actual and " + predicted.length
                    + " predicted labels; expected equal counts");
        }
        ConfusionMatrix m = new ConfusionMatrix(classes);
        for (int i = 0; i < actual.length; i++) {
            m.add(actual[i], predicted[i]);
        }
        return m;
    }

    private static int classOf(DMatrixRMaj y, int row) {
        int k = y.numCols;
        int offset = row * k;
        if (k == 1) {
            return y.data[offset] >= 0.5 ? 1 : 0;
        }
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (y.data[offset + j] > y.data[offset + best]) {
                best = j;
            }
        }
        return best;
    }

    /** Counts one example. */
    public void add(int actual, int predicted) {
        if (actual < 0 || actual >= classes || predicted < 0 || predicted >= classes) {
            throw new IllegalArgumentException(
                    "labels must be in [0, " + classes + "), got actual=" + actual + ", predicted=" + predicted);
        }
        counts[actual * classes + predicted]++;
        total++;
    }

    public int classes() {
        return classes;
    }

    /** n_ij: examples of actual class i predicted as j. */
    public long count(int actual, int predicted) {
        return counts[actual * classes + predicted];
    }

    public long total() {
        return total;
    }

    public double accuracy() {
        long correct = 0;
        for (int c = 0; c < classes; c++) {
            correct += count(c, c);
        }
        return ratio(correct, total);
    }

    public double precision(int c) {
        long predicted = 0;
        for (int i = 0; i < classes; i++) {
            predicted += count(i, c);
        }
        return ratio(count(c, c), predicted);
    }

    public double recall(int c) {
        long actual = 0;
        for (int j = 0; j < classes; j++) {
            actual += count(c, j);
        }
        return ratio(count(c, c), actual);
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
    }

    public double macroPrecision() {
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += precision(c);
        }
        return sum / classes;
    }

    public double macroRecall() {
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += recall(c);
        }
        return sum / classes;
    }

    public double macroF1() {
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += f1(c);
        }
        return sum / classes;
    }

    private static double ratio(long num, long den) {
        return den == 0 ? 0.0 : (double) num / den;
    }
}
