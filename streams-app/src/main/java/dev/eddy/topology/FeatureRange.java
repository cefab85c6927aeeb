package dev.eddy.topology;

import dev.eddy.core.kernel.Precision;

/**
 * The largest feature (or target) magnitude a model takes, in training and in serving. A float64 model takes up to
 * ±{@value #MAX_MAGNITUDE}: the standardization's running variance adds squared deviations, (x − x̄)², which overflow
 * to infinity beyond about 1.3·10¹⁵⁴, and one such value made a feature's variance infinite for good (the feature then
 * standardized to 0 in every later example and in serving). A float32 model takes what a float holds, ±{@value
 * Float#MAX_VALUE}: beyond it a value is infinite in the float products.
 */
public final class FeatureRange {

    /** The bound of a float64 model. */
    public static final double MAX_MAGNITUDE = 1e150;

    private FeatureRange() {}

    /** The largest magnitude a model of {@code precision} takes. */
    public static double max(Precision precision) {
        return precision == Precision.FLOAT32 ? Float.MAX_VALUE : MAX_MAGNITUDE;
    }

    /** Why {@code value} (feature {@code j}) is out of range for {@code precision}; null when it is in range. */
    public static String problem(int j, double value, Precision precision) {
        double max = max(precision);
        return Math.abs(value) <= max
                ? null
                : "feature " + j + " is " + value + ", beyond ±" + max + " (" + precision.spelling() + ")";
    }
}
