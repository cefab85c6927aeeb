package dev.eddy.core.loss;

import org.ejml.data.DMatrixRMaj;

/**
 * L = (1/(B·K))·Σ_bk max(0, 1 − y_bk·ŷ_bk) with y ∈ {−1, +1}; ∂L/∂ŷ_bk = −y_bk/(B·K) where the margin
 * 1 − y·ŷ is positive, else 0.
 */
public final class Hinge implements Loss {

    @Override
    public String name() {
        return "hinge";
    }

    @Override
    public double value(DMatrixRMaj yPred, DMatrixRMaj yTrue) {
        Loss.checkShapes(name(), yPred, yTrue);
        int n = yPred.getNumElements();
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            sum += Math.max(0.0, 1.0 - yTrue.data[i] * yPred.data[i]);
        }
        return sum / n;
    }

    @Override
    public void gradient(DMatrixRMaj yPred, DMatrixRMaj yTrue, DMatrixRMaj grad) {
        Loss.checkShapes(name(), yPred, yTrue);
        int n = yPred.getNumElements();
        grad.reshape(yPred.numRows, yPred.numCols);
        for (int i = 0; i < n; i++) {
            grad.data[i] = 1.0 - yTrue.data[i] * yPred.data[i] > 0 ? -yTrue.data[i] / n : 0.0;
        }
    }
}
