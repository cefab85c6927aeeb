package dev.eddy.core.optim;

/**
 * Constructor checks for hyper-parameters. Each method returns the value when it is valid and
 * otherwise throws an {@link IllegalArgumentException} that names the parameter, the expected
 * range and the value received (e.g. {@code "beta1 must be in [0, 1), got 1.2"}). NaN is never
 * valid.
 */
public final class HyperParameters {

    private HyperParameters() {}

    /** Requires {@code 0 <= value < 1}. */
    public static double unitInterval(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw invalid(name, "in [0, 1)", value);
        }
        return value;
    }

    /** Requires {@code 0 <= value <= 1}. */
    public static double closedUnitInterval(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw invalid(name, "in [0, 1]", value);
        }
        return value;
    }

    /** Requires a finite {@code value >= 0}. */
    public static double nonNegative(String name, double value) {
        if (!(value >= 0 && value < Double.POSITIVE_INFINITY)) {
            throw invalid(name, "finite and >= 0", value);
        }
        return value;
    }

    /** Requires a finite {@code value > 0}. */
    public static double positive(String name, double value) {
        if (!(value > 0 && value < Double.POSITIVE_INFINITY)) {
            throw invalid(name, "finite and > 0", value);
        }
        return value;
    }

    /** Requires {@code value >= 0}. */
    public static long nonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
        return value;
    }

    /** Requires {@code value >= 1}. */
    public static long positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
        return value;
    }

    private static IllegalArgumentException invalid(String name, String expected, double value) {
        return new IllegalArgumentException(name + " must be " + expected + ", got " + value);
    }
}
