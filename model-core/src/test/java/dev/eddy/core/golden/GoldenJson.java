package dev.eddy.core.golden;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Strict reading of golden-v1 JSON: every object must have exactly the expected fields, and every value
 * the expected type, otherwise the case fails with a message naming the field (README §1: unknown
 * fields, kinds or names fail, never skip).
 */
final class GoldenJson {
    private GoldenJson() {}

    /** Fails unless {@code node} is an object whose field names are exactly {@code fields}. */
    static void expectFields(JsonNode node, String where, List<String> fields) {
        if (node == null || !node.isObject()) {
            throw new GoldenFormatException(where + " must be a JSON object, got " + node);
        }
        TreeSet<String> actual = new TreeSet<>();
        node.fieldNames().forEachRemaining(actual::add);
        TreeSet<String> expected = new TreeSet<>(fields);
        if (!actual.equals(expected)) {
            TreeSet<String> unknown = new TreeSet<>(actual);
            unknown.removeAll(expected);
            TreeSet<String> missing = new TreeSet<>(expected);
            missing.removeAll(actual);
            throw new GoldenFormatException(where + ": unknown fields " + unknown + ", missing fields " + missing
                    + " (expected " + expected + ")");
        }
    }

    static JsonNode field(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null) {
            throw new GoldenFormatException("missing field '" + name + "'");
        }
        return value;
    }

    static String text(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isTextual()) {
            throw new GoldenFormatException("field '" + name + "' must be a string, got " + value);
        }
        return value.textValue();
    }

    static double real(JsonNode node, String name) {
        return realValue(field(node, name), "field '" + name + "'");
    }

    static double realValue(JsonNode value, String where) {
        if (value == null || !value.isNumber()) {
            throw new GoldenFormatException(where + " must be a number, got " + value);
        }
        return value.doubleValue();
    }

    static long integer(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new GoldenFormatException("field '" + name + "' must be an integer, got " + value);
        }
        return value.longValue();
    }

    static int intValue(JsonNode node, String name) {
        long value = integer(node, name);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new GoldenFormatException("field '" + name + "' is out of int range: " + value);
        }
        return (int) value;
    }

    static boolean bool(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isBoolean()) {
            throw new GoldenFormatException("field '" + name + "' must be true or false, got " + value);
        }
        return value.booleanValue();
    }

    static double[] vector(JsonNode node, String name) {
        return vectorValue(field(node, name), "field '" + name + "'");
    }

    static double[] vectorValue(JsonNode value, String where) {
        if (!value.isArray()) {
            throw new GoldenFormatException(where + " must be an array of numbers, got " + value);
        }
        double[] out = new double[value.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = realValue(value.get(i), where + "[" + i + "]");
        }
        return out;
    }

    static long[] integers(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isArray()) {
            throw new GoldenFormatException("field '" + name + "' must be an array of integers, got " + value);
        }
        long[] out = new long[value.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = value.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToLong()) {
                throw new GoldenFormatException("field '" + name + "[" + i + "]' must be an integer, got " + e);
            }
            out[i] = e.longValue();
        }
        return out;
    }

    /** An array of number arrays; rows may differ in length unless checked by the caller. */
    static double[][] rows(JsonNode node, String name) {
        JsonNode value = field(node, name);
        String where = "field '" + name + "'";
        if (!value.isArray()) {
            throw new GoldenFormatException(where + " must be an array of rows, got " + value);
        }
        double[][] out = new double[value.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = vectorValue(value.get(i), where + "[" + i + "]");
        }
        return out;
    }

    /** A rectangular matrix with at least one row and one column. */
    static double[][] matrix(JsonNode node, String name) {
        double[][] m = rows(node, name);
        if (m.length == 0 || m[0].length == 0) {
            throw new GoldenFormatException("matrix '" + name + "' must not be empty");
        }
        for (double[] row : m) {
            if (row.length != m[0].length) {
                throw new GoldenFormatException("matrix '" + name + "' has rows of lengths " + m[0].length + " and "
                        + row.length + "; expected a rectangular matrix");
            }
        }
        return m;
    }

    /** An object of numbers, in file order. */
    static Map<String, Double> numberMap(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isObject()) {
            throw new GoldenFormatException("field '" + name + "' must be an object, got " + value);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            out.put(e.getKey(), realValue(e.getValue(), name + "." + e.getKey()));
        }
        return out;
    }

    /** An array of objects. */
    static List<JsonNode> objects(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isArray()) {
            throw new GoldenFormatException("field '" + name + "' must be an array of objects, got " + value);
        }
        List<JsonNode> out = new ArrayList<>();
        value.forEach(out::add);
        return out;
    }
}
