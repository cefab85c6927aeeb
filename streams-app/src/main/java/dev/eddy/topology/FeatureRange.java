package dev.eddy.topology;

import dev.eddy.core.kernel.Precision;

/**
 * The largest feature (or target) magnitude a model takes. A standardized value (with {@code standardize}, or
 * {@code standardize-target} for the target) must stay within ±{@value #MAX_STANDARDIZED}: the running variance adds
 * squared deviations, (x − x̄)², which overflow to infinity beyond about 1.3·10¹⁵⁴, and one such value made the
 * variance infinite for good (the feature then standardized to 0 in every later example and in serving). A float32
 * model takes what a float holds, ±{@value Float#MAX_VALUE}: beyond it a value is infinite in the float products. A
 * float64 model without standardization takes every finite value (one that overflows the network is a non-finite
 * step, which the guard skips).
 */
public final class FeatureRange {

    /** The bound of a standardized value. */
    public static final double MAX_STANDARDIZED = 1e150;

    private FeatureRange() {}

    /** The largest magnitude a model of {@code precision} takes, its values {@code standardized} or not. */
    public static double max(Precision precision, boolean standardized) {
        double max = standardized ? MAX_STANDARDIZED : Double.MAX_VALUE;
        return precision == Precision.FLOAT32 ? Math.min(max, Float.MAX_VALUE) : max;
    }

    /**
     * Why {@code value} (feature {@code j}) is out of range (see {@link #max}); null when it is in range.
     */
    public static String problem(int j, double value, Precision precision, boolean standardized) {
        double max = max(precision, standardized);
        if (Math.abs(value) <= max) {
            return null;
        }
        return "feature " + j + " is " + value + ", beyond ±" + max + " (" + why(precision, standardized) + ")";
    }

    /**
     * Why the first feature of {@code features} beyond the bound is out of range (see {@link #max}); null when every
     * feature is in range.
     */
    public static String problem(double[] features, Precision precision, boolean standardized) {
        for (int j = 0; j < features.length; j++) {
            String problem = problem(j, features[j], precision, standardized);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /** What sets the bound of {@link #max}. */
    static String why(Precision precision, boolean standardized) {
        return precision == Precision.FLOAT32
                ? "float32"
                : standardized ? "standardized: its square would overflow the running variance" : "float64";
    }
}
