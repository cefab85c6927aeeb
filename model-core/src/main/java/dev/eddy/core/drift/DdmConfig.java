package dev.eddy.core.drift;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code drift.*} keys of {@link Ddm} (defaults: the paper's and MOA's).
 *
 * @param warmUp {@code drift.warm-up}, n_w ≥ 1: examples before p_min and s_min are recorded, default 30
 * @param warningLevel {@code drift.warning-level}, w &gt; 0 standard deviations, default 2.0
 * @param driftLevel {@code drift.drift-level}, d &gt; w standard deviations, default 3.0
 */
public record DdmConfig(int warmUp, double warningLevel, double driftLevel) implements DetectorConfig {

    /** The keys this detector reads, sorted. */
    public static final List<String> KEYS = List.of("drift.drift-level", "drift.warm-up", "drift.warning-level");

    public DdmConfig {
        DriftKeys.atLeast("drift.warm-up", warmUp, 1);
        DriftKeys.open("drift.warning-level", warningLevel, 0, Double.POSITIVE_INFINITY, "> 0 (finite)");
        DriftKeys.open(
                "drift.drift-level",
                driftLevel,
                warningLevel,
                Double.POSITIVE_INFINITY,
                "> drift.warning-level = " + warningLevel + " (finite)");
    }

    public static DdmConfig defaults() {
        return new DdmConfig(30, 2.0, 3.0);
    }

    /**
     * Reads {@link #KEYS} from {@code props} (absent keys take their defaults).
     *
     * @throws IllegalArgumentException on a key of another detector, an unknown key or a value out of range
     */
    public static DdmConfig fromProperties(Map<String, String> props) {
        DriftKeys.onlyThese(props, KEYS, "ddm");
        DdmConfig d = defaults();
        double warningLevel = DriftKeys.real(props, "drift.warning-level", d.warningLevel(), "> 0 (finite)");
        return new DdmConfig(
                DriftKeys.integer(props, "drift.warm-up", d.warmUp(), ">= 1"),
                warningLevel,
                DriftKeys.real(
                        props,
                        "drift.drift-level",
                        d.driftLevel(),
                        "> drift.warning-level = " + warningLevel + " (finite)"));
    }

    @Override
    public String detector() {
        return "ddm";
    }

    @Override
    public Map<String, String> toProperties() {
        Map<String, String> p = new TreeMap<>();
        p.put("drift.warm-up", Integer.toString(warmUp));
        p.put("drift.warning-level", Double.toString(warningLevel));
        p.put("drift.drift-level", Double.toString(driftLevel));
        return p;
    }

    @Override
    public Ddm newDetector() {
        return new Ddm(this);
    }
}
