package dev.eddy.core.search;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads {@code search.*} values for the configuration records. A parse failure and a range failure give the
 * same message form: the key, the allowed range and the value received.
 */
final class SearchKeys {

    private SearchKeys() {}

    /** Fails on any key of {@code props} that is not one of {@code keys} (the chosen strategy's keys). */
    static void onlyThese(Map<String, String> props, List<String> keys, String strategy) {
        for (String key : new TreeSet<>(props.keySet())) {
            if (!keys.contains(key)) {
                throw new IllegalArgumentException("key '" + key + "' does not apply with search.strategy=" + strategy
                        + (keys.isEmpty()
                                ? "; no strategy key applies"
                                : "; strategy keys that apply: " + String.join(", ", keys)));
            }
        }
    }

    /** A number in {@code [low, high]} ({@code range} says so in words), or {@code fallback} when absent. */
    static double real(Map<String, String> props, String key, double fallback, double low, double high, String range) {
        String text = props.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            double v = Double.parseDouble(text.trim());
            if (v >= low && v <= high) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw new IllegalArgumentException(key + " must be a number " + range + ", got '" + text + "'");
    }

    /** An integer {@code >= min}, or {@code fallback} when absent. */
    static long atLeast(Map<String, String> props, String key, long fallback, long min) {
        String text = props.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            long v = Long.parseLong(text.trim().replace("_", ""));
            if (v >= min) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw new IllegalArgumentException(key + " must be an integer >= " + min + ", got '" + text + "'");
    }

    /** Any 64-bit integer, or {@code fallback} when absent. */
    static long anyLong(Map<String, String> props, String key, long fallback) {
        String text = props.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a 64-bit integer, got '" + text + "'");
        }
    }
}
