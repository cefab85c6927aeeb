package dev.eddy.core.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SearchConfigTest {

    private static Map<String, String> with(String... keyValues) {
        Map<String, String> p = new HashMap<>();
        p.put("search.space.learning-rate", "0.001|0.01|0.1");
        p.put("search.space.batch-size", "1|32");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private static String error(Map<String, String> props) {
        return assertThrows(IllegalArgumentException.class, () -> SearchConfig.parse(props))
                .getMessage();
    }

    @Test
    void noSearchKeysIsNoSearch() {
        assertEquals(Optional.empty(), SearchConfig.parse(Map.of("learning-rate", "0.1")));
    }

    @Test
    void defaults() {
        SearchConfig c = SearchConfig.parse(with("search.strategy", "asha")).orElseThrow();
        assertEquals(16, c.trials());
        assertEquals(42, c.seed());
        assertEquals("prequential", c.metric());
        assertEquals(0.005, c.switchMargin());
        assertEquals(Optional.of(new AshaConfig(1_000, 64_000, 4)), c.settings());
        assertArrayEquals(new long[] {1_000, 4_000, 16_000}, new AshaConfig(1_000, 64_000, 4).rungs());
        assertEquals(
                Optional.of(new PbtConfig(5_000, 0.25, 0.25)),
                SearchConfig.parse(with("search.strategy", "pbt")).orElseThrow().settings());
        assertEquals(
                Optional.of(new ZoomConfig(10_000)),
                SearchConfig.parse(with("search.strategy", "zoom"))
                        .orElseThrow()
                        .settings());
        assertEquals(
                Optional.empty(),
                SearchConfig.parse(with("search.strategy", "random"))
                        .orElseThrow()
                        .settings());
        assertTrue(c.maximize(false));
        assertFalse(c.maximize(true));
        assertEquals(16, c.initialTrials().size());
    }

    @Test
    void readsEveryKey() {
        SearchConfig c = SearchConfig.parse(with(
                        "search.strategy", "hyperband",
                        "search.trials", "27",
                        "search.seed", "-7",
                        "search.metric", "holdout_loss",
                        "search.switch-margin", "0",
                        "search.asha.min-examples", "100",
                        "search.asha.max-examples", "1000",
                        "search.asha.eta", "3"))
                .orElseThrow();
        assertEquals(27, c.trials());
        assertEquals(-7, c.seed());
        assertFalse(c.maximize(false));
        assertEquals(new AshaConfig(100, 1000, 3), c.settings().orElseThrow());
        assertArrayEquals(new long[] {100, 300, 900}, new AshaConfig(100, 1000, 3).rungs());
        PbtConfig pbt = (PbtConfig) SearchConfig.parse(with(
                        "search.strategy", "pbt",
                        "search.pbt.interval-examples", "200",
                        "search.pbt.quantile", "0.5",
                        "search.pbt.resample-probability", "0"))
                .orElseThrow()
                .settings()
                .orElseThrow();
        assertEquals(new PbtConfig(200, 0.5, 0), pbt);
    }

    @Test
    void gridTrialsAreTheGridsSize() {
        SearchConfig c = SearchConfig.parse(with("search.strategy", "grid")).orElseThrow();
        assertEquals(6, c.trials());
        assertEquals(c.space().grid(), c.initialTrials());
        assertEquals(
                "search.trials=7 with search.strategy=grid: the grid over [batch-size, learning-rate] has 6 points;"
                        + " leave search.trials unset or set it to 6",
                error(with("search.strategy", "grid", "search.trials", "7")));
        assertEquals(
                6,
                SearchConfig.parse(with("search.strategy", "grid", "search.trials", "6"))
                        .orElseThrow()
                        .trials());
        assertTrue(error(with("search.strategy", "grid", "search.trials", "5"))
                .contains("leave search.trials unset or set it to 6"));
        assertTrue(error(with("search.strategy", "grid", "search.space.l2", "uniform(0,1)"))
                .startsWith("search.space.l2 is a continuous range"));
    }

    @Test
    void refusesBadValuesNamingTheKey() {
        assertEquals(
                "search.strategy must be one of [grid, random, zoom, asha, hyperband, pbt], got 'bayes'",
                error(with("search.strategy", "bayes")));
        assertTrue(error(with()).startsWith("search.strategy is required"));
        assertTrue(
                error(Map.of("search.strategy", "grid", "search.trials", "193")).contains("has 192 points"));
        assertEquals(
                "key 'search.pbt.quantile' does not apply with search.strategy=asha; strategy keys that apply:"
                        + " search.asha.eta, search.asha.max-examples, search.asha.min-examples",
                error(with("search.strategy", "asha", "search.pbt.quantile", "0.1")));
        assertTrue(
                error(with("search.strategy", "random", "search.asha.eta", "3")).contains("no strategy key applies"));
        assertTrue(
                error(with("search.strategy", "asha", "search.bogus", "1")).startsWith("unknown key 'search.bogus'"));
        assertEquals(
                "search.trials must be an integer >= 1, got '0'",
                error(with("search.strategy", "random", "search.trials", "0")));
        assertTrue(error(with("search.strategy", "random", "search.seed", "x")).startsWith("search.seed"));
        assertTrue(error(with("search.strategy", "random", "search.metric", "holdout_r2"))
                .startsWith("search.metric must be prequential, holdout_loss or holdout_<metric>"));
        assertTrue(error(with("search.strategy", "random", "search.switch-margin", "-0.1"))
                .startsWith("search.switch-margin must be a number finite, >= 0, got '-0.1'"));
        assertEquals(
                "search.asha.min-examples must be an integer >= 1, got '0'",
                error(with("search.strategy", "asha", "search.asha.min-examples", "0")));
        assertEquals(
                "search.asha.eta must be an integer >= 2, got '1'",
                error(with("search.strategy", "asha", "search.asha.eta", "1")));
        assertEquals(
                "search.asha.max-examples must be greater than search.asha.min-examples (1000), got 1000",
                error(with("search.strategy", "asha", "search.asha.max-examples", "1000")));
        assertEquals(
                "search.pbt.quantile must be a number in (0, 0.5], got '0.6'",
                error(with("search.strategy", "pbt", "search.pbt.quantile", "0.6")));
        assertEquals(
                "search.pbt.resample-probability must be a number in [0, 1], got '2'",
                error(with("search.strategy", "pbt", "search.pbt.resample-probability", "2")));
        assertEquals(
                "search.pbt.interval-examples must be an integer >= 1, got '0'",
                error(with("search.strategy", "pbt", "search.pbt.interval-examples", "0")));
        assertEquals(
                "search.pbt.interval-examples must be an integer >= 1, got '5k'",
                error(with("search.strategy", "pbt", "search.pbt.interval-examples", "5k")));
        assertEquals(
                "search.pbt.quantile must be a number in (0, 0.5], got '0'",
                error(with("search.strategy", "pbt", "search.pbt.quantile", "0")));
        assertEquals(
                "search.pbt.quantile must be a number in (0, 0.5], got 'top'",
                error(with("search.strategy", "pbt", "search.pbt.quantile", "top")));
        assertEquals(
                "search.pbt.resample-probability must be a number in [0, 1], got '-0.1'",
                error(with("search.strategy", "pbt", "search.pbt.resample-probability", "-0.1")));
        assertTrue(error(with("search.strategy", "zoom", "search.pbt.interval-examples", "10"))
                .startsWith("key 'search.pbt.interval-examples' does not apply with search.strategy=zoom"));
        assertTrue(error(with("search.strategy", "pbt", "search.trials", "1"))
                .startsWith("search.trials=1 with search.strategy=pbt: population-based training needs at least 2"));
        assertEquals(
                "search.zoom.round-examples must be an integer >= 1, got '0'",
                error(with("search.strategy", "zoom", "search.zoom.round-examples", "0")));
        assertTrue(error(with("search.strategy", "asha", "search.space.hidden", "1"))
                .startsWith("search.space.hidden: 'hidden' is not a trainer key"));
    }

    @Test
    void withoutSpaceKeysTheDefaultSpaceIsSearched() {
        SearchConfig random =
                SearchConfig.parse(Map.of("search.strategy", "random")).orElseThrow();
        assertEquals(SearchSpace.DEFAULT, random.space());
        assertEquals(16, random.trials());
        SearchConfig grid =
                SearchConfig.parse(Map.of("search.strategy", "grid")).orElseThrow();
        assertEquals(192, grid.trials());
        assertEquals(SearchSpace.DEFAULT.grid(), grid.initialTrials());
    }

    @Test
    void ensembleTopIsBetweenOneAndTheTrials() {
        assertEquals(
                1,
                SearchConfig.parse(with("search.strategy", "random"))
                        .orElseThrow()
                        .ensembleTop());
        assertEquals(
                3,
                SearchConfig.parse(with("search.strategy", "random", "search.ensemble-top", "3"))
                        .orElseThrow()
                        .ensembleTop());
        assertEquals(
                "search.ensemble-top must be an integer in [1, search.trials=16], got 17",
                error(with("search.strategy", "random", "search.ensemble-top", "17")));
        assertEquals(
                "search.ensemble-top must be an integer >= 1, got '0'",
                error(with("search.strategy", "random", "search.ensemble-top", "0")));
    }

    @Test
    void placementSpreadsUnlessToldTask() {
        for (String strategy : SearchConfig.STRATEGIES) {
            assertTrue(
                    SearchConfig.parse(with("search.strategy", strategy))
                            .orElseThrow()
                            .spreads(),
                    strategy);
            assertFalse(
                    SearchConfig.parse(with("search.strategy", strategy, "search.placement", "task"))
                            .orElseThrow()
                            .spreads(),
                    strategy);
        }
        assertEquals(
                "search.placement must be one of [spread, task], got 'everywhere'",
                error(with("search.strategy", "asha", "search.placement", "everywhere")));
    }
}
