package dev.eddy.core.drift;

import dev.eddy.core.init.Xoshiro256;
import java.util.function.LongToDoubleFunction;

/** The replayed sequences of the drift tests: per-example error probabilities drawn with fixed seeds. */
final class Sequences {

    private Sequences() {}

    /** 0/1 errors, error i drawn with probability rate(i). */
    static double[] bernoulli(long seed, int length, LongToDoubleFunction rate) {
        Xoshiro256 rng = new Xoshiro256(seed);
        double[] x = new double[length];
        for (int i = 0; i < length; i++) {
            x[i] = rng.nextDouble() < rate.applyAsDouble(i) ? 1 : 0;
        }
        return x;
    }

    /** Stationary: error rate 0.2 throughout. */
    static double[] stationary(long seed, int length) {
        return bernoulli(seed, length, i -> 0.2);
    }

    /** Abrupt shifts of the error rate: 0.1, then 0.4 from 5,000, 0.1 from 10,000 (better), 0.6 from 15,000. */
    static double[] abrupt(long seed) {
        return bernoulli(seed, 20_000, i -> i < 5_000 ? 0.1 : i < 10_000 ? 0.4 : i < 15_000 ? 0.1 : 0.6);
    }

    /** A gradual shift: 0.1 until 5,000, rising linearly to 0.5 at 10,000, then 0.5 until 15,000. */
    static double[] gradual(long seed) {
        return bernoulli(seed, 15_000, i -> i < 5_000 ? 0.1 : i < 10_000 ? 0.1 + 0.4 * (i - 5_000) / 5_000.0 : 0.5);
    }

    /** Noisy errors with a small shift: 0.35, then 0.45 from 10,000. */
    static double[] noisy(long seed) {
        return bernoulli(seed, 20_000, i -> i < 10_000 ? 0.35 : 0.45);
    }

    /** Values in [0, 1]: uniform on [0, 0.5], then on [0.2, 0.7] from 5,000. */
    static double[] realValued(long seed) {
        Xoshiro256 rng = new Xoshiro256(seed);
        double[] x = new double[10_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i < 5_000 ? 0 : 0.2) + 0.5 * rng.nextDouble();
        }
        return x;
    }
}
