package dev.eddy.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DefaultSpaceTest {

    private static SortedMap<String, String> row(String layers, String optimizer, String rate, String batch) {
        return new TreeMap<>(
                Map.of("layers", layers, "optimizer", optimizer, "learning-rate", rate, "batch-size", batch));
    }

    /** Every configuration of issue 13's measured table is a point of the default space. */
    @Test
    void holdsEveryRowOfTheMeasuredTable() {
        List<SortedMap<String, String>> grid = SearchSpace.DEFAULT.grid();
        assertEquals(192, grid.size());
        for (SortedMap<String, String> row : List.of(
                row("64:relu,32:relu", "adam", "0.001", "32"),
                row("64:relu,32:relu", "adam", "0.01", "8"),
                row("128:relu,128:relu", "adam", "0.003", "4"),
                row("64:relu,32:relu", "adam", "0.01", "1"),
                row("64:relu,32:relu", "adam", "0.001", "1"),
                row("", "adam", "0.01", "1"),
                row("32:relu", "sgd", "0.05", "1"),
                row("", "sgd", "0.1", "1"))) {
            assertTrue(grid.contains(row), row + " is not in the default space");
        }
    }
}
