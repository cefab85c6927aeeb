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
import java.util.function.LongSupplier;
import org.ejml.data.DMatrixRMaj;

/**
 * One training step of a benchmark net on a fixed random batch: forward, backward and an Adam update (lr 1e-3). The
 * nets, with relu hidden layers:
 *
 * <ul>
 *   <li>small: 8-32-16-1, sigmoid output, binary cross-entropy
 *   <li>medium: 64-128-10, softmax output, categorical cross-entropy
 *   <li>large: 784-256-128-10, softmax output, categorical cross-entropy
 * </ul>
 *
 * In float32 the network reads the inputs as floats, as a float32 model gets them. As a {@link LongSupplier} it
 * times a block of about 2,560 examples and returns nanoseconds per step ({@link TrainStepAlternation}).
 */
public final class TrainStep implements LongSupplier {

    /** The benchmark nets by name. */
    static final List<String> NETS = List.of("small", "medium", "large");

    private final Network network;
    private final Loss loss;
    private final Adam adam = new Adam(0.9, 0.999, 1e-8, false);
    private final Precision precision;
    private final DMatrixRMaj x;
    private final DMatrixRMaj y;
    private final int stepsPerBlock;

    /**
     * @param net {@code small}, {@code medium} or {@code large}
     * @param precision {@code float64} or {@code float32}
     * @throws IllegalArgumentException naming an unknown net or precision
     */
    public TrainStep(String net, int batch, String precision) {
        int[] sizes =
                switch (net) {
                    case "small" -> new int[] {8, 32, 16, 1};
                    case "medium" -> new int[] {64, 128, 10};
                    case "large" -> new int[] {784, 256, 128, 10};
                    default -> throw new IllegalArgumentException(
                            "net must be small, medium or large, got '" + net + "'");
                };
        int outputs = sizes[sizes.length - 1];
        this.loss = Losses.create(outputs == 1 ? "binary_crossentropy" : "categorical_crossentropy");
        this.precision = Precision.parse("precision", precision);
        List<LayerSpec> layers = new ArrayList<>();
        for (int l = 1; l < sizes.length; l++) {
            String activation = l < sizes.length - 1 ? "relu" : outputs == 1 ? "sigmoid" : "softmax";
            layers.add(LayerSpec.dense(sizes[l], Activations.create(activation)));
        }
        this.network = Network.build(new NetworkSpec(sizes[0], layers, KernelPenalty.NONE, this.precision), 7L);
        Random random = new Random(11);
        this.x = new DMatrixRMaj(batch, sizes[0]);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = random.nextGaussian();
        }
        this.y = new DMatrixRMaj(batch, outputs);
        for (int r = 0; r < batch; r++) {
            // a class index for softmax outputs, a 0/1 label for the single sigmoid output
            int hot = outputs == 1 ? 0 : random.nextInt(outputs);
            y.set(r, hot, outputs == 1 ? random.nextInt(2) : 1.0);
        }
        this.stepsPerBlock = stepsPerBlock(batch);
    }

    /** Steps per timed block: about 2,560 examples, at least one step. */
    static int stepsPerBlock(int batch) {
        return Math.max(1, 2560 / batch);
    }

    /** One step; returns the loss before it. */
    public double step() {
        double value = network.computeGradients(x, y, loss);
        adam.step(network.parameters(), 1e-3, precision);
        return value;
    }

    /** Times {@link #stepsPerBlock} steps: nanoseconds per step. */
    @Override
    public long getAsLong() {
        long start = System.nanoTime();
        for (int s = 0; s < stepsPerBlock; s++) {
            step();
        }
        return (System.nanoTime() - start) / stepsPerBlock;
    }
}
