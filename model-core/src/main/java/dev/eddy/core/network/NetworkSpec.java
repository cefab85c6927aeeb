package dev.eddy.core.network;

import dev.eddy.core.activation.Softmax;
import dev.eddy.core.kernel.Precision;
import dev.eddy.core.layer.KernelPenalty;
import java.util.List;
import java.util.Objects;

/**
 * The architecture of a dense network: input width, layers in order, and the kernel penalty applied to
 * every layer's kernel (golden README §5.2), and the precision it computes in. Softmax is only allowed on the
 * output layer.
 */
public record NetworkSpec(int inputSize, List<LayerSpec> layers, KernelPenalty penalty, Precision precision) {

    public NetworkSpec {
        if (inputSize < 1) {
            throw new IllegalArgumentException("inputSize must be >= 1, got " + inputSize);
        }
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer, got none");
        }
        Objects.requireNonNull(penalty, "penalty");
        Objects.requireNonNull(precision, "precision");
        for (int l = 0; l < layers.size() - 1; l++) {
            if (layers.get(l).activation() instanceof Softmax) {
                throw new IllegalArgumentException(
                        "softmax is only supported on the output layer, found it on hidden layer " + l);
            }
        }
    }

    /** In float64. */
    public NetworkSpec(int inputSize, List<LayerSpec> layers, KernelPenalty penalty) {
        this(inputSize, layers, penalty, Precision.FLOAT64);
    }

    /** Without kernel penalty, in float64. */
    public NetworkSpec(int inputSize, List<LayerSpec> layers) {
        this(inputSize, layers, KernelPenalty.NONE);
    }

    /** Width of the network output. */
    public int outputSize() {
        return layers.get(layers.size() - 1).units();
    }
}
