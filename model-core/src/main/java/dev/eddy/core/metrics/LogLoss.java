package dev.eddy.core.metrics;

import dev.eddy.core.loss.BinaryCrossentropy;
import dev.eddy.core.loss.CategoricalCrossentropy;
import org.ejml.data.DMatrixRMaj;

/**
 * Log-loss (cross-entropy) of predicted probabilities, with the loss functions' clip to
 * [1e-7, 1 − 1e-7]: for one column −(1/B)·Σ[y ln p + (1 − y) ln(1 − p)] (binary), for K &gt; 1 columns
 * −(1/B)·Σ_b Σ_k y_bk ln p_bk (categorical, one-hot targets).
 */
public final class LogLoss {
    private static final BinaryCrossentropy BINARY = new BinaryCrossentropy();
    private static final CategoricalCrossentropy CATEGORICAL = new CategoricalCrossentropy();

    private LogLoss() {}

    public static double of(DMatrixRMaj yTrue, DMatrixRMaj yPred) {
        return yPred.numCols == 1 ? BINARY.value(yPred, yTrue) : CATEGORICAL.value(yPred, yTrue);
    }
}
