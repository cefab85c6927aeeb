package dev.eddy.core.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.init.Xoshiro256;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * False alarms at the defaults on long stationary sequences: three seeds (11, 12, 13) of 100,000 values each,
 * 0/1 errors of rate 0.2, and for the detectors that take any value (the regression signal, a loss over its
 * mean) exponential losses of mean 1. The counts are deterministic; measured when written (drifts in 300,000):
 *
 * <pre>
 *                    0/1 errors: drifts, warnings      losses: drifts, warnings
 * adwin              0                0                (refused for regression)
 * page-hinkley       0                0                11 (3, 5, 3)      38
 * ddm                2  (0, 0, 2)     15,416 (zone)    (refused for regression)
 * kswin              5  (2, 1, 2)     151              483 (148, 187, 148)  2,043
 * </pre>
 *
 * DDM's warnings count every example inside its warning zone (MOA's semantics; 1,741, 13,374 and 301 for the
 * three seeds), the others' count detections of their looser instance.
 * The bound asserted is at most 1 per 100,000 for ADWIN and Page-Hinkley on errors (the target), and
 * for the others the measured count with a margin, so that a change of behaviour shows. KSWIN tests every
 * example at α = 0.005 and consecutive tests share all but one recent value: on continuous values that is
 * about 1.6 false alarms per 1,000 examples, its known price; ties make it conservative on 0/1 errors.
 */
class FalseAlarmTest {

    private static final int LENGTH = 100_000;
    private static final long[] SEEDS = {11, 12, 13};

    private static double[] losses(long seed) {
        Xoshiro256 rng = new Xoshiro256(seed);
        double[] x = new double[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            x[i] = -StrictMath.log(1 - rng.nextDouble());
        }
        return x;
    }

    /** Drifts over the three seeds of errors (or losses). */
    private static int drifts(Supplier<DriftDetector> make, boolean losses) {
        int total = 0;
        for (long seed : SEEDS) {
            DriftDetector detector = make.get();
            double[] x = losses ? losses(seed) : Sequences.stationary(seed, LENGTH);
            int drifts = 0;
            int warnings = 0;
            for (double v : x) {
                DriftState s = detector.update(v);
                drifts += s == DriftState.DRIFT ? 1 : 0;
                warnings += s == DriftState.WARNING ? 1 : 0;
            }
            System.out.printf(
                    "%s, %s, seed %d: %d drifts, %d warnings in %,d%n",
                    detector.name(), losses ? "losses" : "0/1 errors", seed, drifts, warnings, LENGTH);
            total += drifts;
        }
        return total;
    }

    @Test
    void adwinAtMostOnePer100000() {
        assertThat(drifts(() -> AdwinConfig.defaults().newDetector(), false)).isLessThanOrEqualTo(3);
    }

    @Test
    void pageHinkleyAtMostOnePer100000ErrorsAndFivePer100000Losses() {
        assertThat(drifts(() -> PageHinkleyConfig.defaults().newDetector(), false))
                .isLessThanOrEqualTo(3);
        assertThat(drifts(() -> PageHinkleyConfig.defaults().newDetector(), true))
                .isLessThanOrEqualTo(15);
    }

    @Test
    void ddmAtMostTwoPer100000() {
        assertThat(drifts(() -> DdmConfig.defaults().newDetector(), false)).isLessThanOrEqualTo(6);
    }

    @Test
    void kswinAtMostThreePer100000ErrorsAndTwoPer1000Losses() {
        assertThat(drifts(() -> KswinConfig.defaults().newDetector(), false)).isLessThanOrEqualTo(9);
        assertThat(drifts(() -> KswinConfig.defaults().newDetector(), true)).isLessThanOrEqualTo(600);
    }
}
