package dev.eddy.core.activation;

import java.util.Map;

/** ELU: f(x) = x for x > 0, α(e^x − 1) otherwise; f'(x) = 1 for x > 0, α·e^x otherwise (α at 0). */
public final class Elu extends ElementwiseActivation {
    private final double alpha;

    public Elu(double alpha) {
        if (!Double.isFinite(alpha)) {
            throw new IllegalArgumentException("elu alpha must be a finite number, got " + alpha);
        }
        this.alpha = alpha;
    }

    @Override
    public String name() {
        return "elu";
    }

    @Override
    public Map<String, Double> params() {
        return Map.of("alpha", alpha);
    }

    @Override
    public double value(double x) {
        return x > 0 ? x : alpha * StrictMath.expm1(x); // expm1 keeps relative accuracy for tiny |x|
    }

    @Override
    public double derivative(double x, double y) {
        return x > 0 ? 1.0 : alpha * StrictMath.exp(x);
    }
}
