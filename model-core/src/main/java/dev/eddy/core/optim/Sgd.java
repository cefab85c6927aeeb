package dev.eddy.core.optim;

/**
 * Stochastic gradient descent with optional (Nesterov) momentum, torch {@code SGD} semantics:
 *
 * <pre>
 * momentum = 0:  d = g
 * otherwise:     buf = g on the first step, then buf ← μ·buf + (1 − dampening)·g
 *                d = nesterov ? g + μ·buf : buf
 * θ ← θ − lr·d
 * </pre>
 */
public final class Sgd extends ElementwiseOptimizer {

    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    /**
     * @param momentum μ ≥ 0 (0 disables the momentum buffer)
     * @param dampening in [0, 1]; must be 0 with Nesterov momentum
     * @param nesterov use Nesterov momentum (requires μ &gt; 0)
     */
    public Sgd(double momentum, double dampening, boolean nesterov) {
        super(momentum > 0 ? 1 : 0);
        this.momentum = HyperParameters.nonNegative("momentum", momentum);
        this.dampening = HyperParameters.closedUnitInterval("dampening", dampening);
        this.nesterov = nesterov;
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("nesterov requires momentum > 0 and dampening = 0, got momentum "
                    + momentum + " and dampening " + dampening);
        }
    }

    /** Plain SGD: θ ← θ − lr·g. */
    public Sgd() {
        this(0, 0, false);
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    protected void update(double[] theta, double[] g, double[][] s, long t, double lr, int from, int to) {
        if (momentum == 0) {
            for (int j = from; j < to; j++) {
                theta[j] -= lr * g[j];
            }
            return;
        }
        double[] buf = s[0];
        for (int j = from; j < to; j++) {
            buf[j] = t == 1 ? g[j] : momentum * buf[j] + (1 - dampening) * g[j];
            double d = nesterov ? g[j] + momentum * buf[j] : buf[j];
            theta[j] -= lr * d;
        }
    }
}
