package dev.eddy.core.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class StandardizerTest {

    @Test
    void aConstantFeatureIsOnlyCentredAndNothingSeenIsTheIdentity() {
        Standardizer standardizer = new Standardizer(2);
        double[] out = new double[2];
        standardizer.transform(new double[] {3, -4}, out);
        assertThat(out).containsExactly(3, -4);
        standardizer.update(new double[] {5, 1});
        standardizer.update(new double[] {5, 3});
        standardizer.transform(new double[] {7, 4}, out);
        assertThat(out[0]).isEqualTo(2);
        assertThat(out[1]).isCloseTo(2 / Math.sqrt(1 + Standardizer.EPSILON), within(1e-15));
    }

    @Test
    void theInverseMapsStandardizedValuesBackThroughTheScale() {
        Standardizer standardizer = new Standardizer(2);
        assertThat(standardizer.scale(0)).isEqualTo(1);
        standardizer.update(new double[] {10, 5});
        standardizer.update(new double[] {30, 5});
        assertThat(standardizer.scale(0)).isEqualTo(Math.sqrt(100 + Standardizer.EPSILON));
        assertThat(standardizer.scale(1))
                .as("a constant feature is only centred")
                .isEqualTo(1);
        double[] rows = {40, 7, -3, 5};
        double[] standardized = new double[4];
        standardizer.transformBatch(rows, standardized, 2);
        double[] back = new double[4];
        standardizer.inverseBatch(standardized, back, 2);
        for (int i = 0; i < rows.length; i++) {
            assertThat(back[i]).isCloseTo(rows[i], within(1e-12));
        }
    }

    @Test
    void rejectsWrongShapesAndNonFiniteValues() {
        Standardizer standardizer = new Standardizer(2);
        assertThatThrownBy(() -> standardizer.update(new double[3])).hasMessage("row must have 2 values, got 3");
        assertThatThrownBy(() -> standardizer.update(new double[] {1, Double.NaN}))
                .hasMessage("feature 1 must be finite, got NaN");
        assertThat(standardizer.count()).as("a rejected row changes nothing").isZero();
        assertThatThrownBy(() -> standardizer.transformBatch(new double[4], new double[2], 2))
                .hasMessage("output batch must have 4 values, got 2");
        assertThatThrownBy(() -> new Standardizer(0)).hasMessage("features must be >= 1, got 0");
    }

    @Test
    void loadingStateOfAnotherWidthFails() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Standardizer(2).saveState(new DataOutputStream(bytes));
        assertThatThrownBy(() -> new Standardizer(3)
                        .loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))))
                .isInstanceOf(IOException.class)
                .hasMessage("standardizer state has 2 features, expected 3");
    }
}
