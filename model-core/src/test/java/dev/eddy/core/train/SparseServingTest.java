package dev.eddy.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.layer.Dense;
import dev.eddy.core.prune.MagnitudePruning;
import dev.eddy.core.prune.PruningScope;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Export format version 2 (sparse weight arrays) and the sparse kernel of {@link InferenceModel}. */
class SparseServingTest {

    /** A trained 12-64(bn)-32-4 model: kernels of 768, 2048 and 128 weights. */
    static InferenceModel trained() {
        return trained(true);
    }

    static InferenceModel trained(boolean standardize) {
        return trained(standardize, "float64");
    }

    static InferenceModel trained(boolean standardize, String precision) {
        Trainer t = Trainer.create(TrainerConfig.fromProperties(Map.of(
                "precision",
                precision,
                "input-size",
                "12",
                "layers",
                "64:relu:batchnorm,32:relu,4:softmax",
                "batch-size",
                "16",
                "seed",
                "3",
                "standardize",
                Boolean.toString(standardize))));
        SplittableRandom random = new SplittableRandom(4);
        for (int step = 0; step < 20; step++) {
            double[][] x = rows(random, 16);
            double[] y = new double[16];
            for (int r = 0; r < 16; r++) {
                y[r] = x[r][0] > 0 ? (x[r][1] > 0 ? 3 : 2) : (x[r][2] > 0 ? 1 : 0);
            }
            t.step(x, y);
        }
        return t.inferenceModel();
    }

    static double[][] rows(SplittableRandom random, int n) {
        double[][] x = new double[n][12];
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return x;
    }

    private static List<double[]> weights(InferenceModel m) {
        return Architecture.weights(m.network());
    }

    /** Equal as values (−0.0 = +0.0), which is what the sparse kernel promises. */
    private static void assertSameValues(double[][] actual, double[][] expected) {
        assertThat(actual.length).isEqualTo(expected.length);
        for (int r = 0; r < actual.length; r++) {
            for (int j = 0; j < actual[r].length; j++) {
                assertThat(actual[r][j] == expected[r][j])
                        .as("row %d output %d: %s vs %s", r, j, actual[r][j], expected[r][j])
                        .isTrue();
            }
        }
    }

