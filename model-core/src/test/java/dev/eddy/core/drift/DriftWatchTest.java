package dev.eddy.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.drift.DriftWatch.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DriftWatchTest {

    private static DriftWatch watch(Map<String, String> keys, boolean regression) {
        Map<String, String> detectorKeys = new HashMap<>(keys);
        detectorKeys.keySet().removeAll(DriftResponse.KEYS);
        return new DriftWatch(
                DriftConfig.parse(detectorKeys, regression), DriftResponse.fromProperties(keys), regression);
    }

    /** Errors at rate 0.1, then 0.6 from {@code shift} on. */
    private static double error(SplittableRandom random, int t, int shift) {
        return random.nextDouble() < (t < shift ? 0.1 : 0.6) ? 1 : 0;
    }

    @Test
    void anAbruptRiseIsOneDetectionAfterAWarningThatStartsAChallenger() {
        DriftWatch w = watch(Map.of("drift.challenger", "none"), false);
        SplittableRandom random = new SplittableRandom(1);
        List<String> seen = new ArrayList<>();
        for (int t = 0; t < 8_000; t++) {
            for (Event e : w.observe(error(random, t, 4_000), 0, true)) {
                seen.add(t + " " + e.kind());
            }
        }
        assertThat(seen.stream().filter(s -> s.endsWith(" drift"))).hasSize(1);
        int at = Integer.parseInt(seen.stream()
                .filter(s -> s.endsWith(" drift"))
                .findFirst()
                .orElseThrow()
                .split(" ")[0]);
        assertThat(at).isBetween(4_000, 4_200);
        assertThat(w.detections()).isEqualTo(1);
        assertThat(w.lastDetectionExample()).isEqualTo(at + 1);
        // ADWIN's looser window often cuts at the same check as the drift window on so abrupt a rise: then the
        // drift is reported, not a warning before it.
        assertThat(w.challenger()).as("drift.challenger=none").isFalse();
    }

    @Test
    void aBetterChallengerIsSwappedInAndAWorseOneDroppedAfterTwiceTheExamples() {
        // DDM warns (p + s above p_min + 2 s_min) before it detects (3 s_min): room for a challenger.
        Map<String, String> keys = Map.of("drift.detector", "ddm", "drift.min-challenger-examples", "100");
        DriftWatch w = watch(keys, false);
        SplittableRandom random = new SplittableRandom(2);
        int started = -1;
        int swapped = -1;
        for (int t = 0; t < 8_000 && swapped < 0; t++) {
            double model = error(random, t, 4_000);
            // the challenger is right where the model is wrong, half the time
            double challenger = model == 1 && random.nextBoolean() ? 0 : model;
            for (Event e : w.observe(model, challenger, true)) {
                if (e == Event.CHALLENGER_START && started < 0) {
                    started = t;
                }
                if (e == Event.CHALLENGER_SWAP) {
                    swapped = t;
                }
            }
        }
        assertThat(started).isNotNegative();
        assertThat(swapped).as("after 100 examples both scored").isGreaterThanOrEqualTo(started + 100);
        assertThat(w.challenger()).isFalse();

        DriftWatch worse = watch(keys, false);
        random = new SplittableRandom(2);
        int dropped = -1;
        started = -1;
        for (int t = 0; t < 8_000 && dropped < 0; t++) {
            double model = error(random, t, 4_000);
            for (Event e : worse.observe(model, 1, true)) {
                if (e == Event.CHALLENGER_START && started < 0) {
                    started = t;
                }
                if (e == Event.CHALLENGER_DROP) {
                    dropped = t;
                }
            }
        }
        assertThat(dropped - started).isEqualTo(200);
    }

    @Test
    void noChallengerStartsWhenTheCallerSaysItCannot() {
        DriftWatch w = watch(Map.of("drift.detector", "ddm"), false);
        SplittableRandom random = new SplittableRandom(3);
        for (int t = 0; t < 8_000; t++) {
            assertThat(w.observe(error(random, t, 4_000), 0, false)).doesNotContain(Event.CHALLENGER_START);
        }
        assertThat(w.warnings()).isPositive();
        assertThat(w.detections()).isPositive();
    }

    @Test
    void restoredMidSequenceItContinuesIdentically() {
        for (String detector : List.of("adwin", "page-hinkley", "ddm", "kswin")) {
            Map<String, String> keys = Map.of("drift.detector", detector, "drift.min-challenger-examples", "50");
            DriftWatch a = watch(keys, false);
            DriftWatch b = watch(keys, false);
            SplittableRandom random = new SplittableRandom(4);
            List<List<Event>> fromA = new ArrayList<>();
            List<List<Event>> fromB = new ArrayList<>();
            for (int t = 0; t < 6_000; t++) {
                double e = error(random, t, 3_000);
                double c = random.nextBoolean() ? 0 : e;
                fromA.add(a.observe(e, c, true));
                if (t == 3_050) {
                    b = watch(keys, false);
                    b.restore(a.state());
                }
                fromB.add(t <= 3_050 ? fromA.get(t) : b.observe(e, c, true));
            }
            assertThat(fromB).as(detector).isEqualTo(fromA);
            assertThat(b.state()).isEqualTo(a.state());
        }
        DriftWatch ddm = watch(Map.of("drift.detector", "ddm"), false);
        assertThatThrownBy(() -> ddm.restore(watch(Map.of(), false).state()))
                .hasMessageContaining("drift.detector=adwin");
    }

    @Test
    void regressionWatchesTheLossOverItsReferenceMeanSoTheScaleDoesNotMatter() {
        List<Long> detections = new ArrayList<>();
        for (double scale : new double[] {1e-3, 1, 1e6}) {
            DriftWatch w = watch(Map.of(), true);
            SplittableRandom random = new SplittableRandom(5);
            for (int t = 0; t < 6_000; t++) {
                double z = random.nextGaussian() * (t < 3_000 ? 1 : 3);
                w.observe(scale * z * z, 0, true);
            }
            assertThat(w.detectorName()).isEqualTo("page-hinkley");
            detections.add(w.lastDetectionExample());
        }
        assertThat(detections.get(0)).isGreaterThan(3_000);
        assertThat(detections).containsOnly(detections.get(0));
    }

    @Test
    void aDivergedRegressionGivesTheDetectorNothing() {
        DriftWatch w = watch(Map.of(), true);
        for (int t = 0; t < 100; t++) {
            assertThat(w.observe(t < 50 ? 1 : t % 2 == 0 ? Double.POSITIVE_INFINITY : Double.NaN, 0, true))
                    .isEmpty();
        }
        assertThat(w.examples()).isEqualTo(100);
    }

    @Test
    void withoutADetectorNothingHappens() {
        DriftWatch w = watch(Map.of("drift.detector", "none"), false);
        for (int t = 0; t < 1_000; t++) {
            assertThat(w.observe(t > 500 ? 1 : 0, 0, true)).isEmpty();
        }
        assertThat(w.detections()).isZero();
    }
}
