package dev.eddy.core.monitor;

import java.util.Locale;

/**
 * Direction in which a monitored metric improves (Keras {@code mode}). Used by early stopping and
 * by the plateau schedule, with an absolute minimum improvement {@code minDelta}.
 */
public enum Mode {
    /** Smaller is better (losses): v improves on ref iff v + minDelta &lt; ref. */
    MIN {
        @Override
        public boolean improves(double v, double ref, double minDelta) {
            return v + minDelta < ref;
        }
    },
    /** Larger is better (accuracy, AUC): v improves on ref iff v − minDelta &gt; ref. */
    MAX {
        @Override
        public boolean improves(double v, double ref, double minDelta) {
            return v - minDelta > ref;
        }
    };

    /**
     * Whether {@code v} is an improvement on {@code ref} by strictly more than {@code minDelta}. The
     * expressions are exactly the golden ones (README §6), so decisions on comparison boundaries
     * match the reference.
     */
    public abstract boolean improves(double v, double ref, double minDelta);

    /** Parses {@code "min"} or {@code "max"} (any case), the Keras spelling. */
    public static Mode parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "min" -> MIN;
            case "max" -> MAX;
            default -> throw new IllegalArgumentException("mode must be \"min\" or \"max\", got \"" + text + "\"");
        };
    }
}
