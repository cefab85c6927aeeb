package dev.eddy.core.train;

import dev.eddy.core.layer.Dense;
import dev.eddy.core.preprocess.Standardizer;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/**
 * Target standardization of a regression model ({@value TrainerConfig#TARGET_STANDARDIZATION_KEY}{@code =true}): the
 * network learns the target standardized by running statistics (Welford, as the inputs: {@link Standardizer}) and its
 * output is mapped back,
 *
 * <pre>
 * train:    statistics ← statistics + the batch's targets, THEN t = (y − μ) / s,   s = √(σ² + ε)  (s = 1 while σ² = 0)
 * predict:  ŷ = net(x)·s + μ
 * serve:    the linear output layer takes the inverse in its weights, W' = W·s, b' = b·s + μ, so ŷ = h·W' + b'
 * </pre>
 *
 * A network whose output starts near 0 then predicts near the running mean from the first example, and the loss and
 * its gradients are in units of the target's spread whatever its scale: a target in the hundreds no longer makes SGD
 * at batch size 1 diverge. River's {@code TargetStandardScaler} does the same. Every target counts once in the
 * statistics, whatever its weight; evaluations and predictions do not update them.
 */
final class TargetStandardization {

    private final Standardizer statistics = new Standardizer(1);

    /**
     * Adds the targets [rows × 1] to the statistics, then standardizes them in place; {@code targets} is {@link
     * ModelOutputs#targets}' matrix, whose array holds exactly its rows.
     */
    void learn(DMatrixRMaj targets) {
        statistics.updateBatch(targets.data, targets.numRows);
        statistics.transformBatch(targets.data, targets.data, targets.numRows);
    }

    /**
     * A mean squared error of standardized targets in the target's own units: mean((ŷ − y)²) = s²·mean((t̂ − t)²),
     * with s of the last {@link #learn}, the one the error was computed with.
     */
    double inTargetUnits(double standardizedMse) {
        double s = statistics.scale(0);
        return standardizedMse * s * s;
    }

    /** ŷ·s + μ for the network's outputs [rows × 1], as a new matrix. */
    DMatrixRMaj inverse(DMatrixRMaj outputs) {
        // a network's output buffer may hold more than numRows values (it keeps the capacity of its largest batch)
        double[] values = Arrays.copyOf(outputs.data, outputs.numRows);
        statistics.inverseBatch(values, values, values.length);
        return DMatrixRMaj.wrap(values.length, 1, values);
    }

    /**
     * W ← W·s, b ← b·s + μ on the output layer of a copy that is served. Only a float64 model takes it ({@link
     * TrainerConfig} refuses float32): a float32 layer holding μ would round every output to float32's spacing at μ.
     */
    void fold(Dense output) {
        double s = statistics.scale(0);
        double[] kernel = output.kernel().value();
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] *= s;
        }
        double[] bias = output.bias().value();
        bias[0] = bias[0] * s + statistics.mean(0);
    }

    void copyFrom(TargetStandardization other) {
        statistics.copyFrom(other.statistics);
    }

    void saveState(DataOutput out) throws IOException {
        statistics.saveState(out);
    }

    void loadState(DataInput in) throws IOException {
        statistics.loadState(in);
    }
}
