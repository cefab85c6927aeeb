package dev.eddy.core.golden;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects mismatches under the golden rule |x − e| ≤ abs + rel·|e| (element-wise, exact shapes;
 * integers, booleans and nulls exactly) and fails once at the end with the first few.
 */
final class Comparison {
    private static final int SHOWN = 12;

    private final double abs;
    private final double rel;
    private final List<String> mismatches = new ArrayList<>();
    private long compared;

    Comparison(double abs, double rel) {
        if (!(abs >= 0) || !(rel >= 0)) {
            throw new GoldenFormatException("tolerance abs and rel must be >= 0, got abs=" + abs + ", rel=" + rel);
        }
        this.abs = abs;
        this.rel = rel;
    }

    void real(String where, double expected, double actual) {
        compared++;
        if (!(Math.abs(actual - expected) <= abs + rel * Math.abs(expected))) {
            mismatches.add(where + ": expected " + expected + ", got " + actual + " (diff "
                    + Math.abs(actual - expected) + ")");
        }
    }

    void vector(String where, double[] expected, double[] actual, int actualLength) {
        compared++; // the shape
        if (expected.length != actualLength) {
            mismatches.add(where + ": expected length " + expected.length + ", got " + actualLength);
            return;
        }
        for (int i = 0; i < expected.length; i++) {
            real(where + "[" + i + "]", expected[i], actual[i]);
        }
    }

    /** Compares a row-major [rows × cols] block of {@code actual} with {@code expected}. */
    void matrix(String where, double[][] expected, double[] actual, int rows, int cols) {
        compared++; // the shape
        if (expected.length != rows) {
            mismatches.add(where + ": expected " + expected.length + " rows, got " + rows);
            return;
        }
        for (int r = 0; r < rows; r++) {
            if (expected[r].length != cols) {
                mismatches.add(where + "[" + r + "]: expected " + expected[r].length + " columns, got " + cols);
                return;
            }
            for (int c = 0; c < cols; c++) {
                real(where + "[" + r + "][" + c + "]", expected[r][c], actual[r * cols + c]);
            }
        }
    }

    /** Exact comparison for integers, booleans and nulls. */
    void exact(String where, Object expected, Object actual) {
        compared++;
        if (expected == null ? actual != null : !expected.equals(actual)) {
            mismatches.add(where + ": expected " + expected + ", got " + actual);
        }
    }

    void verify() {
        if (compared == 0) {
            throw new AssertionError("nothing was compared");
        }
        if (!mismatches.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            sb.append(mismatches.size()).append(" of ").append(compared).append(" values differ");
            for (int i = 0; i < Math.min(SHOWN, mismatches.size()); i++) {
                sb.append("\n  ").append(mismatches.get(i));
            }
            throw new AssertionError(sb.toString());
        }
    }
}
