package dev.eddy.core.loss;

import org.ejml.data.DMatrixRMaj;

/** L = (1/(B·K))·Σ_bk (ŷ_bk − y_bk)²; ∂L/∂ŷ_bk = 2(ŷ_bk − y_bk)/(B·K). */
public final class MeanSquaredError implements Loss {

    @Override
    public String name() {
        return "mse";
    }

    @Override
    public double value(DMatrixRMaj yPred, DMatrixRMaj yTrue) {
        Loss.checkShapes(name(), yPred, yTrue);
        int n = yPred.getNumElements();
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            double d = yPred.data[i] - yTrue.data[i];
            sum += d * d;
        }
        return sum / n;
    }

    @Override
    public void gradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, DMatrixRMaj grad) {
        Loss.checkShapes(name(), yPred, yTrue);
        int n = yPred.getNumElements();
        grad.reshape(yPred.numRows, yPred.numCols);
        double scale = 2.0 / n;
        for (int i = 0; i < n; i++) {
            grad.data[i] = scale * (yPred.data[i] - yTrue.data[i]);
        }
    }
}
