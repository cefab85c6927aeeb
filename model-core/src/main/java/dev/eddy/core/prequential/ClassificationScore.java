package dev.eddy.core.prequential;

/**
 * The prequential (test-then-train) scores of a classifier over a stream: every example is predicted before its
 * label is used, and the pair (actual y, predicted ŷ) is added here in stream order. With n_ij the examples of class
 * i predicted as j, N their total, a_c = Σ_j n_cj the examples of class c and b_c = Σ_i n_ic those predicted as c:
 *
 * <pre>
 * p₀ = Σ_i n_ii / N                                       accuracy
 * p_e = Σ_c (a_c / N) · (b_c / N)                         chance agreement of the marginals
 * κ = (p₀ − p_e) / (1 − p_e)                              Cohen's kappa
 * p_e' = (1/N) Σ_t [y_t = y_{t−1}],  y_0 = 0              accuracy of the no-change classifier
 * κ_per = (p₀ − p_e') / (1 − p_e')                        kappa-temporal (Žliobaitė et al., Machine Learning 2015)
 * </pre>
 *
 * Kappa-temporal is 0 for the no-change classifier and negative for anything worse: the honest figure on
 * autocorrelated streams, where repeating the last label is hard to beat. The no-change classifier starts from class
 * 0, as MOA's {@code BasicClassificationPerformanceEvaluator} does. Undefined figures (no example yet, or a
 * denominator of 0) are NaN. The windowed accuracy is the mean correctness of the last {@code window} examples.
 *
 * <p>Only the marginals a and b and the diagonal's sum are kept, not the K × K matrix n: memory grows with K, not K².
 */
public final class ClassificationScore {

    private final int classes;
    private final long[] actualTotals;
    private final long[] predictedTotals;
    private final SlidingWindow window;
    private long total;
    private long correct;
    private long noChangeCorrect;
    private int previousLabel;

    /**
     * @param classes the number of classes K ≥ 2; labels and predictions are in [0, K)
     * @param window examples in the windowed accuracy
     */
    public ClassificationScore(int classes, int window) {
        if (classes < 2) {
            throw new IllegalArgumentException("a classification score needs at least 2 classes, got " + classes);
        }
        this.classes = classes;
        this.actualTotals = new long[classes];
        this.predictedTotals = new long[classes];
        this.window = new SlidingWindow(window);
    }

    /** Adds the next example of the stream: its actual class and the class predicted before it was trained on. */
    public void add(int actual, int predicted) {
        if (actual < 0 || actual >= classes || predicted < 0 || predicted >= classes) {
            throw new IllegalArgumentException(
                    "classes must be in [0, " + classes + "), got actual " + actual + " and predicted " + predicted);
        }
        actualTotals[actual]++;
        predictedTotals[predicted]++;
        total++;
        boolean hit = actual == predicted;
        if (hit) {
            correct++;
        }
        if (actual == previousLabel) {
            noChangeCorrect++;
        }
        previousLabel = actual;
        window.add(hit ? 1 : 0);
    }

    public long examples() {
        return total;
    }

    /** p₀. */
    public double accuracy() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** κ. */
    public double kappa() {
        if (total == 0) {
            return Double.NaN;
        }
        double chance = 0;
        for (int c = 0; c < classes; c++) {
            chance += ((double) actualTotals[c] / total) * ((double) predictedTotals[c] / total);
        }
        return kappaOver(chance);
    }

    /** κ_per. */
    public double kappaTemporal() {
        return total == 0 ? Double.NaN : kappaOver((double) noChangeCorrect / total);
    }

    /** The accuracy of the last {@code window} examples (fewer at the start). */
    public double windowAccuracy() {
        return window.mean();
    }

    private double kappaOver(double reference) {
        return reference == 1 ? Double.NaN : (accuracy() - reference) / (1 - reference);
    }
}
