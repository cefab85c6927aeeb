package dev.eddy.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.layer.Dense;
import dev.eddy.core.optim.Parameter;
import dev.eddy.core.prune.Sparsity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Magnitude pruning inside {@link Trainer}: the masks hold under every optimizer and are part of the exact state. */
class TrainerPruningTest {

    /** 6-16(bn)-8-3: kernels of 96, 128 and 24 weights. */
    static TrainerConfig config(String... keyValues) {
        Map<String, String> p = new HashMap<>();
        p.put("input-size", "6");
        p.put("layers", "16:relu:batchnorm,8:tanh,3:softmax");
        p.put("batch-size", "8");
        p.put("seed", "7");
        p.put("early-stopping.enabled", "false");
        p.put("prune.target-sparsity", "0.75");
        p.put("prune.initial-sparsity", "0.25");
        p.put("prune.begin-step", "5");
        p.put("prune.end-step", "25");
        p.put("prune.frequency", "5");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return TrainerConfig.fromProperties(p);
    }

    static void step(Trainer t, SplittableRandom random) {
        double[][] x = new double[8][6];
        double[] y = new double[8];
        for (int r = 0; r < 8; r++) {
            for (int j = 0; j < 6; j++) {
                x[r][j] = random.nextGaussian();
            }
            y[r] = x[r][0] + 0.5 * x[r][1] > 0.5 ? 2 : x[r][0] > -0.5 ? 1 : 0;
        }
        t.step(x, y);
    }

    private static int zeros(double[] values) {
        return (int) Sparsity.zeros(values);
    }

