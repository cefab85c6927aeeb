package dev.eddy.core.activation;

import java.util.Map;

/**
 * Row-wise softmax: s_j = e^{x_j − m} / Σ_k e^{x_k − m} with m = max_k x_k (shifting by the maximum
 * avoids overflow and changes nothing). Jacobian J_jk = s_j(δ_jk − s_k), so the backward pass is
 * dz_j = s_j · (dh_j − Σ_k s_k·dh_k).
 */
public final class Softmax implements Activation {

    @Override
    public String name() {
        return "softmax";
    }

    @Override
    public Map<String, Double> params() {
        return Map.of();
    }

    @Override
    public void forward(double[] z, double[] h, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int start = r * cols;
            int end = start + cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = start; i < end; i++) {
                max = Math.max(max, z[i]);
            }
            double sum = 0.0;
            for (int i = start; i < end; i++) {
                double e = StrictMath.exp(z[i] - max);
                h[i] = e;
                sum += e;
            }
            for (int i = start; i < end; i++) {
                h[i] /= sum;
            }
        }
    }

    @Override
    public void backward(double[] z, double[] h, double[] dh, double[] dz, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int start = r * cols;
            int end = start + cols;
            double dot = 0.0;
            for (int i = start; i < end; i++) {
                dot += h[i] * dh[i];
            }
            for (int i = start; i < end; i++) {
                dz[i] = h[i] * (dh[i] - dot);
            }
        }
    }

    /** The full Jacobian J_jk = ∂s_j/∂x_k = s_j(δ_jk − s_k) of one vector x (for tests and diagnostics). */
    public double[][] jacobian(double[] x) {
        int n = x.length;
        double[] s = new double[n];
        forward(x, s, 1, n);
        double[][] jac = new double[n][n];
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < n; k++) {
                jac[j][k] = s[j] * ((j == k ? 1.0 : 0.0) - s[k]);
            }
        }
        return jac;
    }

    @Override
    public String toString() {
        return name();
    }
}
