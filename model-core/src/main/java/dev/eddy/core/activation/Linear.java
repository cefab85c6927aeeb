package dev.eddy.core.activation;

/** Identity: f(x) = x, f'(x) = 1. */
public final class Linear extends ElementwiseActivation {

    @Override
    public String name() {
        return "linear";
    }

    @Override
    public double value(double x) {
        return x;
    }

    @Override
    public double derivative(double x, double y) {
        return 1.0;
    }

    /** z and dh·1 of floats are floats. */
    @Override
    public boolean preservesFloats() {
        return true;
    }
}
