package dev.eddy.core.drift;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a model does when its detector speaks, the second half of the {@code drift.*} section (the first is
 * {@link DriftConfig}):
 *
 * <pre>
 * drift.challenger (fresh) = fresh | copy | none   on a warning: a second network, freshly initialized or copied
 *                                                  from the current weights, trained on the examples that follow
 * drift.min-challenger-examples (500) ≥ 1          examples both networks scored before they are compared
 * drift.lr-factor (1) &gt; 0                          on a drift: the learning rate is multiplied by it
 * drift.reset-optimizer (false)                    on a drift: the optimizer's moments start afresh
 * drift.holdout (flush) = flush | keep             on a drift: held-out examples of the old concept are dropped
 * drift.restart-schedule (true)                    on a drift: the learning-rate schedule starts again from its
 *                                                  first step (a warm restart, as SGDR's), as for a new stream
 * </pre>
 */
public record DriftResponse(
        String challenger,
        int minChallengerExamples,
        double lrFactor,
        boolean resetOptimizer,
        boolean flushHoldout,
        boolean restartSchedule) {

    /** Values of {@code drift.challenger}. */
    public static final List<String> CHALLENGERS = List.of("fresh", "copy", "none");

    /** The keys of this record, sorted. */
    public static final List<String> KEYS = List.of(
            "drift.challenger",
            "drift.holdout",
            "drift.lr-factor",
            "drift.min-challenger-examples",
            "drift.reset-optimizer",
            "drift.restart-schedule");

    public DriftResponse {
        if (!CHALLENGERS.contains(challenger)) {
            throw new IllegalArgumentException(
                    "drift.challenger must be one of " + CHALLENGERS + ", got '" + challenger + "'");
        }
        DriftKeys.atLeast("drift.min-challenger-examples", minChallengerExamples, 1);
        if (!(lrFactor > 0) || Double.isInfinite(lrFactor)) {
            throw new IllegalArgumentException("drift.lr-factor must be a number > 0, got " + lrFactor);
        }
    }

    /**
     * Reads the keys of this record from {@code props} (the other {@code drift.*} keys are {@link DriftConfig}'s and
     * are ignored here).
     *
     * @throws IllegalArgumentException naming the key, the value and what is allowed
     */
    public static DriftResponse fromProperties(Map<String, String> props) {
        return new DriftResponse(
                props.getOrDefault("drift.challenger", "fresh").trim(),
                DriftKeys.integer(props, "drift.min-challenger-examples", 500, ">= 1"),
                DriftKeys.real(props, "drift.lr-factor", 1.0, "> 0"),
                bool(props, "drift.reset-optimizer", false),
                holdout(props.getOrDefault("drift.holdout", "flush")),
                bool(props, "drift.restart-schedule", true));
    }

    /** The canonical keys and values, sorted. */
    public Map<String, String> toProperties() {
        Map<String, String> p = new TreeMap<>();
        p.put("drift.challenger", challenger);
        p.put("drift.min-challenger-examples", Integer.toString(minChallengerExamples));
        p.put("drift.lr-factor", Double.toString(lrFactor));
        p.put("drift.reset-optimizer", Boolean.toString(resetOptimizer));
        p.put("drift.holdout", flushHoldout ? "flush" : "keep");
        p.put("drift.restart-schedule", Boolean.toString(restartSchedule));
        return p;
    }

    private static boolean bool(Map<String, String> props, String key, boolean fallback) {
        String text = props.getOrDefault(key, Boolean.toString(fallback)).trim().toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got '" + props.get(key) + "'");
        }
        return Boolean.parseBoolean(text);
    }

    private static boolean holdout(String text) {
        return switch (text.trim()) {
            case "flush" -> true;
            case "keep" -> false;
            default -> throw new IllegalArgumentException(
                    "drift.holdout must be one of [flush, keep], got '" + text + "'");
        };
    }
}
