package dev.eddy.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.activation.Activations;
import dev.eddy.core.activation.ElementwiseActivation;
import dev.eddy.core.optim.Adam;
import dev.eddy.core.optim.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TwoThreadsTest {

    @Test
    void runCoversEveryIndexOnceWithTheUpperHalfOnTheWorkerFromAMultipleOfAlign() {
        int n = 100_000;
        int[] visits = new int[n];
        List<String> ranges = Collections.synchronizedList(new ArrayList<>());
        TwoThreads.run(n, 4096, (from, to) -> {
            ranges.add(from + ".." + to + (MatMul.onWorker() ? " worker" : " caller"));
            for (int i = from; i < to; i++) {
                visits[i]++;
            }
        });
        assertThat(ranges).containsExactlyInAnyOrder("0..49152 caller", "49152..100000 worker"); // 12·4096
        assertThat(visits).containsOnly(1);

        List<String> small = new ArrayList<>();
        TwoThreads.run(3000, 4096, (from, to) -> small.add(from + ".." + to));
        assertThat(small)
                .as("no multiple of align below n/2: all in the caller")
                .containsExactly("0..3000");
    }

    /**
     * A caller interrupted while the worker still writes into its arrays (a cancel of the training thread) waits for
     * the worker's half, then finds its interrupt flag set again.
     */
    @Test
    void anInterruptedCallerWaitsForTheWorkersHalfAndKeepsTheInterrupt() {
        AtomicBoolean workerDone = new AtomicBoolean();
        Thread.currentThread().interrupt();
        try {
            TwoThreads.run(2, 1, (from, to) -> {
                if (MatMul.onWorker()) {
                    long end = System.nanoTime() + 200_000_000L;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                    workerDone.set(true);
                }
            });
            assertThat(workerDone)
                    .as("the worker's half is done when run returns")
                    .isTrue();
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        }
    }

    @Test
    void whenBothHalvesFailTheCallersFailureIsThrownWithTheWorkersSuppressed() {
        assertThatThrownBy(() -> TwoThreads.run(2, 1, (from, to) -> {
                    throw new IllegalArgumentException(MatMul.onWorker() ? "worker's half" : "caller's half");
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("caller's half")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().satisfies(s -> assertThat(s.getCause())
                        .hasMessage("worker's half")));
    }

    @Test
    void splitsFromTheThresholdButNeverOnTheWorkerItself() throws Exception {
        assertThat(TwoThreads.splits(TwoThreads.MIN_ELEMENTS - 1)).isFalse();
        assertThat(TwoThreads.splits(TwoThreads.MIN_ELEMENTS)).isTrue();
        assertThat(MatMul.WORKER.submit(() -> TwoThreads.splits(1L << 24)).get())
                .as("the worker would wait for itself")
                .isFalse();
    }

    /** A layer of 300 × 256 pre-activations: split over two threads, every element as its formula gives it. */
    @Test
    void largeLayersActivateAndBackPropagateElementByElementOnTwoThreads() {
        int rows = 300;
        int cols = 256;
        int n = rows * cols;
        assertThat(TwoThreads.splits(n)).isTrue();
        Random random = new Random(3);
        double[] z = new double[n];
        double[] dh = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = random.nextGaussian();
            dh[i] = random.nextGaussian();
        }
        for (String name : List.of("relu", "tanh", "gelu")) {
            ElementwiseActivation f = (ElementwiseActivation) Activations.create(name);
            double[] h = new double[n];
            double[] dz = new double[n];
            f.forward(z, h, rows, cols);
            f.backward(z, h, dh, dz, rows, cols);
            for (int i = 0; i < n; i++) {
                assertThat(h[i]).as("%s(z[%d])", name, i).isEqualTo(f.value(z[i]));
                assertThat(dz[i]).as("%s'(z[%d])·dh", name, i).isEqualTo(dh[i] * f.derivative(z[i], h[i]));
            }
        }
    }

    /** An Adam step on a tensor two threads update equals the same step on its two halves as separate tensors. */
    @Test
    void aLargeTensorsOptimizerStepIsTheStepOfItsHalves() {
        int n = 2 * TwoThreads.MIN_ELEMENTS - 2;
        int half = n / 2;
        Random random = new Random(5);
        double[] theta = new double[n];
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            theta[i] = random.nextGaussian();
            g[i] = random.nextGaussian();
        }
        Parameter whole = new Parameter("w", theta.clone(), g.clone());
        Parameter lower = new Parameter("a", Arrays.copyOfRange(theta, 0, half), Arrays.copyOfRange(g, 0, half));
        Parameter upper = new Parameter("b", Arrays.copyOfRange(theta, half, n), Arrays.copyOfRange(g, half, n));
        Adam split = new Adam(0.9, 0.999, 1e-8, false);
        Adam apart = new Adam(0.9, 0.999, 1e-8, false);
        for (int t = 0; t < 3; t++) {
            split.step(List.of(whole), 0.01);
            apart.step(List.of(lower, upper), 0.01);
        }
        for (int i = 0; i < n; i++) {
            double expected = i < half ? lower.value()[i] : upper.value()[i - half];
            assertThat(whole.value()[i]).as("θ[%d]", i).isEqualTo(expected);
        }
    }
}
