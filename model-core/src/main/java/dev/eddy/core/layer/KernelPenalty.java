package dev.eddy.core.layer;

/**
 * Keras kernel regularizer: penalty P(W) = l1·Σ|W_ij| + l2·Σ W_ij² (no factor ½, added once per batch,
 * kernels only) with gradient ∂P/∂W = l1·sign(W) + 2·l2·W (sign(0) = 0).
 */
public record KernelPenalty(double l1, double l2) {
    /** No penalty. */
    public static final KernelPenalty NONE = new KernelPenalty(0.0, 0.0);

    public KernelPenalty {
        if (!(l1 >= 0 && l1 < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("l1 must be finite and >= 0, got " + l1);
        }
        if (!(l2 >= 0 && l2 < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
        }
    }

    public boolean isZero() {
        return l1 == 0.0 && l2 == 0.0;
    }

    /** P(W). */
    public double value(double[] kernel) {
        if (isZero()) {
            return 0.0;
        }
        double abs = 0.0;
        double sq = 0.0;
        for (double w : kernel) {
            abs += Math.abs(w);
            sq += w * w;
        }
        return l1 * abs + l2 * sq;
    }

    /** grad += l1·sign(W) + 2·l2·W. */
    public void addGradient(double[] kernel, double[] grad) {
        if (isZero()) {
            return;
        }
        double twoL2 = 2.0 * l2;
        for (int i = 0; i < kernel.length; i++) {
            grad[i] += l1 * Math.signum(kernel[i]) + twoL2 * kernel[i];
        }
    }
}
