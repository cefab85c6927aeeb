package dev.eddy.core.activation;

import dev.eddy.core.kernel.TwoThreads;

/**
 * Rectified linear unit: f(x) = max(x, 0), f'(x) = [x > 0] (0 at the kink, torch's convention). A NaN input gives
 * NaN, as in torch, so a diverging layer shows in the loss instead of being masked.
 */
public final class Relu extends ElementwiseActivation {

    @Override
    public String name() {
        return "relu";
    }

    @Override
    public double value(double x) {
        return Math.max(x, 0.0);
    }

    @Override
    public double derivative(double x, double y) {
        return x > 0 ? 1.0 : 0.0;
    }

    /**
     * The loop of the base class with f inlined: {@code Math.max} vectorizes, where a per-element branch does not
     * (a large layer's rows over two threads, as in the base class).
     */
    @Override
    public void forward(double[] z, double[] h, int rows, int cols) {
        int n = rows * cols;
        if (TwoThreads.splits(n)) {
            TwoThreads.run(n, 1, (from, to) -> values(z, h, from, to));
        } else {
            values(z, h, 0, n);
        }
    }

    private static void values(double[] z, double[] h, int from, int to) {
        for (int i = from; i < to; i++) {
            h[i] = Math.max(z[i], 0.0);
        }
    }

    /** The loop of the base class with f' inlined, dz = dh·[z &gt; 0] (dh·0 keeps its sign, as there). */
    @Override
    public void backward(double[] z, double[] h, double[] dh, double[] dz, int rows, int cols) {
        int n = rows * cols;
        if (TwoThreads.splits(n)) {
            TwoThreads.run(n, 1, (from, to) -> gradients(z, dh, dz, from, to));
        } else {
            gradients(z, dh, dz, 0, n);
        }
    }

    private static void gradients(double[] z, double[] dh, double[] dz, int from, int to) {
        for (int i = from; i < to; i++) {
            dz[i] = dh[i] * (z[i] > 0 ? 1.0 : 0.0);
        }
    }

    /** max(z, 0) of a float and dh·[z &gt; 0] (dh·1 or dh·0) of a float are floats. */
    @Override
    public boolean preservesFloats() {
        return true;
    }
}
