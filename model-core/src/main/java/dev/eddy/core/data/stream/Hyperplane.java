package dev.eddy.core.data.stream;

import dev.eddy.core.data.LabeledRow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The rotating hyperplane of Hulten, Spencer and Domingos (2001), "Mining time-changing data streams", as in MOA's
 * {@code HyperplaneGenerator}: gradual drift.
 *
 * <pre>
 * x_i ~ U[0, 1],  i = 1 … d
 * y   = 1 if Σ_i w_i x_i ≥ ½ Σ_i w_i, else 0;   flipped with probability noise
 * after each example, for the first k (drifting) weights:
 *   w_i ← w_i + s_i · magnitude,   s_i ← −s_i with probability reversal      (s_i = ±1, initially +1)
 * </pre>
 *
 * Initial weights w_i ~ U[0, 1].
 */
public final class Hyperplane extends BinaryDriftingStream {

    private final double[] weights;
    private final double[] direction;
    private final int driftingFeatures;
    private final double magnitude;
    private final double reversal;
    private final List<String> names;

    /**
     * @param features d ≥ 1
     * @param driftingFeatures k in [0, d]: how many weights drift
     * @param magnitude change of a drifting weight per example, ≥ 0
     * @param reversal probability in [0, 1] that a drifting weight reverses its direction after an example
     * @param noise probability in [0, 1) that a label is flipped
     * @param seed seed of all random draws
     */
    public Hyperplane(int features, int driftingFeatures, double magnitude, double reversal, double noise, long seed) {
        super(noise, seed);
        if (features < 1) {
            throw new IllegalArgumentException("features must be >= 1, got " + features);
        }
        if (driftingFeatures < 0 || driftingFeatures > features) {
            throw new IllegalArgumentException(
                    "driftingFeatures must be in [0, " + features + "], got " + driftingFeatures);
        }
        if (!(magnitude >= 0) || Double.isInfinite(magnitude)) {
            throw new IllegalArgumentException("magnitude must be a finite number >= 0, got " + magnitude);
        }
        this.reversal = Probabilities.check("reversal", reversal);
        this.driftingFeatures = driftingFeatures;
        this.magnitude = magnitude;
        this.weights = new double[features];
        this.direction = new double[features];
        for (int i = 0; i < features; i++) {
            weights[i] = random.nextDouble();
            direction[i] = 1;
        }
        List<String> n = new ArrayList<>();
        for (int i = 1; i <= features; i++) {
            n.add("x" + i);
        }
        this.names = Collections.unmodifiableList(n);
    }

    /** MOA's defaults with a visible drift: d = 10, k = 2, magnitude 0.001, reversal 0.1, noise 0.05. */
    public static Hyperplane standard(long seed) {
        return new Hyperplane(10, 2, 0.001, 0.1, 0.05, seed);
    }

    /** The label rule: 1 if Σ w_i x_i ≥ ½ Σ w_i, else 0. */
    public static int label(double[] weights, double[] x) {
        double dot = 0;
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            dot += weights[i] * x[i];
            sum += weights[i];
        }
        return dot >= 0.5 * sum ? 1 : 0;
    }

    /** A copy of the current weights w (the concept of the next example). */
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public LabeledRow next() {
        double[] x = new double[weights.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble();
        }
        int y = label(weights, x);
        LabeledRow row = emit(x, y);
        for (int i = 0; i < driftingFeatures; i++) {
            weights[i] += direction[i] * magnitude;
            if (random.nextDouble() < reversal) {
                direction[i] = -direction[i];
            }
        }
        return row;
    }

    @Override
    public List<String> featureNames() {
        return names;
    }
}
