package dev.eddy.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.data.BundledDataset;
import dev.eddy.core.data.CsvDataset;
import dev.eddy.core.data.LabeledRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Trains on the bundled real datasets and checks the held-out scores a practitioner expects of a
 * small MLP. Split (seeded shuffle): 64% train, 16% validation (early stopping, one evaluation per
 * epoch, best weights restored), 20% test (scored once, at the end).
 */
class LearningTest {

    record Split(
            double[][] trainX, double[] trainY, double[][] valX, double[] valY, double[][] testX, double[] testY) {}

    static Split split(BundledDataset dataset, long seed) throws IOException {
        List<LabeledRow> rows = new ArrayList<>();
        try (CsvDataset csv = dataset.open(rejected -> {
            throw new AssertionError("bundled row rejected: " + rejected);
        })) {
            csv.forEach(rows::add);
        }
        assertThat(rows).hasSize(dataset.rows());
        Collections.shuffle(rows, new Random(seed));
        int test = rows.size() / 5;
        int validation = (rows.size() - test) / 5;
        List<LabeledRow> testRows = rows.subList(0, test);
        List<LabeledRow> valRows = rows.subList(test, test + validation);
        List<LabeledRow> trainRows = rows.subList(test + validation, rows.size());
        return new Split(x(trainRows), y(trainRows), x(valRows), y(valRows), x(testRows), y(testRows));
    }

    static double[][] x(List<LabeledRow> rows) {
        return rows.stream().map(LabeledRow::features).toArray(double[][]::new);
    }

    static double[] y(List<LabeledRow> rows) {
        return rows.stream().mapToDouble(LabeledRow::label).toArray();
    }

    /** Mini-batch epochs over a seeded reshuffle, an evaluation per epoch; returns the test evaluation. */
    static Evaluation fit(Trainer trainer, Split s, int maxEpochs) {
        int n = s.trainX().length;
        int batch = trainer.config().batchSize();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Random shuffle = new Random(99);
        for (int epoch = 0; epoch < maxEpochs && !trainer.stopped(); epoch++) {
            Collections.shuffle(order, shuffle);
            for (int from = 0; from < n; from += batch) {
                int rows = Math.min(batch, n - from);
                double[][] bx = new double[rows][];
                double[] by = new double[rows];
                for (int r = 0; r < rows; r++) {
                    bx[r] = s.trainX()[order.get(from + r)];
                    by[r] = s.trainY()[order.get(from + r)];
                }
                assertThat(trainer.step(bx, by).nonFinite()).isFalse();
            }
            trainer.onEvaluation(trainer.evaluate(s.valX(), s.valY()));
        }
        return trainer.evaluate(s.testX(), s.testY());
    }

    static TrainerConfig config(int inputs, String layers, String... keyValues) {
        Map<String, String> p = new HashMap<>();
        p.put("input-size", Integer.toString(inputs));
        p.put("layers", layers);
        p.put("seed", "1");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return TrainerConfig.fromProperties(p);
    }

    static void report(String name, Trainer t, Evaluation e) {
        System.out.printf(
                "%s: %d steps, %s, test loss %.4f, %s%n",
                name, t.steps(), t.stopReason().map(Enum::name).orElse("not stopped"), e.loss(), e.metrics());
    }

    @Test
    void breastCancerReachesNinetyFivePercentTestAccuracy() throws IOException {
        Split s = split(BundledDataset.BREAST_CANCER, 42);
        Trainer t = Trainer.create(config(30, "16:relu,1:sigmoid", "early-stopping.patience", "10"));
        Evaluation test = fit(t, s, 200);
        report("breast_cancer 30-16-1", t, test);
        assertThat(test.metrics().get("accuracy")).isGreaterThanOrEqualTo(0.95);
        assertThat(test.metrics().get("auc")).isGreaterThanOrEqualTo(0.97);
    }

    @Test
    void digitsReachNinetyFivePercentTestAccuracy() throws IOException {
        Split s = split(BundledDataset.DIGITS, 42);
        Trainer t = Trainer.create(config(64, "64:relu,10:softmax", "early-stopping.patience", "5"));
        Evaluation test = fit(t, s, 60);
        report("digits 64-64-10", t, test);
        assertThat(test.metrics().get("accuracy")).isGreaterThanOrEqualTo(0.95);
        assertThat(test.metrics().get("f1")).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void diabetesRegressionBeatsThePredictMeanBaselineClearly() throws IOException {
        Split s = split(BundledDataset.DIABETES, 42);
        Trainer t = Trainer.create(config(
                10, "32:relu,1:linear", "learning-rate", "0.03", "batch-size", "16", "early-stopping.patience", "20"));
        Evaluation test = fit(t, s, 400);
        report("diabetes 10-32-1", t, test);
        double mean = Arrays.stream(s.trainY()).average().orElseThrow();
        double baseline = Math.sqrt(Arrays.stream(s.testY())
                .map(v -> (v - mean) * (v - mean))
                .average()
                .orElseThrow());
        System.out.printf("diabetes predict-the-mean test RMSE %.2f%n", baseline);
        // linear regression reaches about 54 on this data; the target's standard deviation is about 77
        assertThat(test.metrics().get("rmse")).isLessThan(60.0).isLessThan(0.8 * baseline);
    }
}
