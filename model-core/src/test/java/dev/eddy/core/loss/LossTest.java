package dev.eddy.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.eddy.core.activation.Activation;
import dev.eddy.core.activation.Relu;
import dev.eddy.core.activation.Sigmoid;
import dev.eddy.core.activation.Softmax;
import java.util.Arrays;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LossTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(
                        new MeanSquaredError(),
                        new double[][] {{0.3, -1.2, 2.0}, {1.1, 0.0, -0.5}},
                        new double[][] {{0.1, -1.0, 1.0}, {2.0, 0.5, -0.4}}),
                Arguments.of(
                        new BinaryCrossentropy(),
                        new double[][] {{0.2, 0.9}, {0.6, 0.05}, {0.4, 0.7}},
                        new double[][] {{0, 1}, {1, 0}, {1, 1}}),
                Arguments.of(
                        new CategoricalCrossentropy(),
                        new double[][] {{0.2, 0.5, 0.3}, {0.1, 0.1, 0.8}},
                        new double[][] {{0, 1, 0}, {0, 0, 1}}),
                Arguments.of(new Hinge(), new double[][] {{0.3, -1.5}, {2.0, 0.4}}, new double[][] {{1, -1}, {-1, 1}}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientMatchesCentralDifference(Loss loss, double[][] pred, double[][] truth) {
        DMatrixRMaj yPred = new DMatrixRMaj(pred);
        DMatrixRMaj yTrue = new DMatrixRMaj(truth);
        DMatrixRMaj grad = new DMatrixRMaj(1, 1);
        loss.gradient(yPred, yTrue, grad);
        assertThat(grad.numRows).isEqualTo(yPred.numRows);
        assertThat(grad.numCols).isEqualTo(yPred.numCols);
        for (int i = 0; i < yPred.getNumElements(); i++) {
            double saved = yPred.data[i];
            double h = 1e-6;
            yPred.data[i] = saved + h;
            double plus = loss.value(yPred, yTrue);
            yPred.data[i] = saved - h;
            double minus = loss.value(yPred, yTrue);
            yPred.data[i] = saved;
            assertThat(grad.data[i])
                    .as("%s element %d", loss.name(), i)
                    .isCloseTo((plus - minus) / (2 * h), within(1e-8));
        }
    }

    /** Weights with a zero, a fraction and a weight above 1, one per row of the cases above (at most three rows). */
    private static final double[] WEIGHTS = {0.0, 2.5, 0.75};

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void weightedGradientMatchesCentralDifference(Loss loss, double[][] pred, double[][] truth) {
        DMatrixRMaj yPred = new DMatrixRMaj(pred);
        DMatrixRMaj yTrue = new DMatrixRMaj(truth);
        double[] w = Arrays.copyOf(WEIGHTS, pred.length);
        DMatrixRMaj grad = new DMatrixRMaj(1, 1);
        loss.gradient(yPred, yTrue, w, grad);
        for (int i = 0; i < yPred.getNumElements(); i++) {
            double saved = yPred.data[i];
            double h = 1e-6;
            yPred.data[i] = saved + h;
            double plus = loss.value(yPred, yTrue, w);
            yPred.data[i] = saved - h;
            double minus = loss.value(yPred, yTrue, w);
            yPred.data[i] = saved;
            assertThat(grad.data[i])
                    .as("%s element %d", loss.name(), i)
                    .isCloseTo((plus - minus) / (2 * h), within(1e-8));
        }
        // The zero-weight example contributes nothing.
        for (int k = 0; k < yPred.numCols; k++) {
            assertThat(grad.data[k]).isEqualTo(0.0, within(0.0));
        }
    }

    /**
     * Σ w·ℓ / Σ w against the per-example losses computed one row at a time (a batch of one is ℓ_b itself), and
     * unit weights against no weights, bit for bit.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void weightedValueIsTheWeightedMeanOfPerExampleLosses(Loss loss, double[][] pred, double[][] truth) {
        double[] w = Arrays.copyOf(WEIGHTS, pred.length);
        double sum = 0;
        double total = 0;
        for (int b = 0; b < pred.length; b++) {
            double ell =
                    loss.value(new DMatrixRMaj(new double[][] {pred[b]}), new DMatrixRMaj(new double[][] {truth[b]}));
            sum += w[b] * ell;
            total += w[b];
        }
        DMatrixRMaj yPred = new DMatrixRMaj(pred);
        DMatrixRMaj yTrue = new DMatrixRMaj(truth);
        assertThat(loss.value(yPred, yTrue, w)).isCloseTo(sum / total, within(1e-15));

        double[] ones = new double[pred.length];
        Arrays.fill(ones, 1.0);
        assertThat(loss.value(yPred, yTrue, ones)).isEqualTo(loss.value(yPred, yTrue));
        DMatrixRMaj unweighted = new DMatrixRMaj(1, 1);
        DMatrixRMaj unit = new DMatrixRMaj(1, 1);
        loss.gradient(yPred, yTrue, unweighted);
        loss.gradient(yPred, yTrue, ones, unit);
        assertThat(unit.data).containsExactly(unweighted.data);
    }

    @Test
    void rejectsBadWeightsNamingThem() {
        DMatrixRMaj p = new DMatrixRMaj(new double[][] {{0.5}, {1.5}});
        DMatrixRMaj y = new DMatrixRMaj(new double[][] {{0}, {1}});
        Loss mse = new MeanSquaredError();
        assertThatThrownBy(() -> mse.value(p, y, new double[] {1, -0.5}))
                .hasMessage("mse: weight 1 must be finite and >= 0, got -0.5");
        assertThatThrownBy(() -> mse.value(p, y, new double[] {Double.NaN, 1}))
                .hasMessage("mse: weight 0 must be finite and >= 0, got NaN");
        assertThatThrownBy(() -> mse.gradient(p, y, new double[] {1, Double.POSITIVE_INFINITY}, new DMatrixRMaj(1, 1)))
                .hasMessage("mse: weight 1 must be finite and >= 0, got Infinity");
        assertThatThrownBy(() -> mse.value(p, y, new double[] {1}))
                .hasMessage("mse: got 1 weights for 2 rows; expected one per row");
        assertThatThrownBy(() -> new Hinge().value(p, y, new double[] {0, 0}))
                .hasMessage("hinge: the weights sum to 0.0; the weighted mean Σ w·ℓ / Σ w needs Σ w > 0");
    }

    @Test
    void valuesMatchHandComputedNumbers() {
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{1, 2}, {3, 4}});
        DMatrixRMaj b = new DMatrixRMaj(new double[][] {{1, 0}, {0, 4}});
        assertThat(new MeanSquaredError().value(a, b)).isEqualTo((4 + 9) / 4.0);
        DMatrixRMaj p = new DMatrixRMaj(new double[][] {{0.8}, {0.4}});
        DMatrixRMaj y = new DMatrixRMaj(new double[][] {{1}, {0}});
        assertThat(new BinaryCrossentropy().value(p, y)).isCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, within(1e-15));
        DMatrixRMaj scores = new DMatrixRMaj(new double[][] {{0.5, -2}});
        DMatrixRMaj signs = new DMatrixRMaj(new double[][] {{1, -1}});
        assertThat(new Hinge().value(scores, signs)).isEqualTo(0.25); // (0.5 + 0) / 2
    }

    @Test
    void crossEntropyClipsAtEpsilonWithZeroGradientOutside() {
        DMatrixRMaj p = new DMatrixRMaj(new double[][] {{0.0, 1.0, 0.5}});
        DMatrixRMaj y = new DMatrixRMaj(new double[][] {{1, 0, 1}});
        BinaryCrossentropy bce = new BinaryCrossentropy();
        double expected = -(Math.log(1e-7) + Math.log(1 - (1.0 - 1e-7)) + Math.log(0.5)) / 3;
        assertThat(bce.value(p, y)).isCloseTo(expected, within(1e-12));
        DMatrixRMaj g = new DMatrixRMaj(1, 1);
        bce.gradient(p, y, g);
        assertThat(g.data[0]).isZero();
        assertThat(g.data[1]).isZero();
        assertThat(g.data[2]).isCloseTo(-1 / 0.5 / 3, within(1e-15));
    }

    @Test
    void fusedLogitGradientsEqualTheChainRule() {
        DMatrixRMaj z = new DMatrixRMaj(new double[][] {{0.3, -1.1, 2.0}, {0.5, 0.4, -0.2}});
        for (double[] w : new double[][] {null, {1.0, 1.0}, {0.0, 3.0}, {2.0, 0.25}}) {
            checkFused(new BinaryCrossentropy(), new Sigmoid(), z, new double[][] {{1, 0, 1}, {0, 0, 1}}, w);
            checkFused(new CategoricalCrossentropy(), new Softmax(), z, new double[][] {{0, 0, 1}, {1, 0, 0}}, w);
        }
        assertThat(new CategoricalCrossentropy().fusesWith(new Sigmoid())).isFalse();
        assertThat(new MeanSquaredError().fusesWith(new Relu())).isFalse();
    }

    private static void checkFused(Loss loss, Activation f, DMatrixRMaj z, double[][] target, double[] weights) {
        assertThat(loss.fusesWith(f)).isTrue();
        DMatrixRMaj y = new DMatrixRMaj(target);
        DMatrixRMaj p = new DMatrixRMaj(z.numRows, z.numCols);
        f.forward(z.data, p.data, z.numRows, z.numCols);
        DMatrixRMaj dp = new DMatrixRMaj(1, 1);
        loss.gradient(p, y, weights, dp);
        double[] chain = new double[z.getNumElements()];
        f.backward(z.data, p.data, dp.data, chain, z.numRows, z.numCols);
        DMatrixRMaj fused = new DMatrixRMaj(1, 1);
        loss.logitGradient(p, y, weights, fused);
        assertThat(fused.data).containsExactly(chain, within(1e-14));
    }

    @Test
    void rejectsShapeMismatchAndUnknownNames() {
        DMatrixRMaj a = new DMatrixRMaj(2, 3);
        DMatrixRMaj b = new DMatrixRMaj(3, 2);
        assertThatThrownBy(() -> new MeanSquaredError().value(a, b))
                .hasMessageContaining("2x3")
                .hasMessageContaining("3x2");
        assertThatThrownBy(() -> Losses.create("mae")).hasMessageContaining("unknown loss 'mae'");
        for (String name : Losses.NAMES) {
            assertThat(Losses.create(name).name()).isEqualTo(name);
        }
    }
}
