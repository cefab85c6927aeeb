package dev.eddy.core.loss;

import org.ejml.data.DMatrixRMaj;

/**
 * ℓ_b = (1/K)·Σ_k (ŷ_bk − y_bk)², L = Σ_b w_b·ℓ_b / W with W = Σ_b w_b (see {@link Loss}):
 *
 * <pre>
 * L = Σ_bk w_b·(ŷ_bk − y_bk)² / (K·W)          ∂L/∂ŷ_bk = 2·w_b·(ŷ_bk − y_bk) / (K·W)
 * </pre>
 */
public final class MeanSquaredError implements Loss {

    @Override
    public String name() {
        return "mse";
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
                double d = yPred.data[i] - yTrue.data[i];
                sum += w * d * d;
            }
        }
        return sum / (k * total);
    }

    @Override
    public void gradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, double[] weights, DMatrixRMaj grad) {
        Loss.checkShapes(name(), yPred, yTrue);
        double total = ExampleWeights.positiveSum(name(), weights, yPred.numRows);
        int k = yPred.numCols;
        grad.reshape(yPred.numRows, k);
        double scale = 2.0 / (k * total);
        for (int r = 0, i = 0; r < yPred.numRows; r++) {
            double ws = scale * ExampleWeights.of(weights, r);
            for (int end = i + k; i < end; i++) {
                grad.data[i] = ws * (yPred.data[i] - yTrue.data[i]);
            }
        }
    }
}
