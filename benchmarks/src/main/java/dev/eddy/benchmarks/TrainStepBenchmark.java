package dev.eddy.benchmarks;

import dev.eddy.core.activation.Activations;
import dev.eddy.core.kernel.Precision;
import dev.eddy.core.layer.KernelPenalty;
import dev.eddy.core.loss.Loss;
import dev.eddy.core.loss.Losses;
import dev.eddy.core.network.LayerSpec;
import dev.eddy.core.network.Network;
import dev.eddy.core.network.NetworkSpec;
import dev.eddy.core.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step, forward + backward + Adam update, of the three benchmark nets on a fixed random
 * batch. JMH's primary score is steps/s; the {@code examples} counter is examples/s (= steps/s ·
 * batch), the figure compared with PyTorch by {@code benchmarks/run.sh}. {@code precision} selects the float64 (default)
 * or float32 path; in float32 the inputs are rounded to floats by the network, as a float32 model gets them.
 *
 * <ul>
 *   <li>small: 8-32-16-1, relu hidden layers, sigmoid output, binary cross-entropy
 *   <li>medium: 64-128-10, relu hidden layer, softmax output, categorical cross-entropy
 *   <li>large: 784-256-128-10, relu hidden layers, softmax output, categorical cross-entropy
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrainStepBenchmark {

    @Param({"small", "medium", "large"})
    public String net;

    @Param({"1", "32", "256"})
    public int batch;

    /** {@code float64} (the default) or {@code float32}: {@code benchmarks/run-float32.sh} runs both. */
    @Param({"float64"})
    public String precision;

    private Precision numbers;

    private Network network;
    private Loss loss;
    private Adam adam;
    private DMatrixRMaj x;
    private DMatrixRMaj y;

    /** Examples trained, reported by JMH as a rate (examples/s). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Examples {
        public long examples;
    }

    @Setup(Level.Trial)
    public void setUp() {
        int[] sizes;
        String output;
        switch (net) {
            case "small":
                sizes = new int[] {8, 32, 16, 1};
                output = "sigmoid";
                loss = Losses.create("binary_crossentropy");
                break;
            case "medium":
                sizes = new int[] {64, 128, 10};
                output = "softmax";
                loss = Losses.create("categorical_crossentropy");
                break;
            case "large":
                sizes = new int[] {784, 256, 128, 10};
                output = "softmax";
                loss = Losses.create("categorical_crossentropy");
                break;
            default:
                throw new IllegalArgumentException("net must be small, medium or large, got " + net);
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (int l = 1; l < sizes.length; l++) {
            String activation = l == sizes.length - 1 ? output : "relu";
            layers.add(LayerSpec.dense(sizes[l], Activations.create(activation)));
        }
        numbers = Precision.parse("precision", precision);
        network = Network.build(new NetworkSpec(sizes[0], layers, KernelPenalty.NONE, numbers), 7L);
        adam = new Adam(0.9, 0.999, 1e-8, false);

        Random rnd = new Random(11);
        int outputs = sizes[sizes.length - 1];
        x = new DMatrixRMaj(batch, sizes[0]);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = rnd.nextGaussian();
        }
        y = new DMatrixRMaj(batch, outputs);
        for (int r = 0; r < batch; r++) {
            // a class index for softmax outputs, a 0/1 label for the single sigmoid output
            int hot = outputs == 1 ? 0 : rnd.nextInt(outputs);
            y.set(r, hot, outputs == 1 ? rnd.nextInt(2) : 1.0);
        }
    }

    @Benchmark
    public double trainStep(Examples counter) {
        double value = network.computeGradients(x, y, loss);
        adam.step(network.parameters(), 1e-3, numbers);
        counter.examples += batch;
        return value;
    }
}
