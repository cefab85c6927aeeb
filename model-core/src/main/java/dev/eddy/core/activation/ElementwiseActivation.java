package dev.eddy.core.activation;

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

    @Override
    public void forward(double[] z, double[] h, int rows, int cols) {
        int n = rows * cols;
        for (int i = 0; i < n; i++) {
            h[i] = value(z[i]);
        }
    }

    @Override
    public void backward(double[] z, double[] h, double[] dh, double[] dz, int rows, int cols) {
        int n = rows * cols;
        for (int i = 0; i < n; i++) {
            dz[i] = dh[i] * derivative(z[i], h[i]);
        }
    }

    @Override
    public String toString() {
        return params().isEmpty() ? name() : name() + params();
    }
}
