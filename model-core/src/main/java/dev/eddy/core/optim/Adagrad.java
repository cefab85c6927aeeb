package dev.eddy.core.optim;

import java.util.Arrays;

/**
 * Adagrad, torch {@code Adagrad} semantics (ε outside the square root):
 *
 * <pre>
 * s ← s + g²                      (s starts at initialAccumulatorValue)
 * clr = lr / (1 + (t − 1)·lrDecay)
 * θ ← θ − clr · g / (√s + ε)
 * </pre>
 */
public final class Adagrad extends ElementwiseOptimizer {

    private final double lrDecay;
    private final double initialAccumulatorValue;
    private final double eps;

    /**
     * @param lrDecay learning-rate decay ≥ 0 (torch default 0)
     * @param initialAccumulatorValue initial value of every element of s, ≥ 0 (torch default 0)
     * @param eps ε ≥ 0 added to √s (torch default 1e-10)
     */
    public Adagrad(double lrDecay, double initialAccumulatorValue, double eps) {
        super(1);
        this.lrDecay = HyperParameters.nonNegative("lrDecay", lrDecay);
        this.initialAccumulatorValue = HyperParameters.nonNegative("initialAccumulatorValue", initialAccumulatorValue);
        this.eps = HyperParameters.nonNegative("eps", eps);
    }

    @Override
    public String name() {
        return "adagrad";
    }

    @Override
    protected void initialize(double[][] s) {
        Arrays.fill(s[0], initialAccumulatorValue);
    }

    @Override
    protected void update(double[] theta, double[] g, double[][] s, long t, double lr, int from, int to) {
        double[] sum = s[0];
        double clr = lr / (1 + (t - 1) * lrDecay);
        for (int j = from; j < to; j++) {
            sum[j] += g[j] * g[j];
            theta[j] -= clr * (g[j] / (Math.sqrt(sum[j]) + eps));
        }
    }
}
