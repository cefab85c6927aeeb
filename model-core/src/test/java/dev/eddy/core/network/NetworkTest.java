package dev.eddy.core.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.eddy.core.activation.Activations;
import dev.eddy.core.init.Initializer;
import dev.eddy.core.init.Xoshiro256;
import dev.eddy.core.kernel.Precision;
import dev.eddy.core.kernel.SettledAllocation;
import dev.eddy.core.layer.BatchNormalization;
import dev.eddy.core.layer.Dense;
import dev.eddy.core.layer.KernelPenalty;
import dev.eddy.core.loss.CategoricalCrossentropy;
import dev.eddy.core.loss.Loss;
import dev.eddy.core.optim.Adam;
import dev.eddy.core.optim.Optimizer;
import dev.eddy.core.optim.Parameter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class NetworkTest {
    private static final Loss CCE = new CategoricalCrossentropy();

    private static NetworkSpec regularizedSpec() {
        return new NetworkSpec(
                5,
                List.of(
                        LayerSpec.dense(16, Activations.create("relu"))
                                .withInitializer(Initializer.HE_NORMAL)
                                .withBatchNorm()
                                .withDropout(0.25),
                        LayerSpec.dense(8, Activations.create("tanh")).withDropout(0.1),
                        LayerSpec.dense(3, Activations.create("softmax"))),
                new KernelPenalty(1e-4, 1e-3));
    }

    private static DMatrixRMaj[] batch(Xoshiro256 rng, int rows) {
        return new DMatrixRMaj[] {
            NetworkGradientCheckTest.randomMatrix(rows, 5, rng),
            NetworkGradientCheckTest.targets("categorical_crossentropy", rows, 3, rng)
        };
    }

    @Test
    void sameSpecAndSeedGiveTheSameNetwork() {
        Network a = Network.build(regularizedSpec(), 11L);
        Network b = Network.build(regularizedSpec(), 11L);
        Network c = Network.build(regularizedSpec(), 12L);
        assertThat(a.parameters()).hasSize(3 * 2 + 2);
        for (int i = 0; i < a.parameters().size(); i++) {
            assertThat(a.parameters().get(i).value())
                    .containsExactly(b.parameters().get(i).value());
        }
        assertThat(a.parameters().get(0).value())
                .isNotEqualTo(c.parameters().get(0).value());
        assertThat(a.parameterCount()).isEqualTo(5 * 16 + 16 + 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3);
        assertThat(a.parameters().stream().map(Parameter::name))
                .containsExactly(
                        "dense0.kernel",
                        "dense0.bias",
                        "dense0.bn.gamma",
                        "dense0.bn.beta",
                        "dense1.kernel",
                        "dense1.bias",
                        "dense2.kernel",
                        "dense2.bias");
    }

    @Test
    void resumesBitIdenticallyAfterSaveAndLoad() throws IOException {
        Network original = Network.build(regularizedSpec(), 3L);
        Optimizer optimizer = new Adam(0.9, 0.999, 1e-8, false);
        Xoshiro256 data = new Xoshiro256(99L);
        for (int step = 0; step < 5; step++) {
            DMatrixRMaj[] b = batch(data, 6);
            original.computeGradients(b[0], b[1], CCE);
            optimizer.step(original.parameters(), 0.01);
        }
        ByteArrayOutputStream netBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream optBytes = new ByteArrayOutputStream();
        original.saveState(new DataOutputStream(netBytes));
        optimizer.saveState(new DataOutputStream(optBytes));

        Network restored = Network.build(regularizedSpec(), 777L); // different seed: everything must come from state
        restored.loadState(new DataInputStream(new ByteArrayInputStream(netBytes.toByteArray())));
        Optimizer restoredOptimizer = new Adam(0.9, 0.999, 1e-8, false);
        restoredOptimizer.loadState(new DataInputStream(new ByteArrayInputStream(optBytes.toByteArray())));

        Xoshiro256 dataCopy = new Xoshiro256(5L);
        Xoshiro256 dataCopy2 = new Xoshiro256(5L);
        for (int step = 0; step < 5; step++) {
            DMatrixRMaj[] b1 = batch(dataCopy, step == 3 ? 2 : 6); // a smaller batch in between
            DMatrixRMaj[] b2 = batch(dataCopy2, step == 3 ? 2 : 6);
            double l1 = original.computeGradients(b1[0], b1[1], CCE);
            double l2 = restored.computeGradients(b2[0], b2[1], CCE);
            assertThat(l2).isEqualTo(l1);
            optimizer.step(original.parameters(), 0.01);
            restoredOptimizer.step(restored.parameters(), 0.01);
        }
        for (int i = 0; i < original.parameters().size(); i++) {
            assertThat(restored.parameters().get(i).value())
                    .containsExactly(original.parameters().get(i).value());
        }
        BatchNormalization bn1 = original.layers().get(0).batchNormalization();
        BatchNormalization bn2 = restored.layers().get(0).batchNormalization();
        assertThat(bn2.runningMean()).containsExactly(bn1.runningMean());
        assertThat(bn2.runningVariance()).containsExactly(bn1.runningVariance());
    }

    @Test
    void loadRejectsAnotherArchitecture() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Network.build(regularizedSpec(), 1L).saveState(new DataOutputStream(bytes));
        Network other = Network.build(new NetworkSpec(5, List.of(LayerSpec.dense(4, Activations.create("relu")))), 1L);
        assertThatThrownBy(() -> other.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("3 layers");
    }

    @Test
    void dropoutIsInvertedInTrainingAndOffAtInference() {
        NetworkSpec spec = new NetworkSpec(
                20, List.of(LayerSpec.dense(2000, Activations.create("linear")).withDropout(0.3)));
        Network net = Network.build(spec, 5L);
        Dense layer = net.layers().get(0);
        DMatrixRMaj x = NetworkGradientCheckTest.randomMatrix(1, 20, new Xoshiro256(8L));
        double[] inference = net.predict(x).data.clone();
        assertThat(net.predict(x).data).containsExactly(inference);
        DMatrixRMaj out = net.forward(x, true);
        int dropped = 0;
        for (int i = 0; i < 2000; i++) {
            if (out.data[i] == 0.0) {
                dropped++;
            } else {
                assertThat(out.data[i]).isCloseTo(inference[i] / 0.7, within(1e-12));
            }
        }
        assertThat(dropped).isBetween(520, 680); // 30% of 2000 ± 4.9σ
        assertThat(layer.activationOutput().data[0]).isEqualTo(inference[0]);
    }

    @Test
    void batchNormUsesBatchStatisticsInTrainingAndRunningOnesAtInference() {
        NetworkSpec spec = new NetworkSpec(
                1, List.of(LayerSpec.dense(1, Activations.create("linear")).withBatchNorm()));
        Network net = Network.build(spec, 1L);
        Dense layer = net.layers().get(0);
        layer.kernel().value()[0] = 1.0;
        DMatrixRMaj x = new DMatrixRMaj(new double[][] {{1}, {2}, {3}, {6}});
        DMatrixRMaj train = net.forward(x, true);
        double mean = 3.0;
        double var = (4 + 1 + 0 + 9) / 4.0;
        assertThat(train.data[3]).isCloseTo((6 - mean) / Math.sqrt(var + 1e-3), within(1e-12));
        BatchNormalization bn = layer.batchNormalization();
        assertThat(bn.runningMean()[0]).isCloseTo(0.01 * mean, within(1e-15));
        assertThat(bn.runningVariance()[0]).isCloseTo(0.99 + 0.01 * var, within(1e-15));
        DMatrixRMaj inference = net.predict(x);
        assertThat(inference.data[3]).isCloseTo((6 - 0.03) / Math.sqrt(bn.runningVariance()[0] + 1e-3), within(1e-12));
    }

    @Test
    void reusesWorkBuffersAcrossBatchSizes() {
        Network net = Network.build(regularizedSpec(), 2L);
        Xoshiro256 rng = new Xoshiro256(4L);
        DMatrixRMaj[] big = batch(rng, 32);
        DMatrixRMaj[] small = batch(rng, 7);
        DMatrixRMaj out = net.forward(big[0], true);
        double[] storage = out.data;
        net.backward(big[1], CCE);
        assertThat(net.forward(small[0], true)).isSameAs(out);
        assertThat(out.numRows).isEqualTo(7);
        assertThat(out.data).isSameAs(storage);
        net.backward(small[1], CCE);
        assertThat(net.forward(big[0], true).data).isSameAs(storage);
    }

    @Test
    void trainingStepsDoNotAllocate() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Network net = Network.build(regularizedSpec(), 2L);
        DMatrixRMaj[] b = batch(new Xoshiro256(6L), 64);
        for (int i = 0; i < 2000; i++) {
            net.computeGradients(b[0], b[1], CCE); // warm up: buffers grown, code compiled
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1000; i++) {
            net.computeGradients(b[0], b[1], CCE);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated)
                .as("bytes allocated by 1000 forward/backward passes")
                .isLessThan(64 * 1024);
    }

    /**
     * A float32 training step (forward, backward, Adam with its rounding) with products wide enough for the vector
     * rows allocates nothing once compiled: with any other Vector API code beside them that costs C2 their exact
     * types (a rounding kernel on 256-bit float vectors did: tested with it), every vector is a heap object, 8 MB a
     * step here. Rounds of 50 steps until one allocates under 1 KB a step, for at most 60 s.
     */
    @Test
    void float32TrainingStepsDoNotAllocate() {
        Network net = Network.build(
                new NetworkSpec(
                        64,
                        List.of(
                                LayerSpec.dense(128, Activations.create("relu")),
                                LayerSpec.dense(64, Activations.create("relu")),
                                LayerSpec.dense(3, Activations.create("softmax"))),
                        KernelPenalty.NONE,
                        Precision.FLOAT32),
                3L);
        Xoshiro256 rng = new Xoshiro256(9L);
        DMatrixRMaj x = NetworkGradientCheckTest.randomMatrix(32, 64, rng);
        DMatrixRMaj y = NetworkGradientCheckTest.targets("categorical_crossentropy", 32, 3, rng);
        Optimizer adam = new Adam(0.9, 0.999, 1e-8, false);
        long perStep = SettledAllocation.bytesPerCall(50, 1024, () -> {
            net.computeGradients(x, y, CCE);
            adam.step(net.parameters(), 1e-3, Precision.FLOAT32);
        });
        assertThat(perStep).as("bytes allocated per float32 training step").isLessThan(1024);
    }

    @Test
    void rejectsInputsOfTheWrongWidth() {
        Network net = Network.build(regularizedSpec(), 2L);
        assertThatThrownBy(() -> net.forward(new DMatrixRMaj(3, 4), false))
                .hasMessageContaining("input has 4 columns, expected 5");
        assertThatThrownBy(() -> new NetworkSpec(
                        2,
                        List.of(
                                LayerSpec.dense(2, Activations.create("softmax")),
                                LayerSpec.dense(1, Activations.create("linear")))))
                .hasMessageContaining("hidden layer 0");
        assertThatThrownBy(() -> LayerSpec.dense(3, Activations.create("relu")).withDropout(1.0))
                .hasMessageContaining("dropout must be in [0, 1), got 1.0");
    }
}
