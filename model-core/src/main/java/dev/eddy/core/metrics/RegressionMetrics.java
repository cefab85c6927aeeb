package dev.eddy.core.metrics;

import org.ejml.data.DMatrixRMaj;

/**
 * Regression errors over every element of a [B×K] batch:
 * MAE = (1/(B·K))·Σ|ŷ − y|, RMSE = √((1/(B·K))·Σ(ŷ − y)²).
 */
public final class RegressionMetrics {
    private RegressionMetrics() {}

    public static double meanAbsoluteError(DMatrixRMaj yTrue, DMatrixRMaj yPred) {
        int n = checkShapes(yTrue, yPred);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.abs(yPred.data[i] - yTrue.data[i]);
        }
        return sum / n;
    }

    public static double rootMeanSquaredError(DMatrixRMaj yTrue, DMatrixRMaj yPred) {
        int n = checkShapes(yTrue, yPred);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double d = yPred.data[i] - yTrue.data[i];
            sum += d * d;
        }
        return Math.sqrt(sum / n);
    }

    private static int checkShapes(DMatrixRMaj yTrue, DMatrixRMaj yPred) {
        if (yTrue.numRows != yPred.numRows || yTrue.numCols != yPred.numCols) {
            throw new IllegalArgumentException("y_true is " + yTrue.numRows + "x" + yTrue.numCols + " but y_pred is "
                    + yPred.numRows + "x" + yPred.numCols + "; expected equal shapes");
        }
        int n = yTrue.getNumElements();
        if (n == 0) {
            throw new IllegalArgumentException("cannot compute an error over an empty batch");
        }
        return n;
    }
}
