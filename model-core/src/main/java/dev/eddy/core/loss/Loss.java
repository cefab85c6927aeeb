package dev.eddy.core.loss;

import dev.eddy.core.activation.Activation;
import org.ejml.data.DMatrixRMaj;

/**
 * A batch loss over a [B×K] batch (one row per example) with per-example weights w_b ≥ 0, Σ_b w_b &gt; 0:
 *
 * <pre>
 * L(ŷ, y; w) = Σ_b w_b·ℓ_b / Σ_b w_b          ∂L/∂ŷ_b = (w_b / Σ w)·∂ℓ_b/∂ŷ_b
 * </pre>
 *
 * (torch: {@code (w * loss(reduction='none')).sum() / w.sum()}). Without weights (or {@code null}) every w_b = 1 and
 * L = (1/B)·Σ_b ℓ_b, the golden README §4 mean, bit for bit. Per-example losses, clipping and reductions over the K
 * outputs follow README §4. A weight of 2 is the example twice in the batch: (2ℓ_a + ℓ_b)/3 is the mean over {a, a,
 * b}.
 */
public interface Loss {

    /** The name used in specs and the golden files, e.g. {@code categorical_crossentropy}. */
    String name();

    /** L(ŷ, y) with every weight 1. */
    default double value(DMatrixRMaj yPred, DMatrixRMaj yTrue) {
        return value(yPred, yTrue, null);
    }

    /**
     * L(ŷ, y; w).
     *
     * @param weights one per row, finite and ≥ 0, summing to more than 0; {@code null}: every weight 1
     * @throws IllegalArgumentException naming a bad weight, or when the weights sum to 0
     */
    double value(DMatrixRMaj yPred, DMatrixRMaj yTrue, double[] weights);

    /** grad = ∂L/∂ŷ with every weight 1; {@code grad} is reshaped to ŷ's shape. */
    default void gradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, DMatrixRMaj grad) {
        gradient(yPred, yTrue, null, grad);
    }

    /** grad = ∂L(ŷ, y; w)/∂ŷ, weights as in {@link #value(DMatrixRMaj, DMatrixRMaj, double[])}. */
    void gradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, double[] weights, DMatrixRMaj grad);

    /**
     * Whether {@link #logitGradient} is available for an output layer ŷ = f(z) with this activation
     * (a fused, better-conditioned gradient that skips f's Jacobian).
     */
    default boolean fusesWith(Activation output) {
        return false;
    }

    /**
     * dz = ∂L/∂z for ŷ = f(z), given ŷ, with every weight 1, when {@link #fusesWith}(f) holds; {@code dz} is reshaped
     * to ŷ's shape.
     */
    default void logitGradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, DMatrixRMaj dz) {
        logitGradient(yPred, yTrue, null, dz);
    }

    /** dz = ∂L(ŷ, y; w)/∂z, weights as in {@link #value(DMatrixRMaj, DMatrixRMaj, double[])}. */
    default void logitGradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, double[] weights, DMatrixRMaj dz) {
        throw new UnsupportedOperationException(name() + " has no fused logit gradient");
    }

    /** Fails unless ŷ and y have the same shape. */
    static void checkShapes(String loss, DMatrixRMaj yPred, DMatrixRMaj yTrue) {
        if (yPred.numRows != yTrue.numRows || yPred.numCols != yTrue.numCols) {
            throw new IllegalArgumentException(loss + ": y_pred is " + yPred.numRows + "x" + yPred.numCols
                    + " but y_true is " + yTrue.numRows + "x" + yTrue.numCols + "; expected equal shapes");
        }
    }
}
