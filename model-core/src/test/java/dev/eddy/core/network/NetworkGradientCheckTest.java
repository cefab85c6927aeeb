package dev.eddy.core.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.activation.Activations;
import dev.eddy.core.init.Xoshiro256;
import dev.eddy.core.kernel.Precision;
import dev.eddy.core.layer.KernelPenalty;
import dev.eddy.core.loss.Loss;
import dev.eddy.core.loss.Losses;
import dev.eddy.core.optim.Parameter;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Central-difference check of every gradient the network computes: ∂loss/∂θ ≈ (loss(θ + h) − loss(θ −
 * h)) / 2h for every element of every parameter, with dense layers, batch normalization and kernel
 * penalties (dropout off, as the loss is then deterministic).
 */
class NetworkGradientCheckTest {

    static Stream<Arguments> networks() {
        return Stream.of(
                Arguments.of(
                        "tanh-sigmoid + bce (fused)",
                        new NetworkSpec(
                                3,
                                List.of(
                                        LayerSpec.dense(4, Activations.create("tanh")),
                                        LayerSpec.dense(2, Activations.create("sigmoid")))),
                        "binary_crossentropy",
                        2),
                Arguments.of(
                        "gelu-elu-softmax + cce (fused) with L1/L2",
                        new NetworkSpec(
                                4,
                                List.of(
                                        LayerSpec.dense(5, Activations.create("gelu")),
                                        LayerSpec.dense(4, Activations.create("elu", Map.of("alpha", 0.7))),
                                        LayerSpec.dense(3, Activations.create("softmax"))),
                                new KernelPenalty(0.01, 0.02)),
                        "categorical_crossentropy",
                        3),
                Arguments.of(
                        "batch norm + selu/softplus + mse",
                        new NetworkSpec(
                                3,
                                List.of(
                                        LayerSpec.dense(4, Activations.create("selu"))
                                                .withBatchNorm(),
                                        LayerSpec.dense(3, Activations.create("softplus"))
                                                .withBatchNorm(),
                                        LayerSpec.dense(2, Activations.create("linear"))),
                                new KernelPenalty(0.0, 0.05)),
                        "mse",
                        5),
                Arguments.of(
                        "leaky relu/gelu_tanh + hinge with L1",
                        new NetworkSpec(
                                2,
                                List.of(
                                        LayerSpec.dense(6, Activations.create("leaky_relu", Map.of("alpha", 0.1))),
                                        LayerSpec.dense(3, Activations.create("gelu_tanh")),
                                        LayerSpec.dense(2, Activations.create("linear"))),
                                new KernelPenalty(0.03, 0.0)),
                        "hinge",
                        4),
                Arguments.of(
                        "softmax output with mse (unfused softmax backward)",
                        new NetworkSpec(
                                3,
                                List.of(
                                        LayerSpec.dense(3, Activations.create("sigmoid")),
                                        LayerSpec.dense(3, Activations.create("softmax")))),
                        "mse",
                        2),
                Arguments.of(
                        "single layer, batch of one",
                        new NetworkSpec(3, List.of(LayerSpec.dense(2, Activations.create("tanh")))),
                        "mse",
                        1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void gradientsMatchCentralDifferences(String label, NetworkSpec spec, String lossName, int batch) {
        check(label, spec, lossName, batch, false);
    }

    /**
     * The same with example weights: the first example weighs 0 (when there are several), the others between 0.5 and
     * 3, so ∂(Σ w·ℓ / Σ w)/∂θ is checked through every layer, the fused outputs included.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void weightedGradientsMatchCentralDifferences(String label, NetworkSpec spec, String lossName, int batch) {
        check(label, spec, lossName, batch, true);
    }

    /**
     * The float32 network's gradients are the (central-difference checked) float64 gradients up to float rounding: the
     * same weights (floats), the same float inputs, |g₃₂ − g₆₄| ≤ 1e-5 + 1e-3·|g₆₄|; and every float32 gradient is a
     * float.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void float32GradientsAreTheFloat64GradientsUpToFloatRounding(
            String label, NetworkSpec spec, String lossName, int batch) {
        Network single =
                Network.build(new NetworkSpec(spec.inputSize(), spec.layers(), spec.penalty(), Precision.FLOAT32), 42L);
        Network reference = Network.build(spec, 42L);
        Xoshiro256 rng = new Xoshiro256(9L);
        for (int k = 0; k < single.parameters().size(); k++) {
            double[] v = single.parameters().get(k).value();
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] + 0.3 * rng.nextGaussian());
            }
            System.arraycopy(v, 0, reference.parameters().get(k).value(), 0, v.length);
        }
        Loss loss = Losses.create(lossName);
        DMatrixRMaj x = randomMatrix(batch, spec.inputSize(), rng);
        Precision.FLOAT32.round(x.data);
        DMatrixRMaj y = targets(lossName, batch, spec.outputSize(), rng);
        single.computeGradients(x, y, loss);
        reference.computeGradients(x, y, loss);
        for (int k = 0; k < single.parameters().size(); k++) {
            Parameter p = single.parameters().get(k);
            double[] expected = reference.parameters().get(k).grad();
            for (int i = 0; i < p.size(); i++) {
                double g = p.grad()[i];
                assertThat((double) (float) g)
                        .as("%s: %s[%d] is a float", label, p.name(), i)
                        .isEqualTo(g);
                assertThat(g)
                        .as("%s: %s[%d]", label, p.name(), i)
                        .isCloseTo(
                                expected[i],
                                org.assertj.core.api.Assertions.within(1e-5 + 1e-3 * Math.abs(expected[i])));
            }
        }
    }

    private static void check(String label, NetworkSpec spec, String lossName, int batch, boolean weighted) {
        Network net = Network.build(spec, 42L);
        Xoshiro256 rng = new Xoshiro256(7L);
        for (Parameter p : net.parameters()) {
            if (p.name().endsWith(".bias")
                    || p.name().endsWith(".beta")
                    || p.name().endsWith(".gamma")) {
                for (int i = 0; i < p.size(); i++) {
                    p.value()[i] += 0.3 * rng.nextGaussian(); // non-trivial biases, γ, β
                }
            }
        }
        Loss loss = Losses.create(lossName);
        DMatrixRMaj x = randomMatrix(batch, spec.inputSize(), rng);
        DMatrixRMaj y = targets(lossName, batch, spec.outputSize(), rng);
        double[] w = null;
        if (weighted) {
            w = new double[batch];
            for (int r = 0; r < batch; r++) {
                w[r] = r == 0 && batch > 1 ? 0.0 : 0.5 + 2.5 * rng.nextDouble();
            }
        }

        net.computeGradients(x, y, w, loss);
        for (Parameter p : net.parameters()) {
            double[] analytic = p.grad().clone();
            for (int i = 0; i < p.size(); i++) {
                double saved = p.value()[i];
                double h = 1e-6;
                p.value()[i] = saved + h;
                double plus = trainingLoss(net, x, y, w, loss);
                p.value()[i] = saved - h;
                double minus = trainingLoss(net, x, y, w, loss);
                p.value()[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                assertThat(analytic[i])
                        .as("%s: %s[%d]", label, p.name(), i)
                        .isCloseTo(numeric, org.assertj.core.api.Assertions.within(2e-7 + 1e-6 * Math.abs(numeric)));
            }
        }
    }

    /** Training-mode loss (batch statistics), which is what the gradients differentiate. */
    private static double trainingLoss(Network net, DMatrixRMaj x, DMatrixRMaj y, double[] w, Loss loss) {
        return loss.value(net.forward(x, true), y, w) + net.penalty();
    }

    static DMatrixRMaj randomMatrix(int rows, int cols, Xoshiro256 rng) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rng.nextGaussian();
        }
        return m;
    }

    static DMatrixRMaj targets(String loss, int rows, int cols, Xoshiro256 rng) {
        DMatrixRMaj y = new DMatrixRMaj(rows, cols);
        for (int r = 0; r < rows; r++) {
            int hot = (int) (rng.nextDouble() * cols);
            for (int c = 0; c < cols; c++) {
                double u = rng.nextDouble();
                y.data[r * cols + c] = switch (loss) {
                    case "binary_crossentropy" -> u < 0.5 ? 0 : 1;
                    case "categorical_crossentropy" -> c == hot ? 1 : 0;
                    case "hinge" -> u < 0.5 ? -1 : 1;
                    default -> rng.nextGaussian();
                };
            }
        }
        return y;
    }
}
