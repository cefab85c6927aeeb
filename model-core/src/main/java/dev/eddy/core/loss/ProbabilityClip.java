package dev.eddy.core.loss;

/**
 * The cross-entropy clip p = min(max(ŷ, ε), 1 − ε) with ε = 1e-7 (Keras 3); its derivative is 1 on
 * the closed interval [ε, 1 − ε] and 0 outside.
 */
final class ProbabilityClip {
    static final double EPSILON = 1e-7;
    static final double ONE_MINUS_EPSILON = 1.0 - EPSILON;

    private ProbabilityClip() {}

    static double clip(double p) {
        return Math.min(Math.max(p, EPSILON), ONE_MINUS_EPSILON);
    }

    static boolean inside(double p) {
        return p >= EPSILON && p <= ONE_MINUS_EPSILON;
    }
}
