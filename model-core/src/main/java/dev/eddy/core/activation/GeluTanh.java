package dev.eddy.core.activation;

/**
 * GELU, tanh approximation: f(x) = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³);
 * f'(x) = ½(1 + tanh u) + ½x(1 − tanh² u)·√(2/π)(1 + 3·0.044715x²).
 */
public final class GeluTanh extends ElementwiseActivation {
    private static final double SQRT_2_OVER_PI = 0.7978845608028654;
    private static final double C = 0.044715;

    @Override
    public String name() {
        return "gelu_tanh";
    }

    @Override
    public double value(double x) {
        return 0.5 * x * (1.0 + StrictMath.tanh(SQRT_2_OVER_PI * (x + C * x * x * x)));
    }

    @Override
    public double derivative(double x, double y) {
        double t = StrictMath.tanh(SQRT_2_OVER_PI * (x + C * x * x * x));
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3.0 * C * x * x);
    }
}
