package dev.eddy.core.activation;

import java.util.Map;

/**
 * An activation h = f(z) applied to a row-major block of {@code rows × cols} values (one row per
 * example), with its backward pass dz = J_f(z)ᵀ · dh. Arrays may be longer than {@code rows·cols}
 * (grow-only work buffers); only the first {@code rows·cols} entries are read or written.
 */
public interface Activation {

    /** The name used in specs and the golden files, e.g. {@code leaky_relu}. */
    String name();

    /** The parameters that, with {@link #name()}, recreate this activation via {@link Activations#create}. */
    Map<String, Double> params();

    /** h = f(z). {@code h} may be the same array as {@code z} (in place). */
    void forward(double[] z, double[] h, int rows, int cols);

    /**
     * dz = J_f(z)ᵀ · dh row by row, given z and h = f(z) of the matching forward call. {@code dz} may be
     * the same array as {@code dh}.
     */
    void backward(double[] z, double[] h, double[] dh, double[] dz, int rows, int cols);

    /**
     * Whether f(z) and the backward dz are exactly floats whenever z and dh are floats (relu, linear: a float, 0 or
     * dh·1): a float32 layer then has nothing to round after this activation. Default false.
     */
    default boolean preservesFloats() {
        return false;
    }
}
