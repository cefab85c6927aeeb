package dev.eddy.core.optim;

import java.util.Objects;

/**
 * One trainable tensor (a kernel or a bias) flattened row-major, with its gradient buffer of the
 * same length. Layers own the arrays; optimizers update {@code value} in place from {@code grad}.
 *
 * @param name stable, unique name such as {@code dense0.kernel}, used to match saved state
 * @param value the parameter values θ
 * @param grad the gradient ∂L/∂θ of the last backward pass
 */
public record Parameter(String name, double[] value, double[] grad) {
    public Parameter {
        Objects.requireNonNull(name, "name");
        if (value.length != grad.length) {
            throw new IllegalArgumentException(
                    "parameter " + name + ": value has " + value.length + " elements but grad has " + grad.length);
        }
    }

    public int size() {
        return value.length;
    }
}
