package dev.eddy.core.optim;

/**
 * Adamax, torch {@code Adamax} semantics (ε inside the max):
 *
 * <pre>
 * m ← β1·m + (1 − β1)·g
 * u ← max(β2·u, |g| + ε)
 * θ ← θ − (lr / (1 − β1^t)) · m / u
 * </pre>
 */
public final class Adamax extends ElementwiseOptimizer {

    private final double beta1;
    private final double beta2;
    private final double eps;

    /**
     * @param beta1 β1 in [0, 1) (torch default 0.9)
     * @param beta2 β2 in [0, 1) (torch default 0.999)
     * @param eps ε ≥ 0 (torch default 1e-8)
     */
    public Adamax(double beta1, double beta2, double eps) {
        super(2);
        this.beta1 = HyperParameters.unitInterval("beta1", beta1);
        this.beta2 = HyperParameters.unitInterval("beta2", beta2);
        this.eps = HyperParameters.nonNegative("eps", eps);
    }

    @Override
    public String name() {
        return "adamax";
    }

    @Override
    protected void update(double[] theta, double[] g, double[][] s, long t, double lr, int from, int to) {
        double[] m = s[0];
        double[] u = s[1];
        double clr = lr / (1 - Powers.integer(beta1, t));
        for (int j = from; j < to; j++) {
            m[j] = beta1 * m[j] + (1 - beta1) * g[j];
            u[j] = Math.max(beta2 * u[j], Math.abs(g[j]) + eps);
            theta[j] -= clr * (m[j] / u[j]);
        }
    }
}
