package dev.eddy.core.train;

import dev.eddy.core.metrics.ConfusionMatrix;
import dev.eddy.core.metrics.RegressionMetrics;
import dev.eddy.core.metrics.RocAuc;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * The metrics of an {@link Evaluation}. Predicted class: argmax for softmax, p ≥ 0.5 for sigmoid,
 * score ≥ 0 for hinge. Binary precision/recall/F1/AUC take class 1 as positive; with K &gt; 2
 * classes they are macro averages (AUC one-vs-rest over the classes that have both positives and
 * negatives). AUC is NaN when it is undefined (a single class in the holdout set).
 */
final class HoldoutMetrics {
    private HoldoutMetrics() {}

    static Map<String, Double> of(TrainerConfig config, DMatrixRMaj outputs, double[] labels) {
        if (!config.classification()) {
            DMatrixRMaj targets = DMatrixRMaj.wrap(labels.length, 1, labels);
            return Map.of(
                    "mae", RegressionMetrics.meanAbsoluteError(targets, outputs),
                    "rmse", RegressionMetrics.rootMeanSquaredError(targets, outputs));
        }
        int k = outputs.numCols;
        int classes = k == 1 ? 2 : k;
        int[] actual = new int[labels.length];
        int[] predicted = new int[labels.length];
        for (int r = 0; r < labels.length; r++) {
            actual[r] = (int) labels[r];
            predicted[r] = predictedClass(config, outputs, r);
        }
        ConfusionMatrix m = ConfusionMatrix.ofLabels(actual, predicted, classes);
        boolean binary = classes == 2 && k == 1;
        return Map.of(
                "accuracy", m.accuracy(),
                "precision", binary ? m.precision(1) : m.macroPrecision(),
                "recall", binary ? m.recall(1) : m.macroRecall(),
                "f1", binary ? m.f1(1) : m.macroF1(),
                "auc", binary ? auc(actual, outputs, 0) : macroAuc(actual, outputs));
    }

    /** The predicted class of output row {@code row} (the rule of the class javadoc). */
    static int predictedClass(TrainerConfig config, DMatrixRMaj outputs, int row) {
        if (outputs.numCols > 1) {
            return argmax(outputs, row);
        }
        double threshold = config.loss().equals("hinge") ? 0.0 : 0.5;
        return outputs.data[row] >= threshold ? 1 : 0;
    }

    private static int argmax(DMatrixRMaj m, int row) {
        int k = m.numCols;
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (m.data[row * k + j] > m.data[row * k + best]) {
                best = j;
            }
        }
        return best;
    }

    /** One-vs-rest AUC of the class of output {@code column} (one column: class 1 is positive). */
    private static double auc(int[] actual, DMatrixRMaj outputs, int column) {
        int k = outputs.numCols;
        int positiveClass = k == 1 ? 1 : column;
        double[] isPositive = new double[actual.length];
        double[] scores = new double[actual.length];
        long positives = 0;
        for (int r = 0; r < actual.length; r++) {
            isPositive[r] = actual[r] == positiveClass ? 1 : 0;
            positives += (long) isPositive[r];
            scores[r] = outputs.data[r * k + column];
            if (Double.isNaN(scores[r])) {
                return Double.NaN;
            }
        }
        return positives == 0 || positives == actual.length ? Double.NaN : RocAuc.of(isPositive, scores);
    }

    private static double macroAuc(int[] actual, DMatrixRMaj outputs) {
        double sum = 0;
        int defined = 0;
        for (int c = 0; c < outputs.numCols; c++) {
            double a = auc(actual, outputs, c);
            if (!Double.isNaN(a)) {
                sum += a;
                defined++;
            }
        }
        return defined == 0 ? Double.NaN : sum / defined;
    }
}
