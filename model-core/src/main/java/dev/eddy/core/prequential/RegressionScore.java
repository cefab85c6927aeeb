package dev.eddy.core.prequential;

/**
 * The prequential (test-then-train) errors of a regressor over a stream, each prediction made before its target is
 * used:
 *
 * <pre>
 * MAE = (1/N) Σ |ŷ_t − y_t|      RMSE = √((1/N) Σ (ŷ_t − y_t)²)      window RMSE over the last {@code window} examples
 * </pre>
 *
 * NaN before the first example. A prediction that is NaN (a diverged network: ∞ − ∞ in its output) is scored as the
 * worst error, +∞, as an infinite prediction already is: the metrics are +∞ while it counts (the windowed RMSE until
 * it leaves the window) instead of NaN for good.
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
        double error = absoluteError(predicted, actual);
        total++;
        absoluteSum += error;
        squaredSum += error * error;
        window.add(error * error);
    }

    /** |ŷ − y|, +∞ when ŷ is NaN (the target is finite). */
    public static double absoluteError(double predicted, double actual) {
        double error = Math.abs(predicted - actual);
        return Double.isNaN(error) ? Double.POSITIVE_INFINITY : error;
    }

    /** (ŷ − y)², +∞ when ŷ is NaN or the square overflows. */
    public static double squaredError(double predicted, double actual) {
        double error = absoluteError(predicted, actual);
        return error * error;
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
