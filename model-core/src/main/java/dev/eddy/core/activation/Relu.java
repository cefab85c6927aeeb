package dev.eddy.core.activation;

/** Rectified linear unit: f(x) = max(x, 0), f'(x) = [x > 0] (0 at the kink, torch's convention). */
public final class Relu extends ElementwiseActivation {

    @Override
    public String name() {
        return "relu";
    }

    @Override
    public double value(double x) {
        return x > 0 ? x : 0.0;
    }

    @Override
    public double derivative(double x, double y) {
        return x > 0 ? 1.0 : 0.0;
    }
}
