package dev.eddy.core.activation;

/**
 * Exact GELU: f(x) = x·Φ(x), f'(x) = Φ(x) + x·φ(x), with Φ(x) = ½·erfc(−x/√2) (accurate in the
 * left tail, where 1 + erf(x/√2) would cancel) and φ(x) = e^{−x²/2} / √(2π).
 */
public final class Gelu extends ElementwiseActivation {
    private static final double INV_SQRT2 = 0.7071067811865476;
    private static final double INV_SQRT_2PI = 0.3989422804014327;

    @Override
    public String name() {
        return "gelu";
    }

    @Override
    public double value(double x) {
        return x * cdf(x);
    }

    @Override
    public double derivative(double x, double y) {
        return cdf(x) + x * INV_SQRT_2PI * StrictMath.exp(-0.5 * x * x);
    }

    /** Standard normal CDF Φ(x) = ½·erfc(−x/√2). */
    static double cdf(double x) {
        return 0.5 * Erf.erfc(-x * INV_SQRT2);
    }
}
