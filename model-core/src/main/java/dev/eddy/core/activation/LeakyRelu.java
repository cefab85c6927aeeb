package dev.eddy.core.activation;

import java.util.Map;

/** Leaky ReLU: f(x) = x for x > 0, α·x otherwise; f'(x) = 1 for x > 0, α otherwise (α at 0). */
public final class LeakyRelu extends ElementwiseActivation {
    private final double alpha;

    public LeakyRelu(double alpha) {
        if (!Double.isFinite(alpha)) {
            throw new IllegalArgumentException("leaky_relu alpha must be a finite number, got " + alpha);
        }
        this.alpha = alpha;
    }

    @Override
    public String name() {
        return "leaky_relu";
    }

    @Override
    public Map<String, Double> params() {
        return Map.of("alpha", alpha);
    }

    @Override
    public double value(double x) {
        return x > 0 ? x : alpha * x;
    }

    @Override
    public double derivative(double x, double y) {
        return x > 0 ? 1.0 : alpha;
    }
}
