package dev.eddy.core.loss;

/**
 * Per-example weights w_b of a batch loss L = Σ_b w_b·ℓ_b / Σ_b w_b. {@code null} stands for every weight 1, which
 * gives the plain mean (1/B)·Σ_b ℓ_b bit for bit: 1·x = x and Σ 1 = B are exact.
 */
public final class ExampleWeights {

    private ExampleWeights() {}

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
