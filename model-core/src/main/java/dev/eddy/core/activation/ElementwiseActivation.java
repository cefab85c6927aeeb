package dev.eddy.core.activation;

import dev.eddy.core.kernel.TwoThreads;
import java.util.Map;

/**
 * An activation applied to every element on its own: h_i = f(z_i), so its Jacobian is diagonal and
 * dz_i = f'(z_i) · dh_i. Subclasses state f and f' side by side.
 */
public abstract class ElementwiseActivation implements Activation {

    /** f(x). */
    public abstract double value(double x);

    /** f'(x), given y = f(x) (some derivatives are cheapest in terms of y). */
    public abstract double derivative(double x, double y);

    @Override
    public Map<String, Double> params() {
        return Map.of();
    }

    /** h = f(z), a large layer's rows over two threads ({@link TwoThreads}: elementwise, the same result). */
    @Override
    public void forward(double[] z, double[] h, int rows, int cols) {
        int n = rows * cols;
        if (TwoThreads.splits(n)) {
            TwoThreads.run(n, 1, (from, to) -> values(z, h, from, to));
        } else {
            values(z, h, 0, n);
        }
    }

    private void values(double[] z, double[] h, int from, int to) {
        for (int i = from; i < to; i++) {
            h[i] = value(z[i]);
        }
    }

    /** dz = dh·f'(z), over two threads as {@link #forward}. */
    @Override
    public void backward(double[] z, double[] h, double[] dh, double[] dz, int rows, int cols) {
        int n = rows * cols;
        if (TwoThreads.splits(n)) {
            TwoThreads.run(n, 1, (from, to) -> gradients(z, h, dh, dz, from, to));
        } else {
            gradients(z, h, dh, dz, 0, n);
        }
    }

    private void gradients(double[] z, double[] h, double[] dh, double[] dz, int from, int to) {
        for (int i = from; i < to; i++) {
            dz[i] = dh[i] * derivative(z[i], h[i]);
        }
    }

    @Override
    public String toString() {
        return params().isEmpty() ? name() : name() + params();
    }
}
