package dev.eddy.core.prequential;

/**
 * The prequential (test-then-train) errors of a regressor over a stream, each prediction made before its target is
 * used:
 *
 * <pre>
 * MAE = (1/N) Σ |ŷ_t − y_t|      RMSE = √((1/N) Σ (ŷ_t − y_t)²)      window RMSE over the last {@code window} examples
 * </pre>
 *
 * NaN before the first example.
 */
public final class RegressionScore {

    private final SlidingWindow window;
    private long total;
    private double absoluteSum;
    private double squaredSum;

    /** @param window examples in the windowed RMSE */
    public RegressionScore(int window) {
        this.window = new SlidingWindow(window);
    }

    public void add(double actual, double predicted) {
        double error = predicted - actual;
        total++;
        absoluteSum += Math.abs(error);
        squaredSum += error * error;
        window.add(error * error);
    }

    public long examples() {
        return total;
    }

    public double mae() {
        return total == 0 ? Double.NaN : absoluteSum / total;
    }

    public double rmse() {
        return total == 0 ? Double.NaN : Math.sqrt(squaredSum / total);
    }

    public double windowRmse() {
        return Math.sqrt(window.mean());
    }
}
