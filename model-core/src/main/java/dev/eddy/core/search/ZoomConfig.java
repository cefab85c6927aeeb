package dev.eddy.core.search;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings of zoom search: rounds of {@code roundExamples} examples, each round sampling around the best
 * trials of the last.
 *
 * @param roundExamples {@code search.zoom.round-examples} (default 10,000), at least 1
 */
public record ZoomConfig(long roundExamples) implements StrategyConfig {

    /** Every key of this section, sorted. */
    public static final List<String> KEYS = List.of("search.zoom.round-examples");

    /** The default: rounds of 10,000 examples. */
    public static final ZoomConfig DEFAULTS = new ZoomConfig(10_000);

    public ZoomConfig {
        if (roundExamples < 1) {
            throw new IllegalArgumentException(
                    "search.zoom.round-examples must be an integer >= 1, got " + roundExamples);
        }
    }

    /** Reads the {@code search.zoom.*} keys of {@code props} (other keys are the caller's concern). */
    public static ZoomConfig fromProperties(Map<String, String> props) {
        return new ZoomConfig(SearchKeys.atLeast(props, "search.zoom.round-examples", DEFAULTS.roundExamples, 1));
    }

    @Override
    public List<String> keys() {
        return KEYS;
    }

    @Override
    public Map<String, String> toProperties() {
        Map<String, String> p = new TreeMap<>();
        p.put("search.zoom.round-examples", Long.toString(roundExamples));
        return p;
    }
}
