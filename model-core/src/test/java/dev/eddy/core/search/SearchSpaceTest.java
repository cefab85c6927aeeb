package dev.eddy.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.eddy.core.init.Xoshiro256;
import dev.eddy.core.train.TrainerConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {

    private static String error(Map<String, String> props) {
        return assertThrows(IllegalArgumentException.class, () -> SearchSpace.parse(props))
                .getMessage();
    }

    @Test
    void listOnlyKeysAreTrainerKeys() {
        for (String key : SearchSpace.LIST_ONLY) {
            assertTrue(TrainerConfig.KEYS.contains(key), key);
        }
    }

    @Test
    void parsesEveryForm() {
        SearchSpace space = SearchSpace.parse(Map.of(
                "search.space.learning-rate", "loguniform(1e-4, 0.1)",
                "search.space.layers", "64:relu,32:relu|32:relu|",
                "search.space.batch-size", "int(1,4)",
                "search.space.l2", "uniform(0,0.01)",
                "search.strategy", "random"));
        assertEquals(List.of("batch-size", "l2", "layers", "learning-rate"), space.keys());
        assertEquals(
                new SearchSpace.IntRange("batch-size", 1, 4), space.dimensions().get(0));
        assertEquals(new SearchSpace.Uniform("l2", 0, 0.01), space.dimensions().get(1));
        assertEquals(
                new SearchSpace.Choice("layers", List.of("64:relu,32:relu", "32:relu", "")),
                space.dimensions().get(2));
        assertEquals(
                new SearchSpace.LogUniform("learning-rate", 1e-4, 0.1),
                space.dimensions().get(3));
    }

    @Test
    void refusesBadSpacesNamingTheKey() {
        assertTrue(error(Map.of("search.space.hidden", "1|2"))
                .startsWith("search.space.hidden: 'hidden' is not a trainer key"));
        assertTrue(error(Map.of("search.space.learning-rate", "uniform(0.1,0.01)"))
                .contains("search.space.learning-rate: 'uniform(0.1,0.01)' is an empty or inverted range"));
        assertTrue(
                error(Map.of("search.space.learning-rate", "uniform(0.1,0.1)")).contains("empty or inverted"));
        assertTrue(error(Map.of("search.space.batch-size", "int(4,1)")).contains("search.space.batch-size"));
        assertTrue(error(Map.of("search.space.batch-size", "int(4,4)")).contains("empty or inverted"));
        assertTrue(error(Map.of("search.space.learning-rate", "loguniform(0,1)"))
                .contains("search.space.learning-rate: 'loguniform(0,1)' has a non-positive bound; expected"
                        + " loguniform(a,b) with 0 < a < b"));
        assertTrue(error(Map.of("search.space.learning-rate", "")).startsWith("search.space.learning-rate is empty"));
        assertTrue(error(Map.of("search.space.learning-rate", "0.1||0.2")).contains("empty entry"));
        assertTrue(error(Map.of("search.space.learning-rate", "0.1|0.1")).contains("appears twice"));
        assertTrue(error(Map.of("search.space.learning-rate", "uniform(a,1)")).contains("bound 'a'"));
        assertTrue(error(Map.of("search.space.learning-rate", "uniform(1)")).contains("two bounds"));
        assertTrue(error(Map.of("search.space.batch-size", "int(1.5,3)")).contains("is not an integer"));
        assertEquals(
                "search.space.layers: 'int(1,3)' is a range, but 'layers' is not a number; write its values as a list"
                        + " a|b|c",
                error(Map.of("search.space.layers", "int(1,3)")));
    }

    @Test
    void samplingIsDeterministicAndInRange() {
        SearchSpace space = SearchSpace.parse(Map.of(
                "search.space.learning-rate", "loguniform(1e-4,0.1)",
                "search.space.batch-size", "int(1,4)",
                "search.space.optimizer", "sgd|adam",
                "search.space.l2", "uniform(0,0.01)"));
        List<SortedMap<String, String>> a = space.sample(42, 200);
        assertEquals(a, space.sample(42, 200));
        assertTrue(!a.equals(space.sample(43, 200)));
        Set<String> batches = new HashSet<>();
        Set<String> optimizers = new HashSet<>();
        for (Map<String, String> t : a) {
            double lr = Double.parseDouble(t.get("learning-rate"));
            assertTrue(lr >= 1e-4 && lr <= 0.1, t.toString());
            double l2 = Double.parseDouble(t.get("l2"));
            assertTrue(l2 >= 0 && l2 <= 0.01, t.toString());
            batches.add(t.get("batch-size"));
            optimizers.add(t.get("optimizer"));
        }
        assertEquals(Set.of("1", "2", "3", "4"), batches);
        assertEquals(Set.of("sgd", "adam"), optimizers);
        // trial i is the i-th draw of one generator: the first trial is the one drawn alone
        assertEquals(a.get(0), space.sample(new Xoshiro256(42)));
    }

    @Test
    void gridEnumeratesEveryPointLastKeyFastest() {
        SearchSpace space = SearchSpace.parse(Map.of(
                "search.space.layers", "32:relu|",
                "search.space.learning-rate", "0.01|0.1",
                "search.space.batch-size", "int(1,2)"));
        assertEquals(8, space.gridSize());
        List<SortedMap<String, String>> grid = space.grid();
        assertEquals(Map.of("batch-size", "1", "layers", "32:relu", "learning-rate", "0.01"), grid.get(0));
        assertEquals(Map.of("batch-size", "1", "layers", "32:relu", "learning-rate", "0.1"), grid.get(1));
        assertEquals(Map.of("batch-size", "1", "layers", "", "learning-rate", "0.01"), grid.get(2));
        assertEquals(Map.of("batch-size", "2", "layers", "", "learning-rate", "0.1"), grid.get(7));
        assertEquals(8, new HashSet<>(grid).size());
    }

    @Test
    void gridRefusesAContinuousRange() {
        SearchSpace space = SearchSpace.parse(
                Map.of("search.space.learning-rate", "loguniform(1e-4,0.1)", "search.space.batch-size", "1|8"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, space::grid);
        assertTrue(e.getMessage().startsWith("search.space.learning-rate is a continuous range"), e.getMessage());
    }
}
