package dev.eddy.core.init;

/**
 * Kernel initializers of the variance-scaling family (Keras conventions). With fan_in = inputs,
 * fan_out = units and n = fan_in + fan_out (Glorot) or fan_in (He, LeCun), and scale s = 1 (Glorot,
 * LeCun; Glorot uses n/2 as the fan) or 2 (He), the target variance is σ² = s / fan:
 *
 * <ul>
 *   <li>uniform: W ~ U(−l, l) with l = √(3σ²);
 *   <li>normal: W ~ N(0, σ'²) truncated at ±2σ', with σ' = σ / 0.87962566103423978 (the standard
 *       deviation of a unit normal truncated at ±2), so the truncated draw still has variance σ².
 * </ul>
 */
public enum Initializer {
    GLOROT_UNIFORM(Fan.AVERAGE, 1.0, false),
    GLOROT_NORMAL(Fan.AVERAGE, 1.0, true),
    HE_UNIFORM(Fan.IN, 2.0, false),
    HE_NORMAL(Fan.IN, 2.0, true),
    LECUN_UNIFORM(Fan.IN, 1.0, false),
    LECUN_NORMAL(Fan.IN, 1.0, true);

    private static final double TRUNCATED_NORMAL_STDDEV = 0.87962566103423978;

    private enum Fan {
        IN,
        AVERAGE
    }

    private final Fan fan;
    private final double scale;
    private final boolean normal;

    Initializer(Fan fan, double scale, boolean normal) {
        this.fan = fan;
        this.scale = scale;
        this.normal = normal;
    }

    /** The lower-case name used in specs, e.g. {@code he_normal}. */
    public String specName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The initializer named like {@link #specName()}; fails naming the allowed values. */
    public static Initializer fromSpecName(String name) {
        for (Initializer init : values()) {
            if (init.specName().equals(name)) {
                return init;
            }
        }
        throw new IllegalArgumentException("unknown initializer '" + name + "', expected one of "
                + java.util.Arrays.stream(values()).map(Initializer::specName).toList());
    }

    /** Fills a row-major [fanIn × fanOut] kernel with draws from {@code rng}. */
    public void fill(double[] kernel, int fanIn, int fanOut, Xoshiro256 rng) {
        if (kernel.length != fanIn * fanOut) {
            throw new IllegalArgumentException(
                    "kernel has " + kernel.length + " elements, expected fanIn*fanOut = " + fanIn * fanOut);
        }
        double n = fan == Fan.IN ? fanIn : (fanIn + fanOut) / 2.0;
        double variance = scale / n;
        if (normal) {
            double stddev = Math.sqrt(variance) / TRUNCATED_NORMAL_STDDEV;
            for (int i = 0; i < kernel.length; i++) {
                double g;
                do {
                    g = rng.nextGaussian();
                } while (Math.abs(g) > 2.0); // truncate at two standard deviations by rejection
                kernel[i] = stddev * g;
            }
        } else {
            double limit = Math.sqrt(3.0 * variance);
            for (int i = 0; i < kernel.length; i++) {
                kernel[i] = limit * (2.0 * rng.nextDouble() - 1.0);
            }
        }
    }
}
