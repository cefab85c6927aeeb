package dev.eddy.core.data.stream;

import dev.eddy.core.data.LabeledRow;
import java.util.List;

/**
 * The SEA concepts of Street and Kim (2001), "A streaming ensemble algorithm (SEA) for large-scale classification":
 * abrupt drift.
 *
 * <pre>
 * f_1, f_2, f_3 ~ U[0, 10]          (f_3 is irrelevant)
 * y = 1 if f_1 + f_2 ≤ θ_c, else 0;  flipped with probability noise
 * θ = (8, 9, 7, 9.5);  c = concept(p) mod 4 from the {@link DriftSchedule}
 * </pre>
 */
public final class Sea extends BinaryDriftingStream {

    /** The thresholds θ of the four concepts, in the paper's order. */
    private static final double[] THRESHOLDS = {8, 9, 7, 9.5};

    private static final List<String> NAMES = List.of("f1", "f2", "f3");

    private final DriftSchedule drift;

    /**
     * @param drift where the concept switches to the next threshold
     * @param noise probability in [0, 1) that a label is flipped (the paper used 0.1)
     * @param seed seed of all random draws
     */
    public Sea(DriftSchedule drift, double noise, long seed) {
        super(noise, seed);
        this.drift = drift;
    }

    /** θ of concept c (c mod 4). */
    public static double threshold(int concept) {
        return THRESHOLDS[Math.floorMod(concept, THRESHOLDS.length)];
    }

    /** The label rule: 1 if f_1 + f_2 ≤ θ, else 0. */
    public static int label(double threshold, double[] x) {
        return x[0] + x[1] <= threshold ? 1 : 0;
    }

    /** θ in force for the next example. */
    public double threshold() {
        return threshold(drift.concept(position()));
    }

    @Override
    public LabeledRow next() {
        double[] x = {10 * random.nextDouble(), 10 * random.nextDouble(), 10 * random.nextDouble()};
        int y = label(threshold(), x);
        return emit(x, y);
    }

    @Override
    public List<String> featureNames() {
        return NAMES;
    }
}
