package dev.eddy.core.drift;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads {@code drift.*} values for the configuration records. A parse failure and a range failure give the
 * same message form: the key, the allowed range and the value received.
 */
final class DriftKeys {

    private DriftKeys() {}

    /** Fails on any key of {@code props} that is not one of {@code keys} (the chosen detector's keys). */
    static void onlyThese(Map<String, String> props, List<String> keys, String detector) {
        for (String key : new TreeSet<>(props.keySet())) {
            if (!keys.contains(key)) {
                throw new IllegalArgumentException("key '" + key + "' does not apply with drift.detector=" + detector
                        + (keys.isEmpty()
                                ? "; no drift.* key applies"
                                : "; keys that apply: " + String.join(", ", keys)));
            }
        }
    }

    static double real(Map<String, String> props, String key, double fallback, String range) {
        String text = props.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            double v = Double.parseDouble(text.trim());
            if (!Double.isNaN(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw new IllegalArgumentException(key + " must be a number " + range + ", got '" + text + "'");
    }

    static int integer(Map<String, String> props, String key, int fallback, String range) {
        String text = props.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer " + range + ", got '" + text + "'");
        }
    }

    static long longValue(Map<String, String> props, String key, long fallback) {
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

    /** Requires {@code low < value < high}. */
    static double open(String key, double value, double low, double high, String range) {
        if (!(value > low && value < high)) {
            throw new IllegalArgumentException(key + " must be a number " + range + ", got " + value);
        }
        return value;
    }

    /** Requires {@code value >= min}. */
    static int atLeast(String key, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(key + " must be an integer >= " + min + ", got " + value);
        }
        return value;
    }
}
