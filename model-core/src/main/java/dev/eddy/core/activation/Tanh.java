package dev.eddy.core.activation;

/** Hyperbolic tangent: f(x) = tanh x, f'(x) = 1 − tanh² x. */
public final class Tanh extends ElementwiseActivation {

    @Override
    public String name() {
        return "tanh";
    }

    @Override
    public double value(double x) {
        return StrictMath.tanh(x);
    }

    @Override
    public double derivative(double x, double y) {
        return 1.0 - y * y;
    }
}
