package dev.eddy.core.search;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings of population-based training (Jaderberg et al. 2017): every {@code intervalExamples}, a trial in
 * the bottom {@code quantile} copies a random trial of the top {@code quantile} and perturbs its continuous
 * hyper-parameters (×0.8 or ×1.2), or resamples each with {@code resampleProbability}.
 *
 * @param intervalExamples {@code search.pbt.interval-examples} (default 5,000), at least 1
 * @param quantile {@code search.pbt.quantile} (default 0.25, as Ray Tune), in (0, 0.5]
 * @param resampleProbability {@code search.pbt.resample-probability} (default 0.25, as Ray Tune), in [0, 1]
 */
public record PbtConfig(long intervalExamples, double quantile, double resampleProbability) implements StrategyConfig {

    /** Every key of this section, sorted. */
    public static final List<String> KEYS =
            List.of("search.pbt.interval-examples", "search.pbt.quantile", "search.pbt.resample-probability");

    /** The defaults: 5,000 examples, quantile 0.25, resample probability 0.25. */
    public static final PbtConfig DEFAULTS = new PbtConfig(5_000, 0.25, 0.25);

    public PbtConfig {
        if (intervalExamples < 1) {
            throw new IllegalArgumentException(
                    "search.pbt.interval-examples must be an integer >= 1, got " + intervalExamples);
        }
        if (!(quantile > 0 && quantile <= 0.5)) {
            throw new IllegalArgumentException("search.pbt.quantile must be a number in (0, 0.5], got " + quantile);
        }
        if (!(resampleProbability >= 0 && resampleProbability <= 1)) {
            throw new IllegalArgumentException(
                    "search.pbt.resample-probability must be a number in [0, 1], got " + resampleProbability);
        }
    }

    /** Reads the {@code search.pbt.*} keys of {@code props} (other keys are the caller's concern). */
    public static PbtConfig fromProperties(Map<String, String> props) {
        long interval = SearchKeys.atLeast(props, "search.pbt.interval-examples", DEFAULTS.intervalExamples, 1);
        double quantile =
                SearchKeys.real(props, "search.pbt.quantile", DEFAULTS.quantile, Double.MIN_VALUE, 0.5, "in (0, 0.5]");
        double resample = SearchKeys.real(
                props, "search.pbt.resample-probability", DEFAULTS.resampleProbability, 0, 1, "in [0, 1]");
        return new PbtConfig(interval, quantile, resample);
    }

    @Override
    public List<String> keys() {
        return KEYS;
    }

    @Override
    public Map<String, String> toProperties() {
        Map<String, String> p = new TreeMap<>();
        p.put("search.pbt.interval-examples", Long.toString(intervalExamples));
        p.put("search.pbt.quantile", Double.toString(quantile));
        p.put("search.pbt.resample-probability", Double.toString(resampleProbability));
        return p;
    }
}
