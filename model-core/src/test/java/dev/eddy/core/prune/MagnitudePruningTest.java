package dev.eddy.core.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.layer.BatchNormalization;
import dev.eddy.core.layer.Dense;
import dev.eddy.core.optim.Parameter;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MagnitudePruningTest {

    /** Kernels of 6×16 = 96, 16×8 = 128 and 8×3 = 24 weights; the first layer has batch norm. */
    static InferenceModel trained() {
        Trainer t = Trainer.create(TrainerConfig.fromProperties(Map.of(
                "input-size", "6", "layers", "16:relu:batchnorm,8:tanh,3:softmax", "batch-size", "8", "seed", "7")));
        SplittableRandom random = new SplittableRandom(11);
        for (int step = 0; step < 30; step++) {
            double[][] x = new double[8][6];
            double[] y = new double[8];
            for (int r = 0; r < 8; r++) {
                for (int j = 0; j < 6; j++) {
                    x[r][j] = random.nextGaussian();
                }
                y[r] = x[r][0] > 0.5 ? 2 : x[r][0] > -0.5 ? 1 : 0;
            }
            t.step(x, y);
        }
        return t.inferenceModel();
    }

    @Test
    void layerScopeGivesEveryKernelTheSparsityExactly() {
        InferenceModel model = trained();
        // n − round(n·(1 − s)) by hand: 0.5 → 48, 64, 12; 0.9 → 96 − 10, 128 − 13, 24 − 2.
        assertThat(zeros(new MagnitudePruning(0.5, PruningScope.LAYER).prune(model)))
                .containsExactly(48, 64, 12);
        assertThat(zeros(new MagnitudePruning(0.9, PruningScope.LAYER).prune(model)))
                .containsExactly(86, 115, 22);
        assertThat(Sparsity.perLayer(new MagnitudePruning(0.5, PruningScope.LAYER)
                        .prune(model)
                        .network()))
                .containsExactly(0.5, 0.5, 0.5);
    }

    @Test
    void globalScopeGivesAllKernelsTogetherTheSparsityExactly() {
        InferenceModel model = trained();
        // 248 kernel weights: 0.5 → 124 pruned; 0.9 → 248 − round(24.8) = 223.
        InferenceModel half = new MagnitudePruning(0.5, PruningScope.GLOBAL).prune(model);
        assertThat(Arrays.stream(zeros(half)).sum()).isEqualTo(124);
        assertThat(Sparsity.overall(half.network())).isEqualTo(0.5);
        InferenceModel most = new MagnitudePruning(0.9, PruningScope.GLOBAL).prune(model);
        assertThat(Arrays.stream(zeros(most)).sum()).isEqualTo(223);
        // One threshold: the layers' magnitudes differ, so their sparsities do too.
        assertThat(Sparsity.perLayer(half.network())).doesNotContain(0.5);
    }

    @Test
    void thePrunedWeightsAreTheSmallestByBruteForce() {
        InferenceModel model = trained();
        for (double s : new double[] {0.25, 0.5, 0.9}) {
            InferenceModel layer = new MagnitudePruning(s, PruningScope.LAYER).prune(model);
            for (int l = 0; l < 3; l++) {
                double[] w = kernel(model, l);
                assertThat(kernel(layer, l))
                        .as("layer %d at %s", l, s)
                        .isEqualTo(bruteForce(List.of(w), s).get(0));
            }
            InferenceModel global = new MagnitudePruning(s, PruningScope.GLOBAL).prune(model);
            List<double[]> expected = bruteForce(List.of(kernel(model, 0), kernel(model, 1), kernel(model, 2)), s);
            for (int l = 0; l < 3; l++) {
                assertThat(kernel(global, l)).as("global, layer %d at %s", l, s).isEqualTo(expected.get(l));
            }
        }
    }

    @Test
    void tiesArePrunedInPositionOrder() {
        InferenceModel model = trained();
        double[] w = model.network().layers().get(2).kernel().value();
        Arrays.fill(w, -0.25);
        w[20] = 0.1;
        // 24 equal-or-smaller weights at 0.5: 12 pruned, 0.1 first, then positions 0…10.
        double[] pruned = kernel(new MagnitudePruning(0.5, PruningScope.LAYER).prune(model), 2);
        for (int i = 0; i < 24; i++) {
            assertThat(pruned[i]).as("w[%d]", i).isEqualTo(i <= 10 || i == 20 ? 0.0 : -0.25);
        }
    }

    @Test
    void biasesAndBatchNormAreNeverPruned() {
        InferenceModel model = trained();
        for (PruningScope scope : PruningScope.values()) {
            InferenceModel pruned = new MagnitudePruning(0.9, scope).prune(model);
            List<Parameter> before = model.network().parameters();
            List<Parameter> after = pruned.network().parameters();
            for (int i = 0; i < before.size(); i++) {
                if (!before.get(i).name().endsWith(".kernel")) {
                    assertThat(after.get(i).value())
                            .as(before.get(i).name())
                            .isEqualTo(before.get(i).value());
                }
            }
            BatchNormalization bn = model.network().layers().get(0).batchNormalization();
            BatchNormalization prunedBn = pruned.network().layers().get(0).batchNormalization();
            assertThat(prunedBn.runningMean()).isEqualTo(bn.runningMean());
            assertThat(prunedBn.runningVariance()).isEqualTo(bn.runningVariance());
            assertThat(pruned.standardizer().isPresent())
                    .isEqualTo(model.standardizer().isPresent());
            assertThat(pruned.layers()).isEqualTo(model.layers());
            assertThat(pruned.loss()).isEqualTo(model.loss());
        }
    }

    @Test
    void sparsityZeroLeavesTheModelIdenticalAndTheSourceIsNeverChanged() {
        InferenceModel model = trained();
        byte[] before = model.toBytes();
        assertThat(new MagnitudePruning(0, PruningScope.LAYER).prune(model).toBytes())
                .isEqualTo(before);
        assertThat(new MagnitudePruning(0, PruningScope.GLOBAL).prune(model).toBytes())
                .isEqualTo(before);
        new MagnitudePruning(0.9, PruningScope.GLOBAL).prune(model);
        assertThat(model.toBytes()).isEqualTo(before);
    }

    @Test
    void thePrunedModelRoundTripsThroughTheExportFormat() {
        InferenceModel pruned = new MagnitudePruning(0.9, PruningScope.LAYER).prune(trained());
        InferenceModel read = InferenceModel.fromBytes(pruned.toBytes());
        assertThat(zeros(read)).containsExactly(86, 115, 22);
        double[][] x = {{0.1, -0.2, 0.3, 1, -1, 0.5}};
        assertThat(read.predict(x)).isEqualTo(pruned.predict(x));
    }

    @Test
    void refusesASparsityOutsideTheUnitInterval() {
        for (double bad : new double[] {-0.1, 1.0, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> new MagnitudePruning(bad, PruningScope.LAYER))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sparsity " + bad + " is outside [0, 1)");
        }
    }

    @Test
    void scopeIsParsedByNameAndABadOneIsNamed() {
        assertThat(PruningScope.parse("Global")).isEqualTo(PruningScope.GLOBAL);
        assertThatThrownBy(() -> PruningScope.parse("row"))
                .hasMessage("pruning scope 'row': expected one of [layer, global]");
    }

    /**
     * The reference: repeatedly zero the not-yet-pruned weight of smallest (|w|, array, index) by a linear scan,
     * until n − round(n·(1 − s)) are pruned.
     */
    private static List<double[]> bruteForce(List<double[]> kernels, double s) {
        List<double[]> out = new ArrayList<>();
        int n = 0;
        for (double[] w : kernels) {
            out.add(w.clone());
            n += w.length;
        }
        List<boolean[]> taken = new ArrayList<>();
        out.forEach(w -> taken.add(new boolean[w.length]));
        long count = n - Math.round(n * (1 - s));
        for (long c = 0; c < count; c++) {
            int bestA = -1;
            int bestI = -1;
            for (int a = 0; a < out.size(); a++) {
                for (int i = 0; i < out.get(a).length; i++) {
                    if (!taken.get(a)[i]
                            && (bestA < 0 || Math.abs(kernels.get(a)[i]) < Math.abs(kernels.get(bestA)[bestI]))) {
                        bestA = a;
                        bestI = i;
                    }
                }
            }
            taken.get(bestA)[bestI] = true;
            out.get(bestA)[bestI] = 0.0;
        }
        return out;
    }

    private static double[] kernel(InferenceModel m, int layer) {
        return m.network().layers().get(layer).kernel().value();
    }

    private static int[] zeros(InferenceModel m) {
        return m.network().layers().stream()
                .map(Dense::kernel)
                .mapToInt(k ->
                        (int) Arrays.stream(k.value()).filter(v -> v == 0.0).count())
                .toArray();
    }
}
