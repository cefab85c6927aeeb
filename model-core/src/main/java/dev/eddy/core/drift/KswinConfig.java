package dev.eddy.core.drift;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code drift.*} keys of {@link Kswin} (defaults: the paper's and River's).
 *
 * @param alpha {@code drift.alpha}, α in (0, 1): the significance of the one-sided test, default 0.005
 * @param window {@code drift.window}, n in [2r, 100,000]: the values kept, default 100
 * @param statSize {@code drift.stat-size}, r ≥ 1: the recent values compared with as many older ones,
 *     default 30
 * @param seed {@code drift.seed}: seeds the draws of the older sample, default 42
 * @param warningAlpha {@code drift.warning-alpha}, α_w in (α, 1) of the warning test, default 0.05
 */
public record KswinConfig(double alpha, int window, int statSize, long seed, double warningAlpha)
        implements DetectorConfig {

    /** The keys this detector reads, sorted. */
    public static final List<String> KEYS =
            List.of("drift.alpha", "drift.seed", "drift.stat-size", "drift.warning-alpha", "drift.window");

    /** The largest {@code drift.window}: the window and its scratch arrays are allocated up front. */
    public static final int MAX_WINDOW = 100_000;

    public KswinConfig {
        DriftKeys.open("drift.alpha", alpha, 0, 1, "in (0, 1)");
        DriftKeys.atLeast("drift.stat-size", statSize, 1);
        // The older sample draws r distinct values from the n − r older ones; every example costs O(n).
        if (window < 2 * (long) statSize || window > MAX_WINDOW) {
            throw new IllegalArgumentException("drift.window must be an integer in [2 × drift.stat-size = "
                    + 2 * (long) statSize + ", " + MAX_WINDOW + "], got " + window);
        }
        DriftKeys.open("drift.warning-alpha", warningAlpha, alpha, 1, "in (drift.alpha = " + alpha + ", 1)");
    }

    public static KswinConfig defaults() {
        return new KswinConfig(0.005, 100, 30, 42, 0.05);
    }

    /**
     * Reads {@link #KEYS} from {@code props} (absent keys take their defaults).
     *
     * @throws IllegalArgumentException on a key of another detector, an unknown key or a value out of range
     */
    public static KswinConfig fromProperties(Map<String, String> props) {
        DriftKeys.onlyThese(props, KEYS, "kswin");
        KswinConfig d = defaults();
        double alpha = DriftKeys.real(props, "drift.alpha", d.alpha(), "in (0, 1)");
        int statSize = DriftKeys.integer(props, "drift.stat-size", d.statSize(), ">= 1");
        return new KswinConfig(
                alpha,
                DriftKeys.integer(
                        props,
                        "drift.window",
                        d.window(),
                        "in [2 × drift.stat-size = " + 2 * (long) statSize + ", " + MAX_WINDOW + "]"),
                statSize,
                DriftKeys.longValue(props, "drift.seed", d.seed()),
                DriftKeys.real(props, "drift.warning-alpha", d.warningAlpha(), "in (drift.alpha = " + alpha + ", 1)"));
    }

    @Override
    public String detector() {
        return "kswin";
    }

    @Override
    public Map<String, String> toProperties() {
        Map<String, String> p = new TreeMap<>();
        p.put("drift.alpha", Double.toString(alpha));
        p.put("drift.window", Integer.toString(window));
        p.put("drift.stat-size", Integer.toString(statSize));
        p.put("drift.seed", Long.toString(seed));
        p.put("drift.warning-alpha", Double.toString(warningAlpha));
        return p;
    }

    @Override
    public Kswin newDetector() {
        return new Kswin(this);
    }
}
