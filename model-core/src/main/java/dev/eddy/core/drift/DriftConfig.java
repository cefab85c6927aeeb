package dev.eddy.core.drift;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The drift-detection section of a model's configuration: {@code drift.detector} and the keys of the chosen
 * detector, nothing else. Self-contained, so that the trainer configuration composes it.
 *
 * <p>{@code drift.detector} is one of {@link #DETECTORS}, default {@code adwin} for classification and
 * {@code page-hinkley} for regression. A regression model watches its loss divided by its running mean, a
 * positive value without an upper bound, so {@code adwin} (values in [0, 1]) and {@code ddm} (0/1 errors) are
 * refused for regression.
 *
 * @param detector the {@code drift.detector} name
 * @param settings the detector's configuration, empty for {@code none}
 */
public record DriftConfig(String detector, Optional<DetectorConfig> settings) {

    /** Names accepted by {@code drift.detector}. */
    public static final List<String> DETECTORS = List.of("adwin", "page-hinkley", "ddm", "kswin", "none");

    /** Names accepted by {@code drift.detector} for a regression model. */
    public static final List<String> REGRESSION_DETECTORS = List.of("page-hinkley", "kswin", "none");

    /** Every key this section knows, sorted. */
    public static final List<String> KEYS = allKeys();

    public DriftConfig {
        if (!DETECTORS.contains(detector)) {
            throw new IllegalArgumentException(
                    "drift.detector must be one of " + DETECTORS + ", got '" + detector + "'");
        }
        if (detector.equals("none") != settings.isEmpty()
                || settings.isPresent() && !settings.get().detector().equals(detector)) {
            throw new IllegalArgumentException("drift.detector=" + detector + " does not match its settings "
                    + settings.map(DetectorConfig::detector).orElse("none"));
        }
    }

    /** The default detector with its defaults: ADWIN for classification, Page-Hinkley for regression. */
    public static DriftConfig defaults(boolean regression) {
        return parse(Map.of(), regression);
    }

    /**
     * Reads {@code drift.detector} and the chosen detector's keys from {@code props}, whose keys are the
     * {@code drift.*} keys of one model (keys outside {@link #KEYS} are refused).
     *
     * @param regression whether the model is a regression (refuses {@code adwin} and {@code ddm})
     * @throws IllegalArgumentException naming the key, the value and what is allowed: an unknown detector or
     *     key, a key of another detector, a value out of its range
     */
    public static DriftConfig parse(Map<String, String> props, boolean regression) {
        Map<String, String> rest = new HashMap<>();
        props.forEach((k, v) -> {
            if (v == null) {
                throw new IllegalArgumentException(k + " has no value");
            }
            rest.put(k.trim(), v.trim());
        });
        for (String key : new TreeSet<>(rest.keySet())) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "'; drift keys: " + String.join(", ", KEYS));
            }
        }
        String name = rest.remove("drift.detector");
        if (name == null) {
            name = regression ? "page-hinkley" : "adwin";
        }
        if (!DETECTORS.contains(name)) {
            throw new IllegalArgumentException("drift.detector must be one of " + DETECTORS + ", got '" + name + "'");
        }
        if (regression && !REGRESSION_DETECTORS.contains(name)) {
            throw new IllegalArgumentException("drift.detector=" + name + " is refused for regression (it takes "
                    + (name.equals("ddm") ? "0/1 errors" : "values in [0, 1]")
                    + ", a regression model's signal is its loss over its running mean); for regression use one of "
                    + REGRESSION_DETECTORS);
        }
        DetectorConfig settings =
                switch (name) {
                    case "adwin" -> AdwinConfig.fromProperties(rest);
                    case "page-hinkley" -> PageHinkleyConfig.fromProperties(rest);
                    case "ddm" -> DdmConfig.fromProperties(rest);
                    case "kswin" -> KswinConfig.fromProperties(rest);
                    default -> {
                        DriftKeys.onlyThese(rest, List.of(), "none");
                        yield null;
                    }
                };
        return new DriftConfig(name, Optional.ofNullable(settings));
    }

    /** A new detector in its initial state, empty for {@code none}. */
    public Optional<DriftDetector> newDetector() {
        return settings.map(DetectorConfig::newDetector);
    }

    /** The canonical keys: {@code drift.detector} and every key of the chosen detector, sorted. */
    public Map<String, String> toProperties() {
        Map<String, String> p = new TreeMap<>();
        p.put("drift.detector", detector);
        settings.ifPresent(s -> p.putAll(s.toProperties()));
        return p;
    }

    private static List<String> allKeys() {
        TreeSet<String> keys = new TreeSet<>();
        keys.add("drift.detector");
        keys.addAll(AdwinConfig.KEYS);
        keys.addAll(PageHinkleyConfig.KEYS);
        keys.addAll(DdmConfig.KEYS);
        keys.addAll(KswinConfig.KEYS);
        return List.copyOf(keys);
    }
}