    /** The prunable weights that are 0 after each of 40 steps stay 0 until the next pruning step, for every rule. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "sgd",
                "momentum",
                "nesterov",
                "adagrad",
                "rmsprop",
                "rmsprop-centered",
                "adam",
                "amsgrad",
                "adamw",
                "adamax",
                "nadam"
            })
    void prunedWeightsStayZeroUnderEveryOptimizer(String rule) {
        List<String> keys = new ArrayList<>();
        switch (rule) {
            case "momentum", "nesterov" -> keys.addAll(List.of("optimizer", rule, "momentum", "0.9"));
            case "rmsprop-centered" -> keys.addAll(
                    List.of("optimizer", "rmsprop", "centered", "true", "momentum", "0.5"));
            case "adamw" -> keys.addAll(List.of("optimizer", "adamw", "weight-decay", "0.1"));
            default -> keys.addAll(List.of("optimizer", rule));
        }
        keys.addAll(List.of("learning-rate", "0.05", "l1", "0.001", "l2", "0.001"));
        Trainer t = Trainer.create(config(keys.toArray(String[]::new)));
        SplittableRandom random = new SplittableRandom(3);
        List<Dense> layers = t.network().layers();
        boolean[][] zeroBefore = new boolean[layers.size()][];
        for (int s = 1; s <= 40; s++) {
            step(t, random);
            for (int l = 0; l < layers.size(); l++) {
                double[] w = layers.get(l).kernel().value();
                if (zeroBefore[l] != null && !(s % 5 == 0 && s <= 25)) {
                    for (int i = 0; i < w.length; i++) {
                        if (zeroBefore[l][i]) {
                            assertThat(w[i])
                                    .as("%s step %d layer %d weight %d", rule, s, l, i)
                                    .isZero();
                        }
                    }
                }
                zeroBefore[l] = new boolean[w.length];
                for (int i = 0; i < w.length; i++) {
                    zeroBefore[l][i] = w[i] == 0.0;
                }
            }
        }
        // Final: n − round(n·0.25) of each kernel pruned, by hand: 96 − 24, 128 − 32, 24 − 6.
        assertThat(layers.stream().mapToInt(d -> zeros(d.kernel().value())).toArray())
                .containsExactly(72, 96, 18);
        for (Dense d : layers) {
            assertThat(zeros(d.bias().value())).as("%s bias", rule).isZero();
        }
        for (Parameter p : layers.get(0).batchNormalization().parameters()) {
            assertThat(zeros(p.value())).as("%s %s", rule, p.name()).isZero();
        }
        assertThat(t.sparsity()).isEqualTo((72 + 96 + 18) / 248.0);
    }

    @Test
    void sparsityFollowsTheScheduleAtEachPruningStep() {
        Trainer t = Trainer.create(config());
        SplittableRandom random = new SplittableRandom(5);
        List<Integer> firstLayerZeros = new ArrayList<>();
        for (int s = 1; s <= 30; s++) {
            step(t, random);
            firstLayerZeros.add(zeros(t.network().layers().get(0).kernel().value()));
        }
        // s_t = 0.75 − 0.5·(1 − (t − 5)/20)³ at t = 5, 10, …, 25; pruned = 96 − round(96·(1 − s_t)).
        int[] expected = new int[30];
        for (int s = 1; s <= 30; s++) {
            long last = s < 5 ? -1 : Math.min(25, s - s % 5);
            if (last < 0) {
                expected[s - 1] = 0;
            } else {
                double p = (last - 5) / 20.0;
                double sparsity = 0.75 - 0.5 * Math.pow(1 - p, 3);
                expected[s - 1] = (int) (96 - Math.round(96 * (1 - sparsity)));
            }
        }
        assertThat(firstLayerZeros)
                .containsExactly(Arrays.stream(expected).boxed().toArray(Integer[]::new));
        assertThat(expected[4]).isEqualTo(24);
        assertThat(expected[29]).isEqualTo(72);
    }

    @Test
    void globalScopeCountsAllKernelsTogether() {
        Trainer t = Trainer.create(config("prune.scope", "global"));
        SplittableRandom random = new SplittableRandom(5);
        for (int s = 1; s <= 25; s++) {
            step(t, random);
        }
        // 248 − round(248·0.25) = 186 pruned over the three kernels together.
        assertThat(t.sparsity()).isEqualTo(186 / 248.0);
        double[] perLayer = Sparsity.perLayer(t.network());
        assertThat(perLayer[0]).isNotEqualTo(perLayer[1]);
    }

    @Test
    void frozenLayersBiasesAndBatchNormAreNeverPruned() {
        Trainer t = Trainer.create(config("frozen-layers", "1", "prune.scope", "global"));
        double[] frozen = t.network().layers().get(0).kernel().value().clone();
        List<double[]> batchNorm = new ArrayList<>();
        for (Parameter p : t.network().layers().get(0).batchNormalization().parameters()) {
            batchNorm.add(p.value().clone());
        }
        SplittableRandom random = new SplittableRandom(5);
        for (int s = 1; s <= 25; s++) {
            step(t, random);
        }
        assertThat(t.network().layers().get(0).kernel().value()).isEqualTo(frozen);
        // 152 prunable weights (128 + 24): 152 − round(152·0.25) = 114.
        assertThat(zeros(t.network().layers().get(1).kernel().value())
                        + zeros(t.network().layers().get(2).kernel().value()))
                .isEqualTo(114);
        List<Parameter> bn = t.network().layers().get(0).batchNormalization().parameters();
        for (int i = 0; i < bn.size(); i++) {
            assertThat(bn.get(i).value()).as(bn.get(i).name()).isEqualTo(batchNorm.get(i));
        }
    }

    /** An ensemble's members prune as a single network does; its sparsity is over every member's kernels. */
    @Test
    void anEnsembleOfPrunedMembersReportsTheirSparsity() {
        Learner ensemble = Learners.create(config("ensemble", "bagging", "ensemble.size", "3"));
        SplittableRandom random = new SplittableRandom(5);
        // 40 batches: a member whose Poisson weights of a batch sum to 0 skips it, and still passes step 25.
        for (int s = 1; s <= 40; s++) {
            double[][] x = new double[8][6];
            double[] y = new double[8];
            for (int r = 0; r < 8; r++) {
                for (int j = 0; j < 6; j++) {
                    x[r][j] = random.nextGaussian();
                }
                y[r] = x[r][0] > 0 ? 2 : 0;
            }
            ensemble.step(x, y, new double[] {1, 1, 1, 1, 1, 1, 1, 1});
        }
        // Each member: 72 + 96 + 18 of 248 kernel weights pruned (see above), whatever its own steps.
        assertThat(ensemble.sparsity()).isEqualTo((72 + 96 + 18) / 248.0);
        assertThat(ensemble.inferenceModel().networks()).hasSize(3);
    }

