package dev.eddy.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void binaryConfusionMatrixFromProbabilities() {
        // actual:    1    1    1    0    0    0    0    1
        // predicted: 1    0    1    1    0    0    0    1   (threshold 0.5)
        DMatrixRMaj y = column(1, 1, 1, 0, 0, 0, 0, 1);
        DMatrixRMaj p = column(0.9, 0.2, 0.5, 0.7, 0.1, 0.4, 0.3, 0.8);
        ConfusionMatrix m = ConfusionMatrix.of(y, p);
        // TP=3, FN=1, FP=1, TN=3
        assertThat(m.count(1, 1)).isEqualTo(3);
        assertThat(m.count(1, 0)).isEqualTo(1);
        assertThat(m.count(0, 1)).isEqualTo(1);
        assertThat(m.count(0, 0)).isEqualTo(3);
        assertThat(m.accuracy()).isEqualTo(0.75);
        assertThat(m.precision(1)).isEqualTo(0.75);
        assertThat(m.recall(1)).isEqualTo(0.75);
        assertThat(m.f1(1)).isCloseTo(0.75, within(1e-15));
    }

    @Test
    void macroMetricsOverThreeClasses() {
        int[] actual = {0, 0, 0, 1, 1, 2};
        int[] predicted = {0, 1, 0, 1, 2, 2};
        ConfusionMatrix m = ConfusionMatrix.ofLabels(actual, predicted, 3);
        // class 0: P = 2/2, R = 2/3; class 1: P = 1/2, R = 1/2; class 2: P = 1/2, R = 1/1
        assertThat(m.accuracy()).isCloseTo(4.0 / 6, within(1e-15));
        assertThat(m.macroPrecision()).isCloseTo((1 + 0.5 + 0.5) / 3, within(1e-15));
        assertThat(m.macroRecall()).isCloseTo((2.0 / 3 + 0.5 + 1) / 3, within(1e-15));
        double f0 = 2 * 1 * (2.0 / 3) / (1 + 2.0 / 3);
        double f1 = 0.5;
        double f2 = 2 * 0.5 * 1 / 1.5;
        assertThat(m.macroF1()).isCloseTo((f0 + f1 + f2) / 3, within(1e-15));
    }

    @Test
    void argmaxOfRowsForMultiClassOutputsAndZeroDivisionIsZero() {
        DMatrixRMaj y = new DMatrixRMaj(new double[][] {{0, 1, 0}, {1, 0, 0}});
        DMatrixRMaj p = new DMatrixRMaj(new double[][] {{0.2, 0.7, 0.1}, {0.1, 0.6, 0.3}});
        ConfusionMatrix m = ConfusionMatrix.of(y, p);
        assertThat(m.accuracy()).isEqualTo(0.5);
        assertThat(m.precision(2)).isZero(); // class 2 never predicted
        assertThat(m.recall(2)).isZero(); // and never present
        assertThat(m.f1(2)).isZero();
    }

    @Test
    void rocAucByRanksWithTies() {
        // positives score {0.8, 0.4, 0.6}, negatives {0.4, 0.2}: pairs won 2 + 0.5 + 2 = ... counted below
        double[] labels = {1, 1, 1, 0, 0};
        double[] scores = {0.8, 0.4, 0.6, 0.4, 0.2};
        // pairs (pos, neg): (0.8,0.4)=1 (0.8,0.2)=1 (0.4,0.4)=½ (0.4,0.2)=1 (0.6,0.4)=1 (0.6,0.2)=1 → 5.5/6
        assertThat(RocAuc.of(labels, scores)).isCloseTo(5.5 / 6, within(1e-15));
        assertThat(RocAuc.of(new double[] {0, 1}, new double[] {0.1, 0.9})).isEqualTo(1.0);
        assertThat(RocAuc.of(new double[] {1, 0}, new double[] {0.1, 0.9})).isEqualTo(0.0);
        assertThat(RocAuc.of(new double[] {1, 0, 1, 0}, new double[] {0.5, 0.5, 0.5, 0.5}))
                .isEqualTo(0.5);
        assertThatThrownBy(() -> RocAuc.of(new double[] {1, 1}, new double[] {0.1, 0.2}))
                .hasMessageContaining("needs both classes, got 2 positives and 0 negatives");
        assertThatThrownBy(() -> RocAuc.of(new double[] {2, 0}, new double[] {0.1, 0.2}))
                .hasMessageContaining("labels must be 0 or 1, got 2.0");
    }

    @Test
    void logLossMaeRmse() {
        DMatrixRMaj y = column(1, 0);
        DMatrixRMaj p = column(0.8, 0.4);
        assertThat(LogLoss.of(y, p)).isCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, within(1e-15));
        DMatrixRMaj yc = new DMatrixRMaj(new double[][] {{0, 1}, {1, 0}});
        DMatrixRMaj pc = new DMatrixRMaj(new double[][] {{0.3, 0.7}, {0.9, 0.1}});
        assertThat(LogLoss.of(yc, pc)).isCloseTo(-(Math.log(0.7) + Math.log(0.9)) / 2, within(1e-15));
        DMatrixRMaj t = column(1, 2, 3, 4);
        DMatrixRMaj q = column(2, 2, 1, 5);
        assertThat(RegressionMetrics.meanAbsoluteError(t, q)).isEqualTo(1.0); // (1 + 0 + 2 + 1)/4
        assertThat(RegressionMetrics.rootMeanSquaredError(t, q)).isCloseTo(Math.sqrt(6.0 / 4), within(1e-15));
        assertThatThrownBy(() -> RegressionMetrics.meanAbsoluteError(t, yc)).hasMessageContaining("equal shapes");
    }

    private static DMatrixRMaj column(double... values) {
        DMatrixRMaj m = new DMatrixRMaj(values.length, 1);
        System.arraycopy(values, 0, m.data, 0, values.length);
        return m;
    }
}
