package dev.eddy.core.activation;

import java.util.Map;

/**
 * SELU with torch's full-precision constants: f(x) = λ·x for x > 0, λα(e^x − 1) otherwise; f'(x) = λ
 * for x > 0, λα·e^x otherwise (λα at 0).
 */
public final class Selu extends ElementwiseActivation {
    /** α = 1.6732632423543772848170429916717. */
    public static final double ALPHA = 1.6732632423543772;
    /** λ = 1.0507009873554804934193349852946. */
    public static final double SCALE = 1.0507009873554805;

    @Override
    public String name() {
        return "selu";
    }

    @Override
    public Map<String, Double> params() {
        return Map.of("alpha", ALPHA, "scale", SCALE);
    }

    @Override
    public double value(double x) {
        return SCALE * (x > 0 ? x : ALPHA * StrictMath.expm1(x));
    }

    @Override
    public double derivative(double x, double y) {
        return SCALE * (x > 0 ? 1.0 : ALPHA * StrictMath.exp(x));
    }
}
