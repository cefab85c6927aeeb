package dev.eddy.core.drift;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code drift.*} keys of {@link Adwin}.
 *
 * @param delta {@code drift.delta}, δ in (0, 1), default 0.002 (the paper's and MOA's)
 * @param clock {@code drift.clock}, check the splits every this many examples, ≥ 1, default 32 (MOA's)
 * @param minWindow {@code drift.min-window}, M ≥ 1: both parts of a split hold more than M + 1 examples,
 *     default 5 (MOA's)
 * @param warningDelta {@code drift.warning-delta}, δ_w in (δ, 1) of the warning window, default 0.01 (MOA's
 *     Adaptive Random Forest)
 */
public record AdwinConfig(double delta, int clock, int minWindow, double warningDelta) implements DetectorConfig {

    /** The keys this detector reads, sorted. */
    public static final List<String> KEYS =
            List.of("drift.clock", "drift.delta", "drift.min-window", "drift.warning-delta");

    public AdwinConfig {
        DriftKeys.open("drift.delta", delta, 0, 1, "in (0, 1)");
        DriftKeys.atLeast("drift.clock", clock, 1);
        DriftKeys.atLeast("drift.min-window", minWindow, 1);
        DriftKeys.open("drift.warning-delta", warningDelta, delta, 1, "in (drift.delta = " + delta + ", 1)");
    }

    public static AdwinConfig defaults() {
        return new AdwinConfig(0.002, 32, 5, 0.01);
    }

    /**
     * Reads {@link #KEYS} from {@code props} (absent keys take their defaults).
     *
     * @throws IllegalArgumentException on a key of another detector, an unknown key or a value out of range
     */
    public static AdwinConfig fromProperties(Map<String, String> props) {
        DriftKeys.onlyThese(props, KEYS, "adwin");
        AdwinConfig d = defaults();
        double delta = DriftKeys.real(props, "drift.delta", d.delta(), "in (0, 1)");
        return new AdwinConfig(
                delta,
                DriftKeys.integer(props, "drift.clock", d.clock(), ">= 1"),
                DriftKeys.integer(props, "drift.min-window", d.minWindow(), ">= 1"),
                DriftKeys.real(props, "drift.warning-delta", d.warningDelta(), "in (drift.delta = " + delta + ", 1)"));
    }

    @Override
    public String detector() {
        return "adwin";
    }

    @Override
    public Map<String, String> toProperties() {
        Map<String, String> p = new TreeMap<>();
        p.put("drift.delta", Double.toString(delta));
        p.put("drift.clock", Integer.toString(clock));
        p.put("drift.min-window", Integer.toString(minWindow));
        p.put("drift.warning-delta", Double.toString(warningDelta));
        return p;
    }

    @Override
    public Adwin newDetector() {
        return new Adwin(this);
    }
}
