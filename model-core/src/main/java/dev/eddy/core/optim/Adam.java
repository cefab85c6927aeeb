package dev.eddy.core.optim;

/**
 * Adam and AMSGrad, torch {@code Adam} semantics (ε added to the bias-corrected √w, not to √w):
 *
 * <pre>
 * m ← β1·m + (1 − β1)·g
 * v ← β2·v + (1 − β2)·g²
 * amsgrad: vmax ← max(vmax, v); w = vmax      otherwise: w = v
 * θ ← θ − (lr / (1 − β1^t)) · m / (√w / √(1 − β2^t) + ε)
 * </pre>
 *
 * {@link AdamW} reuses this rule after its decoupled weight decay.
 */
public class Adam extends ElementwiseOptimizer {

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final boolean amsgrad;

    /**
     * @param beta1 β1 in [0, 1) (torch default 0.9)
     * @param beta2 β2 in [0, 1) (torch default 0.999)
     * @param eps ε ≥ 0 (torch default 1e-8)
     * @param amsgrad use the running maximum of v (AMSGrad)
     */
    public Adam(double beta1, double beta2, double eps, boolean amsgrad) {
        super(amsgrad ? 3 : 2);
        this.beta1 = HyperParameters.unitInterval("beta1", beta1);
        this.beta2 = HyperParameters.unitInterval("beta2", beta2);
        this.eps = HyperParameters.nonNegative("eps", eps);
        this.amsgrad = amsgrad;
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    protected void update(double[] theta, double[] g, double[][] s, long t, double lr, int from, int to) {
        double[] m = s[0];
        double[] v = s[1];
        double[] w = amsgrad ? s[2] : v;
        double stepSize = lr / (1 - Powers.integer(beta1, t));
        double bc2Sqrt = Math.sqrt(1 - Powers.integer(beta2, t));
        // Once 1 − β2^t has rounded to 1 (t ≳ 37k for β2 = 0.999), √w / 1 = √w exactly: skipping the
        // division keeps the bits and saves a division per element (the test is loop-invariant, which
        // the JIT can hoist out of the loop).
        boolean corrected = bc2Sqrt != 1.0;
        for (int j = from; j < to; j++) {
            m[j] = beta1 * m[j] + (1 - beta1) * g[j];
            v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
            if (amsgrad) {
                w[j] = Math.max(w[j], v[j]);
            }
            double rms = corrected ? Math.sqrt(w[j]) / bc2Sqrt : Math.sqrt(w[j]);
            theta[j] -= stepSize * (m[j] / (rms + eps));
        }
    }
}
