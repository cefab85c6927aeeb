package dev.eddy.core.data.stream;

/** Validation of the generators' probability parameters. */
final class Probabilities {

    private Probabilities() {}

    /** p in [0, 1]. */
    static double check(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be a probability in [0, 1], got " + p);
        }
        return p;
    }

    /** Label noise in [0, 1): at 1 every label would be flipped, which is a different concept, not noise. */
    static double checkNoise(double noise) {
        if (!(noise >= 0 && noise < 1)) {
            throw new IllegalArgumentException("noise must be in [0, 1), got " + noise);
        }
        return noise;
    }
}
