package dev.eddy.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OptimizerStateTest {

    /** A fresh-instance factory per rule and variant (the instance list of {@link Optimizers}). */
    static Stream<Arguments> rules() {
        List<Arguments> rules = new ArrayList<>();
        for (int i = 0; i < Optimizers.all().size(); i++) {
            int index = i;
            Supplier<Optimizer> factory = () -> Optimizers.all().get(index);
            rules.add(Arguments.of(factory.get().name() + "#" + index, factory));
        }
        return rules.stream();
    }

    /** A 3×2 kernel and a bias of 2, initialized from a fixed seed. */
    private static List<Parameter> parameters() {
        Random random = new Random(42);
        double[] kernel = new double[6];
        double[] bias = new double[2];
        for (int j = 0; j < kernel.length; j++) {
            kernel[j] = random.nextGaussian();
        }
        return List.of(
                new Parameter("dense0.kernel", kernel, new double[6]),
                new Parameter("dense0.bias", bias, new double[2]));
    }

    /** Steps t = from+1 … to with gradient g = θ − 1 + noise(seed t), so runs are reproducible from any t. */
    private static void train(Optimizer optimizer, List<Parameter> params, int from, int to) {
        for (int t = from + 1; t <= to; t++) {
            Random noise = new Random(t);
            for (Parameter p : params) {
                for (int j = 0; j < p.size(); j++) {
                    p.grad()[j] = p.value()[j] - 1 + 0.1 * noise.nextGaussian();
                }
            }
            optimizer.step(params, 0.01 * (1 + t % 3));
        }
    }

    private static byte[] save(Optimizer optimizer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        optimizer.saveState(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static void load(Optimizer optimizer, byte[] state) throws IOException {
        optimizer.loadState(new DataInputStream(new ByteArrayInputStream(state)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void saveLoadContinueIsBitIdenticalToAnUninterruptedRun(String name, Supplier<Optimizer> rule) throws IOException {
        List<Parameter> uninterrupted = parameters();
        Optimizer straight = rule.get();
        train(straight, uninterrupted, 0, 10);

        List<Parameter> resumed = parameters();
        Optimizer first = rule.get();
        train(first, resumed, 0, 5);
        byte[] state = save(first);
        Optimizer second = rule.get();
        load(second, state);
        assertThat(second.iterations()).isEqualTo(5);
        train(second, resumed, 5, 10);

        for (int i = 0; i < resumed.size(); i++) {
            assertThat(resumed.get(i).value()).isEqualTo(uninterrupted.get(i).value());
        }
        assertThat(save(second)).isEqualTo(save(straight));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void stateOfAFreshOptimizerRoundTrips(String name, Supplier<Optimizer> rule) throws IOException {
        Optimizer fresh = rule.get();
        Optimizer loaded = rule.get();
        load(loaded, save(fresh));
        List<Parameter> a = parameters();
        List<Parameter> b = parameters();
        train(fresh, a, 0, 3);
        train(loaded, b, 0, 3);
        assertThat(a.get(0).value()).isEqualTo(b.get(0).value());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void stepsAllocateNothingAfterTheFirst(String name, Supplier<Optimizer> rule) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Optimizer optimizer = rule.get();
        List<Parameter> params = parameters();
        optimizer.step(params, 1e-3);
        for (int warmUp = 0; warmUp < 20_000; warmUp++) {
            optimizer.step(params, 1e-9);
        }
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int s = 0; s < 10_000; s++) {
            optimizer.step(params, 1e-9);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // one object per step would be at least 16 bytes × 10 000 steps
        assertThat(allocated).as("bytes allocated by 10 000 steps").isLessThan(16_000);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void parametersOtherThanTheFirstStepsAreRejected(String name, Supplier<Optimizer> rule) {
        Optimizer optimizer = rule.get();
        optimizer.step(parameters(), 0.1);
        List<Parameter> fewer = parameters().subList(0, 1);
        assertThatThrownBy(() -> optimizer.step(fewer, 0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds 2 parameters but step was given 1");
        List<Parameter> resized =
                List.of(parameters().get(0), new Parameter("dense0.bias", new double[3], new double[3]));
        assertThatThrownBy(() -> optimizer.step(resized, 0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("state of dense0.bias has 2 elements but the parameter has 3");
        List<Parameter> renamed =
                List.of(parameters().get(0), new Parameter("dense1.bias", new double[2], new double[2]));
        assertThatThrownBy(() -> optimizer.step(renamed, 0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("belongs to dense0.bias but step was given dense1.bias");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void loadedStateIsCheckedAgainstTheParametersOfTheNextStep(String name, Supplier<Optimizer> rule)
            throws IOException {
        Optimizer saved = rule.get();
        saved.step(parameters(), 0.1);
        Optimizer loaded = rule.get();
        load(loaded, save(saved));
        List<Parameter> other = List.of(new Parameter("dense0.kernel", new double[5], new double[5]));
        assertThatThrownBy(() -> loaded.step(other, 0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void invalidLearningRatesAreRejected(String name, Supplier<Optimizer> rule) {
        Optimizer optimizer = rule.get();
        for (double lr : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> optimizer.step(parameters(), lr))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("learningRate must be finite and >= 0, got " + lr);
        }
        assertThat(optimizer.iterations()).isZero();
    }

    @org.junit.jupiter.api.Test
    void stateOfAnotherRuleOrVariantIsRejected() throws IOException {
        Adam adam = new Adam(0.9, 0.999, 1e-8, false);
        adam.step(parameters(), 0.1);
        byte[] state = save(adam);
        assertThatThrownBy(() -> load(new Sgd(0.9, 0, false), state))
                .isInstanceOf(IOException.class)
                .hasMessage("expected sgd state, found adam state");
        assertThatThrownBy(() -> load(new Adam(0.9, 0.999, 1e-8, true), state))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("adam state has 2 arrays per parameter, this configuration uses 3");
        byte[] truncated = java.util.Arrays.copyOf(state, state.length - 1);
        Adam target = new Adam(0.9, 0.999, 1e-8, false);
        assertThatThrownBy(() -> load(target, truncated)).isInstanceOf(java.io.EOFException.class);
        assertThat(save(target)).as("a failed load changes nothing").isEqualTo(save(new Adam(0.9, 0.999, 1e-8, false)));
    }
}
