package dev.eddy.core.network;

import dev.eddy.core.activation.Activation;
import dev.eddy.core.init.Initializer;
import java.util.Objects;

/**
 * One dense layer of a {@link NetworkSpec}: {@code units} outputs, the activation, the kernel
 * initializer (biases start at 0), optional batch normalization before the activation and optional
 * inverted dropout (rate in [0, 1), 0 = none) after it.
 */
public record LayerSpec(
        int units, Activation activation, Initializer kernelInitializer, boolean batchNorm, double dropout) {

    public LayerSpec {
        if (units < 1) {
            throw new IllegalArgumentException("units must be >= 1, got " + units);
        }
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(kernelInitializer, "kernelInitializer");
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    /** A plain dense layer: Glorot-uniform kernel (the Keras default), no batch normalization, no dropout. */
    public static LayerSpec dense(int units, Activation activation) {
        return new LayerSpec(units, activation, Initializer.GLOROT_UNIFORM, false, 0.0);
    }

    public LayerSpec withInitializer(Initializer initializer) {
        return new LayerSpec(units, activation, initializer, batchNorm, dropout);
    }

    public LayerSpec withBatchNorm() {
        return new LayerSpec(units, activation, kernelInitializer, true, dropout);
    }

    public LayerSpec withDropout(double rate) {
        return new LayerSpec(units, activation, kernelInitializer, batchNorm, rate);
    }
}
