package dev.eddy.core.loss;

import dev.eddy.core.activation.Activation;
import dev.eddy.core.activation.Softmax;
import org.ejml.data.DMatrixRMaj;

/**
 * L = −(1/B)·Σ_b Σ_k y_bk ln p_bk with p = clip(ŷ) (see {@link ProbabilityClip}), rows of ŷ used as
 * given (no renormalisation); ∂L/∂ŷ = −y/(p·B) inside the clip interval, else 0. Fused with a softmax
 * output ŷ = softmax(z): ∂L/∂z_bk = (ŷ_bk·Σ_j y_bj − y_bk)/B, i.e. (ŷ − y)/B for one-hot targets.
 */
public final class CategoricalCrossentropy implements Loss {

    @Override
    public String name() {
        return "categorical_crossentropy";
    }

    @Override
    public double value(DMatrixRMaj yPred, DMatrixRMaj yTrue) {
        Loss.checkShapes(name(), yPred, yTrue);
        int n = yPred.getNumElements();
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            double y = yTrue.data[i];
            if (y != 0.0) {
                sum -= y * Math.log(ProbabilityClip.clip(yPred.data[i]));
            }
        }
        return sum / yPred.numRows;
    }

    @Override
    public void gradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, DMatrixRMaj grad) {
        Loss.checkShapes(name(), yPred, yTrue);
        int n = yPred.getNumElements();
        int batch = yPred.numRows;
        grad.reshape(yPred.numRows, yPred.numCols);
        for (int i = 0; i < n; i++) {
            double p = yPred.data[i];
            grad.data[i] = ProbabilityClip.inside(p) ? -yTrue.data[i] / (p * batch) : 0.0;
        }
    }

    @Override
    public boolean fusesWith(Activation output) {
        return output instanceof Softmax;
    }

    @Override
    public void logitGradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, DMatrixRMaj dz) {
        Loss.checkShapes(name(), yPred, yTrue);
        int rows = yPred.numRows;
        int cols = yPred.numCols;
        dz.reshape(rows, cols);
        for (int r = 0; r < rows; r++) {
            int start = r * cols;
            double mass = 0.0;
            for (int i = start; i < start + cols; i++) {
                mass += yTrue.data[i];
            }
            for (int i = start; i < start + cols; i++) {
                dz.data[i] = (yPred.data[i] * mass - yTrue.data[i]) / rows;
            }
        }
    }
}
