package dev.eddy.core.loss;

import dev.eddy.core.activation.Activation;
import dev.eddy.core.activation.Softmax;
import org.ejml.data.DMatrixRMaj;

/**
 * ℓ_b = −Σ_k y_bk ln p_bk with p = clip(ŷ) (see {@link ProbabilityClip}), rows of ŷ used as given (no
 * renormalisation), L = Σ_b w_b·ℓ_b / W with W = Σ_b w_b (see {@link Loss}):
 *
 * <pre>
 * L = −Σ_bk w_b·y_bk ln p_bk / W
 * ∂L/∂ŷ_bk = −w_b·y_bk / (p_bk·W) inside the clip interval, else 0
 * fused with a softmax output ŷ = softmax(z):  ∂L/∂z_bk = w_b·(ŷ_bk·Σ_j y_bj − y_bk) / W,
 *                                              i.e. w_b·(ŷ − y)/W for one-hot targets
 * </pre>
 */
public final class CategoricalCrossentropy implements Loss {

    @Override
    public String name() {
        return "categorical_crossentropy";
    }

    @Override
    public double value(DMatrixRMaj yPred, DMatrixRMaj yTrue, double[] weights) {
        Loss.checkShapes(name(), yPred, yTrue);
        double total = ExampleWeights.positiveSum(name(), weights, yPred.numRows);
        int k = yPred.numCols;
        double sum = 0.0;
        for (int r = 0, i = 0; r < yPred.numRows; r++) {
            double w = ExampleWeights.of(weights, r);
            for (int end = i + k; i < end; i++) {
                double y = yTrue.data[i];
                if (y != 0.0) {
                    sum -= w * y * StrictMath.log(ProbabilityClip.clip(yPred.data[i]));
                }
            }
        }
        return sum / total;
    }

    @Override
    public void gradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, double[] weights, DMatrixRMaj grad) {
        Loss.checkShapes(name(), yPred, yTrue);
        double total = ExampleWeights.positiveSum(name(), weights, yPred.numRows);
        int k = yPred.numCols;
        grad.reshape(yPred.numRows, k);
        for (int r = 0, i = 0; r < yPred.numRows; r++) {
            double w = ExampleWeights.of(weights, r);
            for (int end = i + k; i < end; i++) {
                double p = yPred.data[i];
                grad.data[i] = ProbabilityClip.inside(p) ? -(w * yTrue.data[i]) / (p * total) : 0.0;
            }
        }
    }

    @Override
    public boolean fusesWith(Activation output) {
        return output instanceof Softmax;
    }

    @Override
    public void logitGradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, double[] weights, DMatrixRMaj dz) {
        Loss.checkShapes(name(), yPred, yTrue);
        double total = ExampleWeights.positiveSum(name(), weights, yPred.numRows);
        int rows = yPred.numRows;
        int cols = yPred.numCols;
        dz.reshape(rows, cols);
        for (int r = 0; r < rows; r++) {
            double w = ExampleWeights.of(weights, r);
            int start = r * cols;
            double mass = 0.0;
            for (int i = start; i < start + cols; i++) {
                mass += yTrue.data[i];
            }
            for (int i = start; i < start + cols; i++) {
                dz.data[i] = w * (yPred.data[i] * mass - yTrue.data[i]) / total;
            }
        }
    }
}
