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

    /**
     * A search of the default space tries the portfolio first, in order, whatever its seed, then draws from the
     * seed; a space the user writes has no portfolio (its trials are the seed's draws from the first).
     */
    @Test
    void triesThePortfolioFirstThenDraws() {
        List<SortedMap<String, String>> portfolio = List.of(
                row("64:relu,32:relu", "adam", "0.001", "32"),
                row("64:relu,32:relu", "adam", "0.001", "1"),
                row("32:relu", "sgd", "0.05", "1"),
                row("", "sgd", "0.1", "1"));
        List<SortedMap<String, String>> grid = SearchSpace.DEFAULT.grid();
        for (long seed : new long[] {42, 7}) {
            List<SortedMap<String, String>> trials = SearchSpace.DEFAULT.sample(seed, 16);
            assertEquals(portfolio, trials.subList(0, 4));
            assertTrue(grid.containsAll(trials), "every trial is a point of the space");
            SearchSpace written = SearchSpace.parse(SearchSpace.DEFAULT_ENTRIES);
            assertEquals(written.sample(seed, 12), trials.subList(4, 16), "then the seed's draws");
        }
        assertEquals(portfolio.subList(0, 2), SearchSpace.DEFAULT.sample(42, 2));
    }
}
