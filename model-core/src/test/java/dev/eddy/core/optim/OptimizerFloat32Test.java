package dev.eddy.core.optim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.kernel.Precision;
import dev.eddy.core.kernel.TwoThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OptimizerFloat32Test {

    static Stream<Integer> rules() {
        return IntStream.range(0, Optimizers.all().size()).boxed();
    }

    /** Float values θ_j = (float) N(0, 1) for j in [from, to). */
    private static double[] floats(int from, int to, long seed) {
        Random random = new Random(seed);
        double[] all = new double[to];
        for (int j = 0; j < to; j++) {
            all[j] = (float) random.nextGaussian();
        }
        double[] part = new double[to - from];
        System.arraycopy(all, from, part, 0, part.length);
        return part;
    }

    /** Three float32 steps with float gradients g_j = (float)(θ_j − 1 + noise) from the same seeds in every run. */
    private static void train(Optimizer optimizer, List<Parameter> params, int[] offsets) {
        for (int t = 1; t <= 3; t++) {
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i);
                double[] noise = floats(offsets[i], offsets[i] + p.size(), 100 + t);
                for (int j = 0; j < p.size(); j++) {
                    p.grad()[j] = (float) (p.value()[j] - 1 + 0.1 * noise[j]);
                }
            }
            optimizer.step(params, 0.01 * t, Precision.FLOAT32);
        }
    }

    /**
     * A tensor of 75,537 elements (many of the optimizer's float32 chunks, and large enough to be updated by two
     * threads, {@link TwoThreads}) ends exactly where the same elements end as four tensors that one thread updates:
     * neither the rounding fused into chunks nor the split changes any element's update.
     */
    @ParameterizedTest(name = "rule {0}")
    @MethodSource("rules")
    void aTensorUpdatedInChunksEqualsItsPiecesAndHoldsFloats(int rule) {
        int n = TwoThreads.MIN_ELEMENTS + 10_001;
        assertThat(TwoThreads.splits(n)).isTrue();
        Parameter whole = new Parameter("w", floats(0, n, 1), new double[n]);
        train(Optimizers.all().get(rule), List.of(whole), new int[] {0});

        int[] offsets = {0, 4000, 8000, 40_000};
        List<Parameter> pieces = new ArrayList<>();
        for (int i = 0; i < offsets.length; i++) {
            int to = i + 1 < offsets.length ? offsets[i + 1] : n;
            pieces.add(new Parameter("w" + i, floats(offsets[i], to, 1), new double[to - offsets[i]]));
        }
        train(Optimizers.all().get(rule), pieces, offsets);

        for (int i = 0; i < pieces.size(); i++) {
            double[] piece = pieces.get(i).value();
            for (int j = 0; j < piece.length; j++) {
                double w = whole.value()[offsets[i] + j];
                assertThat(w)
                        .as("element %d", offsets[i] + j)
                        .isEqualTo(piece[j])
                        .isEqualTo((float) w);
            }
        }
        assertThat(whole.value()).isNotEqualTo(floats(0, n, 1));
    }
}
