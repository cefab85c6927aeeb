package dev.eddy.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.eddy.core.activation.Activation;
import dev.eddy.core.activation.Relu;
import dev.eddy.core.activation.Sigmoid;
import dev.eddy.core.activation.Softmax;
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
        checkFused(new BinaryCrossentropy(), new Sigmoid(), z, new double[][] {{1, 0, 1}, {0, 0, 1}});
        checkFused(new CategoricalCrossentropy(), new Softmax(), z, new double[][] {{0, 0, 1}, {1, 0, 0}});
        assertThat(new CategoricalCrossentropy().fusesWith(new Sigmoid())).isFalse();
        assertThat(new MeanSquaredError().fusesWith(new Relu())).isFalse();
    }

    private static void checkFused(Loss loss, Activation f, DMatrixRMaj z, double[][] target) {
        assertThat(loss.fusesWith(f)).isTrue();
        DMatrixRMaj y = new DMatrixRMaj(target);
        DMatrixRMaj p = new DMatrixRMaj(z.numRows, z.numCols);
        f.forward(z.data, p.data, z.numRows, z.numCols);
        DMatrixRMaj dp = new DMatrixRMaj(1, 1);
        loss.gradient(p, y, dp);
        double[] chain = new double[z.getNumElements()];
        f.backward(z.data, p.data, dp.data, chain, z.numRows, z.numCols);
        DMatrixRMaj fused = new DMatrixRMaj(1, 1);
        loss.logitGradient(p, y, fused);
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