    /** Stopping mid-schedule and restoring from the state continues bit-identically, masks included. */
    @Test
    void restoreMidScheduleIsBitIdentical() {
        Trainer straight = Trainer.create(config());
        Trainer interrupted = Trainer.create(config());
        SplittableRandom a = new SplittableRandom(9);
        SplittableRandom b = new SplittableRandom(9);
        for (int s = 1; s <= 40; s++) {
            step(straight, a);
            step(interrupted, b);
            if (s == 7 || s == 12 || s == 25) {
                interrupted = Trainer.restore(interrupted.state());
            }
        }
        assertThat(interrupted.state()).isEqualTo(straight.state());
        assertThat(TrainerTest.bits(interrupted)).isEqualTo(TrainerTest.bits(straight));
    }

    /** Without masks in the state a restored trainer would let the pruned weights move: the masks are needed. */
    @Test
    void theStateHoldsTheMasks() {
        Trainer t = Trainer.create(config("prune.end-step", "10", "prune.frequency", "10", "prune.begin-step", "0"));
        SplittableRandom random = new SplittableRandom(9);
        for (int s = 1; s <= 10; s++) {
            step(t, random);
        }
        Trainer restored = Trainer.restore(t.state());
        int before = zeros(restored.network().layers().get(0).kernel().value());
        for (int s = 11; s <= 20; s++) {
            step(restored, random);
        }
        assertThat(zeros(restored.network().layers().get(0).kernel().value()))
                .isEqualTo(before)
                .isEqualTo(72);
    }

    /**
     * A training state cut where the versions differ: its format version, configuration, counters (steps, examples
     * seen, budget start, skipped steps from version 2, schedule start from version 4) and the bytes after them.
     */
    /** A version 2 state written by the build before pruning (a 4-8(bn)-3 Adam trainer after 5 steps) restores. */
    @Test
    void aVersionTwoStateRestores() throws IOException {
        byte[] v2;
        try (InputStream in = getClass().getResourceAsStream("trainer-state-v2.bin")) {
            v2 = in.readAllBytes();
        }
        assertThat(ByteBuffer.wrap(v2).getInt(4)).isEqualTo(2);
        Trainer t = Trainer.restore(v2);
        assertThat(t.steps()).isEqualTo(5);
        assertThat(t.config().prune()).isEmpty();
        // Rewritten, only what later versions added differs (the configuration's later keys at their defaults, the
        // schedule's start, 0), and it keeps training.
        StateLayout old = StateLayout.of(v2);
        StateLayout now = StateLayout.of(t.state());
        assertThat(now.version()).isEqualTo(Trainer.STATE_VERSION);
        Map<String, String> added = new TreeMap<>(now.properties());
        added.keySet().removeAll(old.properties().keySet());
        assertThat(added).containsExactly(Map.entry("drift.restart-schedule", "true"));
        assertThat(now.properties()).containsAllEntriesOf(old.properties());
        assertThat(now.counters())
                .containsExactly(old.counters()[0], old.counters()[1], old.counters()[2], old.counters()[3], 0L);
        assertThat(now.rest()).isEqualTo(old.rest());
        t.step(new double[][] {{0.1, 0.2, 0.3, 0.4}}, new double[] {1});
        assertThat(t.steps()).isEqualTo(6);
    }
}
