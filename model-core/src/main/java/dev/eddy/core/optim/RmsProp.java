package dev.eddy.core.optim;

/**
 * RMSprop, torch {@code RMSprop} semantics (ρ is torch's {@code alpha}; ε outside the square root):
 *
 * <pre>
 * v ← ρ·v + (1 − ρ)·g²
 * centered:  a ← ρ·a + (1 − ρ)·g;  denom = √(v − a²) + ε
 * otherwise: denom = √v + ε
 * momentum μ &gt; 0: buf ← μ·buf + g/denom;  θ ← θ − lr·buf
 * otherwise:      θ ← θ − lr·g/denom
 * </pre>
 */
public final class RmsProp extends ElementwiseOptimizer {

    private final double rho;
    private final double eps;
    private final double momentum;
    private final boolean centered;

    /**
     * @param rho decay ρ of the squared-gradient average, in [0, 1] (torch default 0.99)
     * @param eps ε ≥ 0 (torch default 1e-8)
     * @param momentum μ ≥ 0 (0 disables the momentum buffer)
     * @param centered divide by the estimated variance √(v − a²) instead of √v
     */
    public RmsProp(double rho, double eps, double momentum, boolean centered) {
        super(1 + (centered ? 1 : 0) + (momentum > 0 ? 1 : 0));
        this.rho = HyperParameters.closedUnitInterval("rho", rho);
        this.eps = HyperParameters.nonNegative("eps", eps);
        this.momentum = HyperParameters.nonNegative("momentum", momentum);
        this.centered = centered;
    }

    @Override
    public String name() {
        return "rmsprop";
    }

    @Override
    protected void update(double[] theta, double[] g, double[][] s, long t, double lr, int from, int to) {
        double[] v = s[0];
        double[] a = centered ? s[1] : null;
        double[] buf = momentum > 0 ? s[s.length - 1] : null;
        for (int j = from; j < to; j++) {
            v[j] = rho * v[j] + (1 - rho) * g[j] * g[j];
            double denom;
            if (centered) {
                a[j] = rho * a[j] + (1 - rho) * g[j];
                denom = Math.sqrt(v[j] - a[j] * a[j]) + eps;
            } else {
                denom = Math.sqrt(v[j]) + eps;
            }
            if (momentum > 0) {
                buf[j] = momentum * buf[j] + g[j] / denom;
                theta[j] -= lr * buf[j];
            } else {
                theta[j] -= lr * (g[j] / denom);
            }
        }
    }
}
