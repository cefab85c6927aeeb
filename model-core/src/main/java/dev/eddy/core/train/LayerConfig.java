package dev.eddy.core.train;

import java.util.Map;
import java.util.Objects;

/**
 * One dense layer of a {@link TrainerConfig}: z = h·W + b, then optional batch normalization of z,
 * then the activation, then optional (inverted) dropout with rate {@code dropout}.
 *
 * <p>Written in a config as {@code units:activation[:alpha=a][:batchnorm][:dropout=r]}, e.g.
 * {@code 64:leaky_relu:alpha=0.2:batchnorm:dropout=0.2}; {@link #toString()} gives that canonical
 * form.
 *
 * @param units number of outputs, at least 1
 * @param activation an activation name of {@link dev.eddy.core.activation.Activations#NAMES}
 * @param activationParams {@code {alpha}} for {@code leaky_relu} and {@code elu}, empty otherwise
 * @param batchNorm whether z is batch-normalized before the activation
 * @param dropout the drop probability in [0, 1) applied after the activation (0 = none)
 */
public record LayerConfig(
        int units, String activation, Map<String, Double> activationParams, boolean batchNorm, double dropout) {

    public LayerConfig {
        Objects.requireNonNull(activation, "activation");
        activationParams = Map.copyOf(activationParams);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder().append(units).append(':').append(activation);
        Double alpha = activationParams.get("alpha");
        if (alpha != null) {
            s.append(":alpha=").append(alpha);
        }
        if (batchNorm) {
            s.append(":batchnorm");
        }
        if (dropout > 0) {
            s.append(":dropout=").append(dropout);
        }
        return s.toString();
    }
}
