package dev.eddy.core.drift;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code drift.*} keys of {@link PageHinkley} (defaults: MOA's {@code PageHinkleyDM}).
 *
 * @param minInstances {@code drift.min-instances}, n_min ≥ 1: no detection before this many values, default 30
 * @param delta {@code drift.delta}, δ ≥ 0: the change tolerated, default 0.005
 * @param threshold {@code drift.threshold}, λ &gt; 0, default 50
 * @param alpha {@code drift.alpha}, the fading factor α in (0, 1], default 1 − 1e-4
 * @param warningThreshold {@code drift.warning-threshold}, λ_w in (0, λ) of the warning test, default 25
 */
public record PageHinkleyConfig(int minInstances, double delta, double threshold, double alpha, double warningThreshold)
        implements DetectorConfig {

    /** The keys this detector reads, sorted. */
    public static final List<String> KEYS =
            List.of("drift.alpha", "drift.delta", "drift.min-instances", "drift.threshold", "drift.warning-threshold");

    public PageHinkleyConfig {
        DriftKeys.atLeast("drift.min-instances", minInstances, 1);
        if (!(delta >= 0 && delta < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("drift.delta must be a number >= 0 (finite), got " + delta);
        }
        DriftKeys.open("drift.threshold", threshold, 0, Double.POSITIVE_INFINITY, "> 0 (finite)");
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("drift.alpha must be a number in (0, 1], got " + alpha);
        }
        DriftKeys.open(
                "drift.warning-threshold",
                warningThreshold,
                0,
                threshold,
                "in (0, drift.threshold = " + threshold + ")");
    }

    public static PageHinkleyConfig defaults() {
        return new PageHinkleyConfig(30, 0.005, 50, 1 - 0.0001, 25);
    }

    /**
     * Reads {@link #KEYS} from {@code props} (absent keys take their defaults).
     *
     * @throws IllegalArgumentException on a key of another detector, an unknown key or a value out of range
     */
    public static PageHinkleyConfig fromProperties(Map<String, String> props) {
        DriftKeys.onlyThese(props, KEYS, "page-hinkley");
        PageHinkleyConfig d = defaults();
        double threshold = DriftKeys.real(props, "drift.threshold", d.threshold(), "> 0 (finite)");
        return new PageHinkleyConfig(
                DriftKeys.integer(props, "drift.min-instances", d.minInstances(), ">= 1"),
                DriftKeys.real(props, "drift.delta", d.delta(), ">= 0 (finite)"),
                threshold,
                DriftKeys.real(props, "drift.alpha", d.alpha(), "in (0, 1]"),
                DriftKeys.real(
                        props,
                        "drift.warning-threshold",
                        d.warningThreshold(),
                        "in (0, drift.threshold = " + threshold + ")"));
    }

    @Override
    public String detector() {
        return "page-hinkley";
    }

    @Override
    public Map<String, String> toProperties() {
        Map<String, String> p = new TreeMap<>();
        p.put("drift.min-instances", Integer.toString(minInstances));
        p.put("drift.delta", Double.toString(delta));
        p.put("drift.threshold", Double.toString(threshold));
        p.put("drift.alpha", Double.toString(alpha));
        p.put("drift.warning-threshold", Double.toString(warningThreshold));
        return p;
    }

    @Override
    public PageHinkley newDetector() {
        return new PageHinkley(this);
    }
}
