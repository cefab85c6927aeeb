package dev.eddy.core.loss;

/**
 * Per-example weights w_b of a batch loss L = Σ_b w_b·ℓ_b / Σ_b w_b. {@code null} stands for every weight 1, which
 * gives the plain mean (1/B)·Σ_b ℓ_b bit for bit: 1·x = x and Σ 1 = B are exact.
 */
public final class ExampleWeights {

    /**
     * The largest weight of an example (the smallest positive one is {@link #MIN_POSITIVE}), so that what training sums
     * and divides stays finite and positive. A batch has at most 65,536 rows ({@code batch-size}); an ensemble has K ≤
     * 64 members and, configured today, λ ≤ 1,000, and scales a member's rate by s = Σ k·w / (λ·Σ w) with each draw k
     * far below 2⁶³ (boosting's λ of an example stays below N/2, N the examples seen). With every w 0 or in [10⁻¹⁰⁰,
     * 10¹⁰⁰]:
     *
     * <pre>
     * Σ w ≤ 65,536·10¹⁰⁰ &lt; 10¹⁰⁵      K·λ·Σ w &lt; 10¹¹⁰      Σ k·w &lt; 2⁶³·10¹⁰⁵ &lt; 10¹²⁵
     * w/Σ w &gt; 10⁻²⁰⁵                  s ≥ 10⁻¹⁰⁰/(λ·10¹⁰⁵) ≥ 10⁻²⁰⁸ once one k·w is not 0
     * </pre>
     *
     * all far inside the doubles (up to 1.8·10³⁰⁸, down to 4.9·10⁻³²⁴). A weight of 10³⁰⁸ made Σ w infinite, so a
     * network's step, scaled by w/Σ w = 0, changed nothing, and an ensemble's rate scale NaN, failing the stream thread;
     * a weight of 4.9·10⁻³²⁴ beside one of 1 made s underflow to 0, failing it too. Only the ratios of the weights in a
     * batch count, so the 200 orders of magnitude lose nothing.
     */
    public static final double MAX = 1e100;

    /** The smallest positive weight of an example: see {@link #MAX}. */
    public static final double MIN_POSITIVE = 1e-100;

    private ExampleWeights() {}

    /**
     * Why {@code w} cannot be an example's weight (it must be 0 or in [{@link #MIN_POSITIVE}, {@link #MAX}]), null when
     * it can.
     */
    public static String problem(double w) {
        return w == 0 || (w >= MIN_POSITIVE && w <= MAX) ? null : "must be 0 or in [1e-100, 1e100], got " + w;
    }

    /**
     * Refuses a batch whose weights are not those of examples ({@link #problem}); a member's k·w of an ensemble may be
     * larger.
     *
     * @throws IllegalArgumentException naming the row, the weight and the range
     */
    public static void requireExampleWeights(String who, double[] weights) {
        for (int r = 0; r < weights.length; r++) {
            String problem = problem(weights[r]);
            if (problem != null) {
                throw new IllegalArgumentException(who + ": weight " + r + " " + problem);
            }
        }
    }

    /**
     * W = Σ_b w_b, summed in row order (B for {@code null}).
     *
     * @param who names the caller in the error, e.g. a loss
     * @throws IllegalArgumentException unless there are {@code rows} weights, each finite and ≥ 0
     */
    public static double sum(String who, double[] weights, int rows) {
        if (weights == null) {
            return rows;
        }
        if (weights.length != rows) {
            throw new IllegalArgumentException(
                    who + ": got " + weights.length + " weights for " + rows + " rows; expected one per row");
        }
        double sum = 0.0;
        for (int r = 0; r < rows; r++) {
            double w = weights[r];
            if (!(w >= 0 && w < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException(who + ": weight " + r + " must be finite and >= 0, got " + w);
            }
            sum += w;
        }
        return sum;
    }

    /** W = {@link #sum}, which must be positive: with W = 0 the weighted mean is 0/0. */
    static double positiveSum(String loss, double[] weights, int rows) {
        double sum = sum(loss, weights, rows);
        if (!(sum > 0)) {
            throw new IllegalArgumentException(
                    loss + ": the weights sum to " + sum + "; the weighted mean Σ w·ℓ / Σ w needs Σ w > 0");
        }
        return sum;
    }

    /** w_b: {@code weights[row]}, or 1 for {@code null}. */
    static double of(double[] weights, int row) {
        return weights == null ? 1.0 : weights[row];
    }
}
