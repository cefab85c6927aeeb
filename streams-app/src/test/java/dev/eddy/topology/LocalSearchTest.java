package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.search.AshaConfig;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.schema.Example;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/** Trials side by side: each trains as it would alone, the champion's model serves, decisions at example counts. */
class LocalSearchTest {

    private static final String MODEL = "m";

    private static Map<String, String> base() {
        Map<String, String> s = TrainingFixture.logisticModel(MODEL);
        s.put("application.id", "search");
        s.put("holdout.fraction", "0.2");
        s.put("prequential.window", "20");
        return s;
    }

    private static SearchConfig search(String... keyValues) {
        Map<String, String> p = new HashMap<>();
        p.put("search.space.learning-rate", "0.001|0.03|0.3");
        p.put("search.space.batch-size", "1|4");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return SearchConfig.parse(p).orElseThrow();
    }

    private static EddyConfig trialConfig(SortedMap<String, String> trial) {
        Map<String, String> s = base();
        trial.forEach((k, v) -> s.put("model." + MODEL + "." + k, v));
        return EddyConfig.of(s);
    }

    private static LocalSearch local(SearchConfig search) {
        List<SortedMap<String, String>> configs = search.initialTrials();
        return new LocalSearch(
                search,
                configs,
                configs.stream().map(LocalSearchTest::trialConfig).toList());
    }

    private static double[][] row(Example e) {
        return new double[][] {
            e.getFeatures().stream().mapToDouble(Double::doubleValue).toArray()
        };
    }

    /**
     * Grid over 6 points: every trial trains on every example exactly as a {@link LocalTraining} alone with its
     * configuration (bit-identical state), and each example is served by the model of the trial that is champion
     * when it arrives, before any step on it.
     */
    @Test
    void eachTrialTrainsAsAloneAndTheChampionServes() {
        SearchConfig grid = search("search.strategy", "grid", "search.switch-margin", "0.01");
        LocalSearch search = local(grid);
        List<LocalTraining> alone = new ArrayList<>();
        for (SortedMap<String, String> trial : grid.initialTrials()) {
            alone.add(new LocalTraining(trialConfig(trial), TrainingListener.NONE));
        }
        List<Integer> champions = new ArrayList<>();
        for (Example e : TrainingFixture.blobs(400, 5, MODEL)) {
            int champion = search.champion();
            champions.add(champion);
            double expected = alone.get(champion).predictions(row(e))[0];
            assertThat(search.accept(e)).isEqualTo(expected);
            alone.forEach(t -> t.accept(e));
        }
        for (int t = 0; t < grid.trials(); t++) {
            assertThat(search.trialState(t))
                    .as("trial %d", t)
                    .isEqualTo(alone.get(t).trainerState());
        }
        long switches = search.events().stream()
                .filter(e -> e.kind().equals("search-champion"))
                .count();
        assertThat(switches).as("the first champion and at least one switch").isGreaterThanOrEqualTo(2);
        assertThat(champions.stream().distinct().count()).isGreaterThanOrEqualTo(2);
    }

    /**
     * ASHA over 6 trials, rungs 20 and 40, max 80 (η = 2): every prune and promotion happens when the trial has
     * trained exactly a rung's examples, the search ends with live trials, and the same stream gives the same
     * decisions and states.
     */
    @Test
    void ashaDecidesAtRungsAndIsDeterministic() {
        SearchConfig asha = search(
                "search.strategy", "asha",
                "search.trials", "6",
                "search.asha.min-examples", "20",
                "search.asha.max-examples", "80",
                "search.asha.eta", "2");
        AshaConfig rungs = (AshaConfig) asha.settings().orElseThrow();
        LocalSearch one = local(asha);
        LocalSearch two = local(asha);
        List<Example> examples = TrainingFixture.blobs(300, 9, MODEL);
        double[] servedOne = examples.stream().mapToDouble(one::accept).toArray();
        double[] servedTwo = examples.stream().mapToDouble(two::accept).toArray();
        assertThat(servedOne).isEqualTo(servedTwo);
        assertThat(one.events()).isEqualTo(two.events());
        for (int t = 0; t < 6; t++) {
            assertThat(one.trialState(t)).isEqualTo(two.trialState(t));
        }
        List<LocalSearch.Event> prunes = one.events().stream()
                .filter(e -> e.kind().equals("search-prune"))
                .toList();
        assertThat(prunes).isNotEmpty();
        for (LocalSearch.Event e : one.events()) {
            if (!e.kind().equals("search-champion")) {
                assertThat(e.detail()).matches("rung \\d at (20|40|80) examples");
            }
        }
        assertThat(rungs.rungs()).containsExactly(20, 40);
        List<LocalSearch.Standing> board = one.leaderboard();
        assertThat(board).hasSize(6);
        assertThat(board.stream().filter(s -> !s.status().equals("paused"))).isNotEmpty();
        assertThat(board.stream().mapToLong(LocalSearch.Standing::trained).sum())
                .isEqualTo(one.trialExamples());
        assertThat(board.stream().filter(s -> s.status().equals("paused")).mapToLong(LocalSearch.Standing::trained))
                .as("a pruned trial stops training at its rung")
                .allMatch(n -> n == 20 || n == 40);
    }

    @Test
    void aHoldoutMetricTheTaskDoesNotComputeIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> local(search("search.strategy", "random", "search.metric", "holdout_rmse")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("search.metric=holdout_rmse is not computed for a classification model");
    }
}
