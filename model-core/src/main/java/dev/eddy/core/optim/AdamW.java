package dev.eddy.core.optim;

/**
 * AdamW, torch {@code AdamW} semantics: decoupled weight decay on every parameter (biases
 * included), then exactly the {@link Adam} rule with the same g (the decay is not part of g, m or v):
 *
 * <pre>
 * θ ← θ · (1 − lr·weightDecay)
 * θ ← Adam(θ, g)
 * </pre>
 */
public final class AdamW extends Adam {

    private final double weightDecay;

    /**
     * @param beta1 β1 in [0, 1) (torch default 0.9)
     * @param beta2 β2 in [0, 1) (torch default 0.999)
     * @param eps ε ≥ 0 (torch default 1e-8)
     * @param weightDecay decoupled decay coefficient ≥ 0 (torch default 0.01)
     * @param amsgrad use the running maximum of v (AMSGrad)
     */
    public AdamW(double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        super(beta1, beta2, eps, amsgrad);
        this.weightDecay = HyperParameters.nonNegative("weightDecay", weightDecay);
    }

    @Override
    public String name() {
        return "adamw";
    }

    @Override
    protected void update(double[] theta, double[] g, double[][] s, long t, double lr, int from, int to) {
        double keep = 1 - lr * weightDecay;
        for (int j = from; j < to; j++) {
            theta[j] *= keep;
        }
        super.update(theta, g, s, t, lr, from, to);
    }
}
