package dev.eddy.core.activation;

/** Logistic sigmoid: f(x) = 1 / (1 + e^{−x}), f'(x) = f(x)(1 − f(x)). */
public final class Sigmoid extends ElementwiseActivation {

    @Override
    public String name() {
        return "sigmoid";
    }

    @Override
    public double value(double x) {
        return logistic(x);
    }

    @Override
    public double derivative(double x, double y) {
        return y * (1.0 - y);
    }

    /** σ(x) without overflow: for x < 0 use e^x / (1 + e^x), so e^{|x|} is never formed. */
    static double logistic(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + StrictMath.exp(-x));
        }
        double e = StrictMath.exp(x);
        return e / (1.0 + e);
    }
}