    @Test
    void aPrunedModelIsStoredCompactlyAndReadBackBitExactly() {
        InferenceModel dense = trained();
        InferenceModel pruned = new MagnitudePruning(0.9, PruningScope.LAYER).prune(dense);
        byte[] bytes = pruned.toBytes();
        InferenceModel back = InferenceModel.fromBytes(bytes);
        List<double[]> a = weights(pruned);
        List<double[]> b = weights(back);
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < a.get(i).length; j++) {
                assertThat(Double.doubleToRawLongBits(b.get(i)[j])).isEqualTo(Double.doubleToRawLongBits(a.get(i)[j]));
            }
        }
        assertThat(back.toBytes()).isEqualTo(bytes);
        // Kernels: 768 − 77, 2048 − 205, 128 − 13 pruned; each stored as 13 + 12·k bytes instead of 5 + 8·n.
        long denseKernels = 3 * 5 + 8L * (768 + 2048 + 128);
        long sparseKernels = 3 * 13 + 12L * (77 + 205 + 13);
        assertThat(dense.toBytes().length - bytes.length).isEqualTo(denseKernels - sparseKernels);
    }

    @Test
    void aNegativeZeroSurvivesTheSparseForm() {
        InferenceModel pruned = new MagnitudePruning(0.9, PruningScope.LAYER).prune(trained());
        double[] kernel = pruned.network().layers().get(1).kernel().value();
        int zero = 0;
        while (kernel[zero] != 0.0) {
            zero++;
        }
        kernel[zero] = -0.0;
        InferenceModel back = InferenceModel.fromBytes(pruned.toBytes());
        assertThat(Double.doubleToRawLongBits(
                        back.network().layers().get(1).kernel().value()[zero]))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void theSparseKernelPredictsExactlyAsTheDenseOne() {
        SplittableRandom random = new SplittableRandom(8);
        for (double sparsity : new double[] {0.0, 0.5, 0.9, 0.97}) {
            InferenceModel m = new MagnitudePruning(sparsity, PruningScope.GLOBAL).prune(trained());
            for (int batch : new int[] {1, 32}) {
                double[][] x = rows(random, batch);
                m.serveWith(InferenceModel.ServingKernel.DENSE);
                double[][] dense = m.predict(x);
                m.serveWith(InferenceModel.ServingKernel.SPARSE);
                assertSameValues(m.predict(x), dense);
                m.serveWith(InferenceModel.ServingKernel.AUTO);
                assertSameValues(m.predict(x), dense);
            }
        }
    }

    @Test
    void inFloat32TooTheSparseKernelPredictsExactlyAsTheDenseOne() {
        SplittableRandom random = new SplittableRandom(8);
        InferenceModel m = new MagnitudePruning(0.9, PruningScope.LAYER).prune(trained(true, "float32"));
        for (int batch : new int[] {1, 32}) {
            double[][] x = rows(random, batch);
            m.serveWith(InferenceModel.ServingKernel.DENSE);
            double[][] dense = m.predict(x);
            m.serveWith(InferenceModel.ServingKernel.SPARSE);
            assertSameValues(m.predict(x), dense);
        }
    }

    /** AUTO takes the sparse kernel per layer from the thresholds: visible as the kernel the layer holds. */
    @Test
    void autoSwitchesLayersAtTheThresholds() throws Exception {
        InferenceModel m = new MagnitudePruning(0.9, PruningScope.LAYER).prune(trained());
        m.predict(rows(new SplittableRandom(1), 1));
        assertThat(sparseKernelSet(m)).containsOnly(true); // 0.9 ≥ 0.8 at batch 1
        m.predict(rows(new SplittableRandom(1), 32));
        assertThat(sparseKernelSet(m)).containsOnly(false); // 0.9 < 0.95 for batches
        InferenceModel half = new MagnitudePruning(0.5, PruningScope.LAYER).prune(trained());
        half.predict(rows(new SplittableRandom(1), 1));
        assertThat(sparseKernelSet(half)).containsOnly(false);
    }

    private static List<Boolean> sparseKernelSet(InferenceModel m) throws Exception {
        List<Boolean> set = new ArrayList<>();
        java.lang.reflect.Field f = Dense.class.getDeclaredField("sparseKernel");
        f.setAccessible(true);
        for (Dense d : m.network().layers()) {
            set.add(f.get(d) != null);
        }
        return set;
    }

    /** An export written by the build before version 2 (a 4-8(bn)-3 model) reads and predicts as before. */
    @Test
    void aVersionOneExportStillReads() throws IOException {
        byte[] v1;
        try (InputStream in = getClass().getResourceAsStream("model-v1.eddm")) {
            v1 = in.readAllBytes();
        }
        assertThat(ByteBuffer.wrap(v1).getInt(4)).isEqualTo(1);
        InferenceModel m = InferenceModel.fromBytes(v1);
        assertThat(m.layers()).isEqualTo("8:relu:batchnorm,3:softmax");
        byte[] v2 = m.toBytes();
        assertThat(ByteBuffer.wrap(v2).getInt(4)).isEqualTo(InferenceModel.FORMAT_VERSION);
        InferenceModel again = InferenceModel.fromBytes(v2);
        double[][] x = {{0.1, -0.2, 0.3, 1.5}};
        assertThat(again.predict(x)).isDeepEqualTo(m.predict(x));
        assertThat(Architecture.weights(again.network()).get(0))
                .isEqualTo(weights(m).get(0));
    }

    @Test
    void aCorruptSparseArrayIsRefusedNamingIt() {
        InferenceModel pruned = new MagnitudePruning(0.9, PruningScope.LAYER).prune(trained(false));
        byte[] bytes = pruned.toBytes();
        int first = firstArray(bytes);
        byte[] badForm = bytes.clone();
        badForm[first] = 7;
        assertThatThrownBy(() -> InferenceModel.fromBytes(badForm))
                .hasMessage("corrupt model: weight array 0 has encoding 7, expected 0 (dense) or 1 (sparse)");
        byte[] unsorted = bytes.clone();
        // The first two positions of the kernel (after form, n and k) swapped.
        ByteBuffer buffer = ByteBuffer.wrap(unsorted);
        int p0 = buffer.getInt(first + 9);
        int p1 = buffer.getInt(first + 13);
        buffer.putInt(first + 9, p1).putInt(first + 13, p0);
        assertThatThrownBy(() -> InferenceModel.fromBytes(unsorted))
                .hasMessageStartingWith(
                        "corrupt model: weight array 0: position " + p0 + " after " + p1 + " is not ascending");
    }

    /** Offset of the first weight array's form byte of a model without standardization. */
    private static int firstArray(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int offset = 12; // magic, version, input size
        offset += 2 + b.getShort(offset); // layers
        offset += 2 + b.getShort(offset); // loss
        offset += 2 + b.getShort(offset); // precision
        assertThat(bytes[offset]).as("standardized").isZero();
        return offset + 1 + 4 + 1 + 4; // the flag, the network count, the vote flag, the array count
    }
}
