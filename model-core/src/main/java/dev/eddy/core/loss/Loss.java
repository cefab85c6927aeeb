package dev.eddy.core.loss;

import dev.eddy.core.activation.Activation;
import org.ejml.data.DMatrixRMaj;

/**
 * A batch loss L(ŷ, y) = (1/B)·Σ_b ℓ_b over a [B×K] batch (one row per example) and its gradient
 * ∂L/∂ŷ. Formulas, clipping and reductions follow the golden README §4.
 */
public interface Loss {

    /** The name used in specs and the golden files, e.g. {@code categorical_crossentropy}. */
    String name();

    /** L(ŷ, y). */
    double value(DMatrixRMaj yPred, DMatrixRMaj yTrue);

    /** grad = ∂L/∂ŷ; {@code grad} is reshaped to ŷ's shape. */
    void gradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, DMatrixRMaj grad);

    /**
     * Whether {@link #logitGradient} is available for an output layer ŷ = f(z) with this activation
     * (a fused, better-conditioned gradient that skips f's Jacobian).
     */
    default boolean fusesWith(Activation output) {
        return false;
    }

    /**
     * dz = ∂L/∂z for ŷ = f(z), given ŷ, when {@link #fusesWith}(f) holds; {@code dz} is reshaped to ŷ's
     * shape.
     */
    default void logitGradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, DMatrixRMaj dz) {
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
