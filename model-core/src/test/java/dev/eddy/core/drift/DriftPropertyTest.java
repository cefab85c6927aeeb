package dev.eddy.core.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class DriftPropertyTest {

    /** Every detector with settings small enough that short sequences reach its checks and detections. */
    private static List<Supplier<DriftDetector>> detectors(long seed) {
        return List.of(
                () -> AdwinConfig.defaults().newDetector(),
                () -> new AdwinConfig(0.1, 4, 2, 0.3).newDetector(),
                () -> PageHinkleyConfig.defaults().newDetector(),
                () -> new PageHinkleyConfig(5, 0.005, 3, 0.99, 1.5).newDetector(),
                () -> DdmConfig.defaults().newDetector(),
                () -> new DdmConfig(5, 2, 3).newDetector(),
                () -> new KswinConfig(0.005, 100, 30, seed, 0.05).newDetector(),
                () -> new KswinConfig(0.1, 12, 5, seed, 0.3).newDetector());
    }

    private static List<DriftState> run(DriftDetector detector, double[] x, int from, int to) {
        List<DriftState> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(detector.update(x[i]));
        }
        return out;
    }

    /** 0/1 errors whose rate moves from {@code before} to {@code after} at {@code shift}. */
    private static double[] errors(long seed, int length, double before, double after, int shift) {
        return Sequences.bernoulli(seed, length, i -> i < shift ? before : after);
    }

    @Property(tries = 300)
    void aRestoredDetectorContinuesBitIdentically(
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed,
            @ForAll @IntRange(min = 0, max = 2_000) int split,
            @ForAll @DoubleRange(min = 0, max = 1) double before,
            @ForAll @DoubleRange(min = 0, max = 1) double after,
            @ForAll @IntRange(min = 0, max = 2_000) int shift)
            throws IOException {
        double[] x = errors(seed, 2_000, before, after, shift);
        for (Supplier<DriftDetector> make : detectors(seed)) {
            DriftDetector straight = make.get();
            List<DriftState> expected = run(straight, x, 0, x.length);

            DriftDetector first = make.get();
            List<DriftState> outputs = run(first, x, 0, split);
            DriftDetector resumed = make.get();
            resumed.update(1); // state that the restore must overwrite
            resumed.restoreState(first.stateBytes());
            outputs.addAll(run(resumed, x, split, x.length));

            assertThat(outputs).as(first.name()).isEqualTo(expected);
            assertThat(resumed.stateBytes()).as(first.name()).isEqualTo(straight.stateBytes());
        }
    }

    @Property(tries = 300)
    void aRestoredDetectorContinuesBitIdenticallyOnRealValues(
            @ForAll @Size(min = 1, max = 400) List<@DoubleRange(min = 0, max = 1) Double> values,
            @ForAll @IntRange(min = 0, max = 400) int split)
            throws IOException {
        double[] x = values.stream().mapToDouble(Double::doubleValue).toArray();
        int cut = Math.min(split, x.length);
        for (Supplier<DriftDetector> make : detectors(cut)) {
            DriftDetector probe = make.get();
            if (probe instanceof Ddm) {
                continue; // 0/1 only
            }
            DriftDetector straight = make.get();
            List<DriftState> expected = run(straight, x, 0, x.length);
            DriftDetector first = make.get();
            List<DriftState> outputs = run(first, x, 0, cut);
            DriftDetector resumed = make.get();
            resumed.restoreState(first.stateBytes());
            outputs.addAll(run(resumed, x, cut, x.length));
            assertThat(outputs).as(probe.name()).isEqualTo(expected);
        }
    }

    /** A non-increasing error: ones, then zeros. */
    @Property(tries = 200)
    void aFallingZeroOneErrorNeverTriggers(
            @ForAll @IntRange(min = 0, max = 3_000) int ones,
            @ForAll @IntRange(min = 0, max = 3_000) int zeros,
            @ForAll @LongRange(min = 0, max = 1_000) long seed) {
        double[] x = new double[ones + zeros];
        Arrays.fill(x, 0, ones, 1);
        for (Supplier<DriftDetector> make : detectors(seed)) {
            DriftDetector detector = make.get();
            assertThat(run(detector, x, 0, x.length))
                    .as(detector.name())
                    .doesNotContain(DriftState.WARNING, DriftState.DRIFT);
        }
    }

    /** A non-increasing loss or error in [0, 1], with plateaus. */
    @Property(tries = 200)
    void aFallingRealValuedErrorNeverTriggers(
            @ForAll @Size(min = 1, max = 1_500) List<@DoubleRange(min = 0, max = 1) Double> values,
            @ForAll @IntRange(min = 1, max = 5) int repeat) {
        double[] sorted = values.stream()
                .mapToDouble(Double::doubleValue)
                .map(v -> Math.floor(v * 20) / 20) // plateaus: equal values in a row
                .sorted()
                .toArray();
        double[] x = new double[sorted.length * repeat];
        for (int i = 0; i < x.length; i++) {
            x[i] = sorted[sorted.length - 1 - i / repeat];
        }
        for (Supplier<DriftDetector> make : detectors(repeat)) {
            DriftDetector detector = make.get();
            if (detector instanceof Ddm) {
                continue; // 0/1 only
            }
            assertThat(run(detector, x, 0, x.length))
                    .as(detector.name())
                    .doesNotContain(DriftState.WARNING, DriftState.DRIFT);
        }
    }

    @Property(tries = 100)
    void resetGivesTheOutputsOfANewDetector(
            @ForAll @LongRange(min = 0, max = 1_000) long seed, @ForAll @IntRange(min = 0, max = 1_000) int used) {
        double[] x = errors(seed, 1_500, 0.1, 0.7, 700);
        for (Supplier<DriftDetector> make : detectors(seed)) {
            DriftDetector reused = make.get();
            run(reused, x, 0, used);
            reused.reset();
            assertThat(run(reused, x, 0, x.length)).isEqualTo(run(make.get(), x, 0, x.length));
        }
    }
}
