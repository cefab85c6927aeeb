package dev.eddy.core.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings of {@link Asha} (and of Hyperband, whose brackets are ASHA runs), in examples trained: rungs at
 * {@code minExamples·ηᵏ} below {@code maxExamples}; a trial that reaches {@code maxExamples} has finished the
 * search and keeps running in the live population.
 *
 * @param minExamples {@code search.asha.min-examples} (default 1,000): the first rung, the least a trial trains
 * @param maxExamples {@code search.asha.max-examples} (default 64,000), greater than {@code minExamples}
 * @param eta {@code search.asha.eta} (default 4, as Ray Tune and Optuna): the reduction factor; the top 1/η of a
 *     rung is promoted
 */
public record AshaConfig(long minExamples, long maxExamples, int eta) implements StrategyConfig {

    /** Every key of this section, sorted. */
    public static final List<String> KEYS =
            List.of("search.asha.eta", "search.asha.max-examples", "search.asha.min-examples");

    /** The defaults: 1,000 to 64,000 examples, η = 4 (rungs at 1,000, 4,000, 16,000). */
    public static final AshaConfig DEFAULTS = new AshaConfig(1_000, 64_000, 4);

    public AshaConfig {
        if (minExamples < 1) {
            throw new IllegalArgumentException("search.asha.min-examples must be an integer >= 1, got " + minExamples);
        }
        if (maxExamples <= minExamples) {
            throw new IllegalArgumentException(
                    "search.asha.max-examples must be greater than search.asha.min-examples (" + minExamples + "), got "
                            + maxExamples);
        }
        if (eta < 2) {
            throw new IllegalArgumentException("search.asha.eta must be an integer >= 2, got " + eta);
        }
    }

    /** Reads the {@code search.asha.*} keys of {@code props} (other keys are the caller's concern). */
    public static AshaConfig fromProperties(Map<String, String> props) {
        long min = SearchKeys.atLeast(props, "search.asha.min-examples", DEFAULTS.minExamples, 1);
        long max = SearchKeys.atLeast(props, "search.asha.max-examples", DEFAULTS.maxExamples, 2);
        long eta = SearchKeys.atLeast(props, "search.asha.eta", DEFAULTS.eta, 2);
        if (eta > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("search.asha.eta must be an integer in [2, " + Integer.MAX_VALUE
                    + "], got '" + props.get("search.asha.eta") + "'");
        }
        return new AshaConfig(min, max, (int) eta);
    }

    /**
     * The rungs in examples trained: {@code r_k = minExamples·ηᵏ} for every {@code k ≥ 0} with
     * {@code r_k < maxExamples}.
     */
    public long[] rungs() {
        List<Long> rungs = new ArrayList<>();
        for (long r = minExamples; r < maxExamples; r *= eta) {
            rungs.add(r);
            if (r > Long.MAX_VALUE / eta) {
                break;
            }
        }
        return rungs.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public List<String> keys() {
        return KEYS;
    }

    @Override
    public Map<String, String> toProperties() {
        Map<String, String> p = new TreeMap<>();
        p.put("search.asha.min-examples", Long.toString(minExamples));
        p.put("search.asha.max-examples", Long.toString(maxExamples));
        p.put("search.asha.eta", Integer.toString(eta));
        return p;
    }
}
