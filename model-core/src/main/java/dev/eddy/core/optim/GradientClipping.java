package dev.eddy.core.optim;

import java.util.List;

/**
 * Gradient clipping applied to the full gradient (data loss + penalties) of all parameters, after
 * the backward pass and before the optimizer update (golden README §5.3, torch semantics).
 */
public sealed interface GradientClipping {

    /** No clipping. */
    static GradientClipping none() {
        return new None();
    }

    /** torch {@code clip_grad_norm_}: g ← min(1, c / (N + 1e-6))·g, N = √(Σ g²) over all parameters. */
    static GradientClipping byGlobalNorm(double maxNorm) {
        return new GlobalNorm(maxNorm);
    }

    /** torch {@code clip_grad_value_}: every element g ← min(max(g, −c), c). */
    static GradientClipping byValue(double maxValue) {
        return new Value(maxValue);
    }

    /**
     * Clips the gradients of {@code params} in place.
     *
     * @return the global gradient norm N = √(Σ g²) over all parameters <em>before</em> clipping
     */
    double apply(List<Parameter> params);

    /** N = √(Σ g²) over every element of every parameter's gradient. */
    static double globalNorm(List<Parameter> params) {
        double sumOfSquares = 0;
        for (Parameter p : params) {
            for (double g : p.grad()) {
                sumOfSquares += g * g;
            }
        }
        return Math.sqrt(sumOfSquares);
    }

    /** Leaves gradients unchanged. */
    record None() implements GradientClipping {
        @Override
        public double apply(List<Parameter> params) {
            return globalNorm(params);
        }
    }

    /** Rescales all gradients together so that their global norm is at most {@code maxNorm}. */
    record GlobalNorm(double maxNorm) implements GradientClipping {

        /** Epsilon of torch's clip factor c / (N + 1e-6). */
        public static final double EPSILON = 1e-6;

        public GlobalNorm {
            HyperParameters.positive("maxNorm", maxNorm);
        }

        @Override
        public double apply(List<Parameter> params) {
            double norm = globalNorm(params);
            double factor = Math.min(1.0, maxNorm / (norm + EPSILON));
            if (factor < 1.0) {
                for (Parameter p : params) {
                    double[] g = p.grad();
                    for (int j = 0; j < g.length; j++) {
                        g[j] *= factor;
                    }
                }
            }
            return norm;
        }
    }

    /** Clamps every gradient element to [−maxValue, maxValue]. */
    record Value(double maxValue) implements GradientClipping {

        public Value {
            HyperParameters.positive("maxValue", maxValue);
        }

        @Override
        public double apply(List<Parameter> params) {
            double norm = globalNorm(params);
            for (Parameter p : params) {
                double[] g = p.grad();
                for (int j = 0; j < g.length; j++) {
                    g[j] = Math.min(Math.max(g[j], -maxValue), maxValue);
                }
            }
            return norm;
        }
    }
}
