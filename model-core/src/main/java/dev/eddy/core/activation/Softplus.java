package dev.eddy.core.activation;

/** Softplus: f(x) = ln(1 + e^x) = max(x, 0) + ln(1 + e^{−|x|}) (no overflow), f'(x) = σ(x). */
public final class Softplus extends ElementwiseActivation {

    @Override
    public String name() {
        return "softplus";
    }

    @Override
    public double value(double x) {
        return Math.max(x, 0.0) + StrictMath.log1p(StrictMath.exp(-Math.abs(x)));
    }

    @Override
    public double derivative(double x, double y) {
        return Sigmoid.logistic(x);
    }
}
