package dev.eddy.core.prune;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pruning section of a model's configuration (magnitude pruning during training, the TensorFlow Model Optimization
 * Toolkit's {@code prune_low_magnitude} with its {@code PolynomialDecay} and {@code ConstantSparsity} schedules).
 * Pruning is on when {@code prune.target-sparsity} is set; every other {@code prune.*} key needs it.
 *
 * @param targetSparsity {@code prune.target-sparsity}, the final fraction of zero kernel weights, in [0, 1)
 * @param initialSparsity {@code prune.initial-sparsity}, the polynomial schedule's sparsity at {@code begin-step}, in
 *     [0, target] (default 0; polynomial only, 0 for constant)
 * @param beginStep {@code prune.begin-step}, the first update count at which masks are computed, ≥ 0 (default 0)
 * @param endStep {@code prune.end-step}, the last one, &gt; {@code begin-step}: required with polynomial (the target is
 *     reached there), optional with constant (without it pruning goes on for ever)
 * @param frequency {@code prune.frequency}, masks are recomputed every this many updates, ≥ 1 (default 100)
 * @param schedule {@code prune.schedule}, {@code polynomial} (default) or {@code constant}
 * @param scope {@code prune.scope}, one threshold per layer ({@code layer}, default) or over all kernels
 *     ({@code global})
 */
public record PruneConfig(
        double targetSparsity,
        double initialSparsity,
        long beginStep,
        OptionalLong endStep,
        int frequency,
        Schedule schedule,
        PruningScope scope) {

    /** How the sparsity grows with the update count t. */
    public enum Schedule {
        /** Zhu &amp; Gupta (2017): from the initial sparsity at begin-step to the target at end-step, cubically. */
        POLYNOMIAL,
        /** The target sparsity at every pruning step from begin-step on. */
        CONSTANT;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Every key of this section, sorted. */
    public static final List<String> KEYS = List.of(
            "prune.begin-step",
            "prune.end-step",
            "prune.frequency",
            "prune.initial-sparsity",
            "prune.schedule",
            "prune.scope",
            "prune.target-sparsity");

    public PruneConfig {
        sparsity("prune.target-sparsity", targetSparsity);
        sparsity("prune.initial-sparsity", initialSparsity);
        if (initialSparsity > targetSparsity) {
            throw new IllegalArgumentException("prune.initial-sparsity " + initialSparsity
                    + " is above prune.target-sparsity " + targetSparsity + ": the sparsity only grows");
        }
        if (beginStep < 0) {
            throw new IllegalArgumentException("prune.begin-step must be an integer >= 0, got " + beginStep);
        }
        if (endStep.isPresent() && endStep.getAsLong() <= beginStep) {
            throw new IllegalArgumentException(
                    "prune.end-step " + endStep.getAsLong() + " must be after prune.begin-step " + beginStep);
        }
        if (frequency < 1) {
            throw new IllegalArgumentException("prune.frequency must be an integer >= 1, got " + frequency);
        }
        if (schedule == Schedule.POLYNOMIAL && endStep.isEmpty()) {
            throw new IllegalArgumentException(
                    "prune.end-step is required with prune.schedule=polynomial: the step at which the sparsity"
                            + " reaches prune.target-sparsity");
        }
        if (schedule == Schedule.CONSTANT && initialSparsity != 0) {
            throw new IllegalArgumentException(
                    "prune.initial-sparsity applies to prune.schedule=polynomial only, got " + initialSparsity);
        }
    }

    /**
     * Reads the {@code prune.*} keys of {@code props} (other keys are ignored): empty when none is set.
     *
     * @throws IllegalArgumentException naming the key, the value and the expected form: a sparsity outside [0, 1), an
     *     end-step not after the begin-step, an end-step missing with polynomial, a {@code prune.*} key without
     *     {@code prune.target-sparsity}, an unknown {@code prune.*} key
     */
    public static Optional<PruneConfig> parse(Map<String, String> props) {
        Map<String, String> mine = new TreeMap<>();
        props.forEach((k, v) -> {
            if (k.startsWith("prune.")) {
                if (!KEYS.contains(k)) {
                    throw new IllegalArgumentException(
                            "unknown key '" + k + "'; prune keys: " + String.join(", ", KEYS));
                }
                mine.put(k, v.trim());
            }
        });
        if (mine.isEmpty()) {
            return Optional.empty();
        }
        if (!mine.containsKey("prune.target-sparsity")) {
            throw new IllegalArgumentException("prune.target-sparsity is required when any prune.* key is set (got "
                    + String.join(", ", new TreeSet<>(mine.keySet())) + "): the fraction of kernel weights to prune,"
                    + " in [0, 1)");
        }
        Schedule schedule = choice(mine, "prune.schedule", Schedule.values(), Schedule.POLYNOMIAL);
        String end = mine.get("prune.end-step");
        return Optional.of(new PruneConfig(
                real(mine, "prune.target-sparsity", 0),
                real(mine, "prune.initial-sparsity", 0),
                integer(mine, "prune.begin-step", 0),
                end == null ? OptionalLong.empty() : OptionalLong.of(integer(mine, "prune.end-step", 0)),
                (int) Math.min(Integer.MAX_VALUE, integer(mine, "prune.frequency", 100)),
                schedule,
                choice(mine, "prune.scope", PruningScope.values(), PruningScope.LAYER)));
    }

    /** The canonical keys: every key that applies, defaults filled in. */
    public Map<String, String> toProperties() {
        Map<String, String> p = new TreeMap<>();
        p.put("prune.target-sparsity", Double.toString(targetSparsity));
        if (schedule == Schedule.POLYNOMIAL) {
            p.put("prune.initial-sparsity", Double.toString(initialSparsity));
        }
        p.put("prune.begin-step", Long.toString(beginStep));
        endStep.ifPresent(e -> p.put("prune.end-step", Long.toString(e)));
        p.put("prune.frequency", Integer.toString(frequency));
        p.put("prune.schedule", schedule.toString());
        p.put("prune.scope", scope.toString());
        return p;
    }

    private static void sparsity(String key, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(
                    key + " must be in [0, 1) (the fraction of kernel weights that are zero), got " + value);
        }
    }

    private static double real(Map<String, String> props, String key, double fallback) {
        String text = props.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            double v = Double.parseDouble(text);
            if (v >= 0 && v < 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the expected form
        }
        throw new IllegalArgumentException(key + " must be a number in [0, 1), got '" + text + "'");
    }

    private static long integer(Map<String, String> props, String key, long fallback) {
        String text = props.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + text + "'");
        }
    }

    private static <E extends Enum<E>> E choice(Map<String, String> props, String key, E[] values, E fallback) {
        String text = props.get(key);
        if (text == null) {
            return fallback;
        }
        for (E v : values) {
            if (v.toString().equalsIgnoreCase(text)) {
                return v;
            }
        }
        throw new IllegalArgumentException(key + " must be one of " + List.of(values) + ", got '" + text + "'");
    }
}
