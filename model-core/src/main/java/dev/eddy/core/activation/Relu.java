package dev.eddy.core.activation;

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

    /** The loop of the base class with f inlined: {@code Math.max} vectorizes, where a per-element branch does not. */
    @Override
    public void forward(double[] z, double[] h, int rows, int cols) {
        int n = rows * cols;
        for (int i = 0; i < n; i++) {
            h[i] = Math.max(z[i], 0.0);
        }
    }

    /** max(z, 0) of a float and dh·[z &gt; 0] (dh·1 or dh·0) of a float are floats. */
    @Override
    public boolean preservesFloats() {
        return true;
    }
}
