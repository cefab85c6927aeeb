package dev.eddy.core.train;

import dev.eddy.core.loss.Loss;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/**
 * What a model's outputs ŷ [rows × K] mean under a configuration: the targets its loss compares them with, the
 * predictions they make (the class of {@link HoldoutMetrics}, or the value) and their holdout {@link Evaluation}. One
 * network ({@link Trainer}) and an ensemble of them (whose outputs are combined first) score the same way.
 */
public final class ModelOutputs {

    private ModelOutputs() {}

    /**
     * The labels as the loss expects them: one-hot (softmax), 0/1 (sigmoid), −1/+1 (hinge) or the target itself,
     * into {@code into} when it has the right shape.
     *
     * @throws IllegalArgumentException naming the first label that is not a class index (or not a finite target)
     */
    public static DMatrixRMaj targets(TrainerConfig config, double[] labels, int rows, DMatrixRMaj into) {
        if (labels.length != rows) {
            throw new IllegalArgumentException("got " + labels.length + " labels for " + rows + " rows");
        }
        int k = config.outputSize();
        DMatrixRMaj m = into.numRows == rows && into.numCols == k && into.data.length == rows * k
                ? into
                : new DMatrixRMaj(rows, k);
        String lossName = config.loss();
        int classes = lossName.equals("categorical_crossentropy") ? k : 2;
        for (int r = 0; r < rows; r++) {
            double label = labels[r];
            if (lossName.equals("mse")) {
                if (!Double.isFinite(label)) {
                    throw new IllegalArgumentException("label " + r + " must be a finite target, got " + label);
                }
                m.data[r] = label;
                continue;
            }
            if (!(label >= 0 && label < classes && label == Math.rint(label))) {
                throw new IllegalArgumentException(
                        "label " + r + " must be a class index 0.." + (classes - 1) + ", got " + label);
            }
            switch (lossName) {
                case "categorical_crossentropy" -> {
                    Arrays.fill(m.data, r * k, r * k + k, 0.0);
                    m.data[r * k + (int) label] = 1.0;
                }
                case "hinge" -> m.data[r] = label == 1 ? 1.0 : -1.0;
                default -> m.data[r] = label;
            }
        }
        return m;
    }

    /** Per row the predicted class (classification: argmax, p ≥ 0.5, or score ≥ 0 for hinge) or the value. */
    public static double[] predictions(TrainerConfig config, DMatrixRMaj outputs) {
        double[] predicted = new double[outputs.numRows];
        for (int r = 0; r < predicted.length; r++) {
            predicted[r] =
                    config.classification() ? HoldoutMetrics.predictedClass(config, outputs, r) : outputs.data[r];
        }
        return predicted;
    }

    /**
     * The holdout evaluation of {@code outputs}: loss L_data(ŷ, y) + {@code penalty} and the metrics.
     *
     * @param penalty the weight penalties Σ l1·|W| + l2·W² added to the loss
     */
    public static Evaluation evaluation(
            TrainerConfig config, Loss loss, DMatrixRMaj outputs, double[] labels, double penalty) {
        DMatrixRMaj targets = targets(config, labels, labels.length, new DMatrixRMaj(1, 1));
        double value = loss.value(outputs, targets) + penalty;
        return new Evaluation(value, HoldoutMetrics.of(config, outputs, labels), labels.length);
    }
}
