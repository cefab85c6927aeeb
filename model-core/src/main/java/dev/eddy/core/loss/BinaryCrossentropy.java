package dev.eddy.core.loss;

import dev.eddy.core.activation.Activation;
import dev.eddy.core.activation.Sigmoid;
import org.ejml.data.DMatrixRMaj;

/**
 * ℓ_b = (1/K)·Σ_k −[y ln p + (1 − y) ln(1 − p)] with p = clip(ŷ) (see {@link ProbabilityClip}), L = Σ_b w_b·ℓ_b / W
 * with W = Σ_b w_b (see {@link Loss}):
 *
 * <pre>
 * L = Σ_bk −w_b·[y ln p + (1 − y) ln(1 − p)] / (K·W)
 * ∂L/∂ŷ_bk = w_b·(−y/p + (1 − y)/(1 − p)) / (K·W) inside the clip interval, else 0
 * fused with a sigmoid output ŷ = σ(z):  ∂L/∂z_bk = w_b·(ŷ_bk − y_bk) / (K·W)
 * </pre>
 */
public final class BinaryCrossentropy implements Loss {

    @Override
    public String name() {
        return "binary_crossentropy";
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
                double p = ProbabilityClip.clip(yPred.data[i]);
                double y = yTrue.data[i];
                sum -= w * (y * StrictMath.log(p) + (1.0 - y) * StrictMath.log(1.0 - p));
            }
        }
        return sum / (k * total);
    }

    @Override
    public void gradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, double[] weights, DMatrixRMaj grad) {
        Loss.checkShapes(name(), yPred, yTrue);
        double total = ExampleWeights.positiveSum(name(), weights, yPred.numRows);
        int k = yPred.numCols;
        double n = k * total;
        grad.reshape(yPred.numRows, k);
        for (int r = 0, i = 0; r < yPred.numRows; r++) {
            double w = ExampleWeights.of(weights, r);
            for (int end = i + k; i < end; i++) {
                double p = yPred.data[i];
                double y = yTrue.data[i];
                grad.data[i] = ProbabilityClip.inside(p) ? w * (-y / p + (1.0 - y) / (1.0 - p)) / n : 0.0;
            }
        }
    }

    @Override
    public boolean fusesWith(Activation output) {
        return output instanceof Sigmoid;
    }

    @Override
    public void logitGradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, double[] weights, DMatrixRMaj dz) {
        Loss.checkShapes(name(), yPred, yTrue);
        double total = ExampleWeights.positiveSum(name(), weights, yPred.numRows);
        int k = yPred.numCols;
        double n = k * total;
        dz.reshape(yPred.numRows, k);
        for (int r = 0, i = 0; r < yPred.numRows; r++) {
            double w = ExampleWeights.of(weights, r);
            for (int end = i + k; i < end; i++) {
                dz.data[i] = w * (yPred.data[i] - yTrue.data[i]) / n;
            }
        }
    }
}
