package dev.eddy.core.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Nadam, torch {@code NAdam} semantics with the momentum schedule μ_t (ψ = momentumDecay):
 *
 * <pre>
 * μ_t = β1·(1 − ½·0.96^(t·ψ)),  μ_{t+1} = β1·(1 − ½·0.96^((t+1)·ψ))
 * Π_t = Π_{t−1}·μ_t             (Π_0 = 1, one scalar for all parameters)
 * m ← β1·m + (1 − β1)·g
 * v ← β2·v + (1 − β2)·g²
 * denom = √(v / (1 − β2^t)) + ε
 * θ ← θ − lr·(1 − μ_t)/(1 − Π_t) · g/denom − lr·μ_{t+1}/(1 − Π_t·μ_{t+1}) · m/denom
 * </pre>
 */
public final class Nadam extends ElementwiseOptimizer {

    private static final double LN_0_96 = StrictMath.log(0.96);

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double momentumDecay;
    /** Π_t after {@link #beginStep}; Π_0 = 1. Saved with the state. */
    private double muProduct = 1;

    private double mu;
    private double muNext;

    /**
     * @param beta1 β1 in [0, 1) (torch default 0.9)
     * @param beta2 β2 in [0, 1) (torch default 0.999)
     * @param eps ε ≥ 0 (torch default 1e-8)
     * @param momentumDecay ψ ≥ 0 (torch default 0.004)
     */
    public Nadam(double beta1, double beta2, double eps, double momentumDecay) {
        super(2);
        this.beta1 = HyperParameters.unitInterval("beta1", beta1);
        this.beta2 = HyperParameters.unitInterval("beta2", beta2);
        this.eps = HyperParameters.nonNegative("eps", eps);
        this.momentumDecay = HyperParameters.nonNegative("momentumDecay", momentumDecay);
    }

    @Override
    public String name() {
        return "nadam";
    }

    @Override
    protected void beginStep(long t) {
        // μ_t = β1·(1 − ½·0.96^(tψ)), with 0.96^(tψ) = e^(tψ·ln 0.96)
        mu = beta1 * (1 - 0.5 * StrictMath.exp(t * momentumDecay * LN_0_96));
        muNext = beta1 * (1 - 0.5 * StrictMath.exp((t + 1) * momentumDecay * LN_0_96));
        muProduct *= mu;
    }

    @Override
    protected void update(double[] theta, double[] g, double[][] s, long t, double lr, int from, int to) {
        double[] m = s[0];
        double[] v = s[1];
        double bc2 = 1 - Powers.integer(beta2, t);
        double gradStep = lr * (1 - mu) / (1 - muProduct);
        double momentumStep = lr * muNext / (1 - muProduct * muNext);
        for (int j = from; j < to; j++) {
            m[j] = beta1 * m[j] + (1 - beta1) * g[j];
            v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
            double denom = Math.sqrt(v[j] / bc2) + eps;
            theta[j] -= gradStep * (g[j] / denom);
            theta[j] -= momentumStep * (m[j] / denom);
        }
    }

    @Override
    protected void writeScalars(DataOutput out) throws IOException {
        out.writeDouble(muProduct);
    }

    @Override
    protected void readScalars(DataInput in) throws IOException {
        muProduct = in.readDouble();
    }
}
