package dev.eddy.core.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class StandardizerPropertyTest {
    private static final int FEATURES = 3;

    /** Row-major copy of rows of {@value #FEATURES} features. */
    private static double[] flatten(List<List<Double>> rows) {
        double[] flat = new double[rows.size() * FEATURES];
        for (int r = 0; r < rows.size(); r++) {
            for (int j = 0; j < FEATURES; j++) {
                flat[r * FEATURES + j] = rows.get(r).get(j);
            }
        }
        return flat;
    }

    @Property
    void welfordMatchesATwoPassMeanAndVariance(
            @ForAll @Size(min = 1, max = 50)
                    List<@Size(value = FEATURES) List<@DoubleRange(min = -1e3, max = 1e3) Double>> rows,
            @ForAll @DoubleRange(min = -1e6, max = 1e6) double offset) {
        double[] data = flatten(rows);
        for (int k = 0; k < data.length; k++) {
            data[k] += offset;
        }
        Standardizer standardizer = new Standardizer(FEATURES);
        standardizer.updateBatch(data, rows.size());
        int n = rows.size();
        for (int j = 0; j < FEATURES; j++) {
            double sum = 0;
            for (int r = 0; r < n; r++) {
                sum += data[r * FEATURES + j];
            }
            double mean = sum / n;
            double squares = 0;
            for (int r = 0; r < n; r++) {
                double d = data[r * FEATURES + j] - mean;
                squares += d * d;
            }
            double variance = squares / n;
            assertThat(standardizer.mean(j)).isCloseTo(mean, within(1e-9 * (1 + Math.abs(mean))));
            assertThat(standardizer.variance(j)).isCloseTo(variance, within(1e-9 * (1 + variance)));
        }
        assertThat(standardizer.count()).isEqualTo(n);
    }

    @Property
    void standardizedFeaturesHaveMeanZeroAndUnitVariance(
            @ForAll @Size(min = 2, max = 50)
                    List<@Size(value = FEATURES) List<@DoubleRange(min = -10, max = 10) Double>> rows) {
        double[] data = flatten(rows);
        Standardizer standardizer = new Standardizer(FEATURES);
        standardizer.updateBatch(data, rows.size());
        double[] out = new double[data.length];
        standardizer.transformBatch(data, out, rows.size());
        for (int j = 0; j < FEATURES; j++) {
            double var = standardizer.variance(j);
            double sum = 0;
            double squares = 0;
            for (int r = 0; r < rows.size(); r++) {
                sum += out[r * FEATURES + j];
                squares += out[r * FEATURES + j] * out[r * FEATURES + j];
            }
            assertThat(sum / rows.size()).isCloseTo(0, within(1e-9));
            double expectedVar = var == 0 ? 0 : var / (var + Standardizer.EPSILON);
            assertThat(squares / rows.size()).isCloseTo(expectedVar, within(1e-9));
        }
    }

    @Property
    void rowByRowAndBatchUpdatesAgreeAndStateRoundTripsExactly(
            @ForAll @Size(min = 1, max = 30)
                    List<@Size(value = FEATURES) List<@DoubleRange(min = -100, max = 100) Double>> rows,
            @ForAll @IntRange(min = 0, max = 30) int split)
            throws IOException {
        double[] data = flatten(rows);
        int cut = Math.min(split, rows.size());
        Standardizer batch = new Standardizer(FEATURES);
        batch.updateBatch(data, rows.size());
        Standardizer first = new Standardizer(FEATURES);
        for (int r = 0; r < cut; r++) {
            first.update(rows.get(r).stream().mapToDouble(Double::doubleValue).toArray());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        first.saveState(new DataOutputStream(bytes));
        Standardizer resumed = new Standardizer(FEATURES);
        resumed.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        for (int r = cut; r < rows.size(); r++) {
            resumed.update(rows.get(r).stream().mapToDouble(Double::doubleValue).toArray());
        }
        double[] a = new double[data.length];
        double[] b = new double[data.length];
        batch.transformBatch(data, a, rows.size());
        resumed.transformBatch(data, b, rows.size());
        assertThat(b).isEqualTo(a);
    }
}
