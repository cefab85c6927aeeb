package dev.eddy.core.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ActivationTest {

    static Stream<Activation> elementwise() {
        return Stream.of(
                Activations.create("linear"),
                Activations.create("sigmoid"),
                Activations.create("tanh"),
                Activations.create("relu"),
                Activations.create("leaky_relu", Map.of("alpha", 0.2)),
                Activations.create("elu", Map.of("alpha", 1.3)),
                Activations.create("selu"),
                Activations.create("gelu"),
                Activations.create("gelu_tanh"),
                Activations.create("softplus"));
    }

    /** Points away from the kinks at 0, across the interesting range. */
    private static final double[] POINTS = {-6.1, -3.3, -1.7, -0.9, -0.31, -1e-3, 2e-3, 0.27, 0.8, 1.9, 3.4, 7.2};

    @ParameterizedTest(name = "{0}")
    @MethodSource("elementwise")
    void derivativeMatchesCentralDifference(Activation activation) {
        int n = POINTS.length;
        double[] y = new double[n];
        double[] dydx = new double[n];
        double[] ones = new double[n];
        java.util.Arrays.fill(ones, 1.0);
        activation.forward(POINTS, y, 1, n);
        activation.backward(POINTS, y, ones, dydx, 1, n);
        ElementwiseActivation f = (ElementwiseActivation) activation;
        for (int i = 0; i < n; i++) {
            double x = POINTS[i];
            double h = 1e-6 * Math.max(1.0, Math.abs(x));
            double numeric = (f.value(x + h) - f.value(x - h)) / (2 * h);
            assertThat(dydx[i]).as("%s'(%s)", activation, x).isCloseTo(numeric, within(1e-7));
            assertThat(y[i]).isEqualTo(f.value(x));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("elementwise")
    void finiteAtTheEndsOfTheRangeAndInPlace(Activation activation) {
        double[] x = {-700.0, -30.0, -0.0, 0.0, 30.0, 700.0};
        double[] copy = x.clone();
        double[] y = new double[x.length];
        double[] d = new double[x.length];
        activation.forward(x, y, 2, 3);
        double[] ones = {1, 1, 1, 1, 1, 1};
        activation.backward(x, y, ones, d, 2, 3);
        for (int i = 0; i < x.length; i++) {
            assertThat(Double.isFinite(y[i]) && Double.isFinite(d[i]))
                    .as("%s at %s", activation, x[i])
                    .isTrue();
        }
        activation.forward(copy, copy, 2, 3); // in place gives the same values
        assertThat(copy).containsExactly(y);
    }

    @Test
    void reluPassesNaNOnAsTorchDoes() {
        double[] z = {Double.NaN, -1.0, -0.0, 2.5};
        double[] h = new double[4];
        Activations.create("relu").forward(z, h, 1, 4);
        assertThat(h).containsExactly(Double.NaN, 0.0, 0.0, 2.5);
        assertThat(Double.doubleToRawLongBits(h[2])).as("relu(-0.0) is +0.0").isZero();
    }

    @Test
    void kinkDerivativesFollowTheNonPositiveBranch() {
        double[] zero = {0.0, -0.0};
        assertThat(derivatives(Activations.create("relu"), zero)).containsExactly(0.0, 0.0);
        assertThat(derivatives(Activations.create("leaky_relu", Map.of("alpha", 0.2)), zero))
                .containsExactly(0.2, 0.2);
        assertThat(derivatives(Activations.create("elu", Map.of("alpha", 1.5)), zero))
                .containsExactly(1.5, 1.5);
        assertThat(derivatives(Activations.create("selu"), zero)[0]).isEqualTo(Selu.SCALE * Selu.ALPHA);
    }

    private static double[] derivatives(Activation f, double[] x) {
        double[] y = new double[x.length];
        double[] d = new double[x.length];
        f.forward(x, y, 1, x.length);
        f.backward(x, y, new double[] {1, 1}, d, 1, x.length);
        return d;
    }

    @Test
    void erfMatchesReferenceValues() {
        // reference values from 50-digit arithmetic (mpmath)
        assertThat(Erf.erf(0.0)).isEqualTo(0.0);
        assertThat(Erf.erf(1e-10)).isCloseTo(1.1283791670955126e-10, within(1e-25));
        assertThat(Erf.erf(0.3)).isCloseTo(0.32862675945912741, within(1e-16));
        assertThat(Erf.erf(0.5)).isCloseTo(0.52049987781304654, within(1e-16));
        assertThat(Erf.erf(-1.0)).isCloseTo(-0.84270079294971487, within(1e-16));
        assertThat(Erf.erf(2.5)).isCloseTo(0.99959304798255504, within(1e-16));
        assertThat(Erf.erfc(3.0)).isCloseTo(2.2090496998585441e-05, within(1e-20));
        assertThat(Erf.erfc(6.0) / 2.1519736712498913e-17).isCloseTo(1.0, within(1e-14));
        assertThat(Erf.erfc(20.0) / 5.3958656116079009e-176).isCloseTo(1.0, within(1e-13));
        assertThat(Erf.erfc(-2.0)).isCloseTo(1.9953222650189527, within(1e-15));
        assertThat(Erf.erfc(30.0)).isEqualTo(0.0);
    }

    @Test
    void geluUsesTheTailAccurateCdf() {
        Gelu gelu = new Gelu();
        // Φ(−10) = 7.6198530241605269e-24 → gelu(−10) = −7.6198530241605269e-23
        assertThat(gelu.value(-10.0) / -7.6198530241605269e-23).isCloseTo(1.0, within(1e-13));
    }

    @Test
    void softmaxBackwardIsTheJacobianProduct() {
        Softmax softmax = new Softmax();
        double[] x = {0.3, -1.2, 2.5, 0.0};
        double[] dh = {0.7, -0.1, 0.4, 1.3};
        double[] s = new double[4];
        softmax.forward(x, s, 1, 4);
        double[] dz = new double[4];
        softmax.backward(x, s, dh, dz, 1, 4);
        double[][] jac = softmax.jacobian(x);
        for (int k = 0; k < 4; k++) {
            double expected = 0;
            for (int j = 0; j < 4; j++) {
                expected += jac[j][k] * dh[j];
            }
            assertThat(dz[k]).isCloseTo(expected, within(1e-15));
            // and the Jacobian against central differences
            for (int j = 0; j < 4; j++) {
                double[] plus = x.clone();
                double[] minus = x.clone();
                plus[k] += 1e-6;
                minus[k] -= 1e-6;
                double[] sp = new double[4];
                double[] sm = new double[4];
                softmax.forward(plus, sp, 1, 4);
                softmax.forward(minus, sm, 1, 4);
                assertThat(jac[j][k]).isCloseTo((sp[j] - sm[j]) / 2e-6, within(1e-9));
            }
        }
    }

    @Test
    void softmaxIsRowWiseAndStable() {
        double[] x = {700, 699, -700, 1, 1, 1};
        double[] s = new double[6];
        new Softmax().forward(x, s, 2, 3);
        assertThat(s[0] + s[1] + s[2]).isCloseTo(1.0, within(1e-15));
        assertThat(s[0]).isCloseTo(1 / (1 + Math.exp(-1)), within(1e-15));
        assertThat(s[3]).isCloseTo(1.0 / 3, within(1e-15));
    }

    @Test
    void factoryValidatesNamesAndParams() {
        assertThat(Activations.NAMES).hasSize(11);
        for (String name :
                List.of("linear", "sigmoid", "tanh", "relu", "selu", "gelu", "gelu_tanh", "softplus", "softmax")) {
            assertThat(Activations.create(name).name()).isEqualTo(name);
        }
        assertThat(Activations.create("selu", Map.of("alpha", Selu.ALPHA, "scale", Selu.SCALE)))
                .isInstanceOf(Selu.class);
        assertThatThrownBy(() -> Activations.create("swish"))
                .hasMessageContaining("unknown activation 'swish'")
                .hasMessageContaining("gelu_tanh");
        assertThatThrownBy(() -> Activations.create("elu")).hasMessageContaining("takes params [alpha]");
        assertThatThrownBy(() -> Activations.create("relu", Map.of("alpha", 0.1)))
                .hasMessageContaining("takes params []");
        assertThatThrownBy(() -> Activations.create("selu", Map.of("alpha", 1.67326324, "scale", 1.05070098)))
                .hasMessageContaining("torch's constants");
        assertThatThrownBy(() -> new LeakyRelu(Double.NaN)).hasMessageContaining("got NaN");
    }
}
