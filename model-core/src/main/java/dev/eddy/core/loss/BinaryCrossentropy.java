package dev.eddy.core.loss;

import dev.eddy.core.activation.Activation;
import dev.eddy.core.activation.Sigmoid;
import org.ejml.data.DMatrixRMaj;

/**
 * L = (1/(B·K))·Σ_bk −[y ln p + (1 − y) ln(1 − p)] with p = clip(ŷ) (see {@link ProbabilityClip});
 * ∂L/∂ŷ = (−y/p + (1 − y)/(1 − p))/(B·K) inside the clip interval, else 0. Fused with a sigmoid
 * output ŷ = σ(z): ∂L/∂z = (ŷ − y)/(B·K).
 */
public final class BinaryCrossentropy implements Loss {

    @Override
    public String name() {
        return "binary_crossentropy";
    }

    @Override
    public double value(DMatrixRMaj yPred, DMatrixRMaj yTrue) {
        Loss.checkShapes(name(), yPred, yTrue);
        int n = yPred.getNumElements();
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            double p = ProbabilityClip.clip(yPred.data[i]);
            double y = yTrue.data[i];
            sum -= y * Math.log(p) + (1.0 - y) * Math.log(1.0 - p);
        }
        return sum / n;
    }

    @Override
    public void gradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, DMatrixRMaj grad) {
        Loss.checkShapes(name(), yPred, yTrue);
        int n = yPred.getNumElements();
        grad.reshape(yPred.numRows, yPred.numCols);
        for (int i = 0; i < n; i++) {
            double p = yPred.data[i];
            double y = yTrue.data[i];
            grad.data[i] = ProbabilityClip.inside(p) ? (-y / p + (1.0 - y) / (1.0 - p)) / n : 0.0;
        }
    }

    @Override
    public boolean fusesWith(Activation output) {
        return output instanceof Sigmoid;
    }

    @Override
    public void logitGradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, DMatrixRMaj dz) {
        Loss.checkShapes(name(), yPred, yTrue);
        int n = yPred.getNumElements();
        dz.reshape(yPred.numRows, yPred.numCols);
        for (int i = 0; i < n; i++) {
            dz.data[i] = (yPred.data[i] - yTrue.data[i]) / n;
        }
    }
}
