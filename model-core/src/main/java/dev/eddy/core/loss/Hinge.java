package dev.eddy.core.loss;

import org.ejml.data.DMatrixRMaj;

/**
 * ℓ_b = (1/K)·Σ_k max(0, 1 − y_bk·ŷ_bk) with y ∈ {−1, +1}, L = Σ_b w_b·ℓ_b / W with W = Σ_b w_b (see {@link Loss}):
 *
 * <pre>
 * L = Σ_bk w_b·max(0, 1 − y_bk·ŷ_bk) / (K·W)     ∂L/∂ŷ_bk = −w_b·y_bk / (K·W) where 1 − y·ŷ &gt; 0, else 0
 * </pre>
 */
public final class Hinge implements Loss {

    @Override
    public String name() {
        return "hinge";
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
                sum += w * Math.max(0.0, 1.0 - yTrue.data[i] * yPred.data[i]);
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
                grad.data[i] = 1.0 - yTrue.data[i] * yPred.data[i] > 0 ? -(w * yTrue.data[i]) / n : 0.0;
            }
        }
    }
}
