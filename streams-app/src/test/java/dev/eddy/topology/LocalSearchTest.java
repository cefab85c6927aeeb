package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.search.AshaConfig;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.core.train.Architecture;
import dev.eddy.core.train.Evaluation;
import dev.eddy.core.train.Trainer;
import dev.eddy.schema.Example;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Function;
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
        return new LocalSearch(search, LocalSearchTest::trialConfig);
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
        List<SearchTraining.Event> prunes = one.events().stream()
                .filter(e -> e.kind().equals("search-prune"))
                .toList();
        assertThat(prunes).isNotEmpty();
        for (SearchTraining.Event e : one.events()) {
            if (!e.kind().equals("search-champion")) {
                assertThat(e.detail()).matches("rung \\d at (20|40|80) examples");
            }
        }
        assertThat(rungs.rungs()).containsExactly(20, 40);
        List<SearchTraining.Standing> board = one.leaderboard();
        assertThat(board).hasSize(6);
        assertThat(board.stream().filter(s -> !s.status().equals("paused"))).isNotEmpty();
        assertThat(board.stream().mapToLong(SearchTraining.Standing::trained).sum())
                .isEqualTo(one.trialExamples());
        assertThat(board.stream().filter(s -> s.status().equals("paused")).mapToLong(SearchTraining.Standing::trained))
                .as("a pruned trial stops training at its rung")
                .allMatch(n -> n == 20 || n == 40);
    }

    @Test
    void aHoldoutMetricTheTaskDoesNotComputeIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> local(search("search.strategy", "random", "search.metric", "holdout_rmse")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("search.metric=holdout_rmse is not computed for a classification model");
    }

    /**
     * The labels flip after 300 examples: the champion's drift detector fires, the search re-opens (every trial
     * live again, milestones counted afresh) and prunes again under the new concept; a random search is not
     * re-opened (it prunes nothing).
     */
    @Test
    void theChampionsDriftReopensTheSearch() {
        List<Example> examples = new ArrayList<>(TrainingFixture.blobs(300, 11, MODEL));
        for (Example e : TrainingFixture.blobs(600, 12, MODEL)) {
            examples.add(
                    Example.newBuilder(e).setClassLabel(1 - e.getClassLabel()).build());
        }
        LocalSearch asha = local(search(
                "search.strategy", "asha",
                "search.trials", "6",
                "search.asha.min-examples", "20",
                "search.asha.max-examples", "80",
                "search.asha.eta", "2"));
        examples.forEach(asha::accept);
        SearchTraining.Event reopen = asha.events().stream()
                .filter(e -> e.kind().equals("search-reopen"))
                .findFirst()
                .orElseThrow();
        assertThat(reopen.row()).isGreaterThan(300);
        assertThat(asha.events().stream()
                        .filter(e -> e.kind().equals("search-prune"))
                        .map(SearchTraining.Event::row))
                .as("pruning before and after the re-opening")
                .anyMatch(row -> row < 300)
                .anyMatch(row -> row > reopen.row());
        LocalSearch random = local(search("search.strategy", "random", "search.trials", "3"));
        examples.forEach(random::accept);
        assertThat(random.events()).noneMatch(e -> e.kind().equals("search-reopen"));
    }

    /**
     * Zoom over 4 trials, rounds of 30 training examples: each round keeps the best and resamples the other 3 around
     * it; a resampled trial is a fresh model with its new configuration, bit-identical to one trained alone on the
     * examples since it was resampled.
     */
    @Test
    void zoomResamplesTrialsAsFreshModels() {
        SearchConfig zoom = search(
                "search.strategy", "zoom",
                "search.trials", "4",
                "search.zoom.round-examples", "30",
                "search.space.learning-rate", "loguniform(0.001,0.5)");
        LocalSearch search = local(zoom);
        List<Example> examples = TrainingFixture.blobs(200, 21, MODEL);
        examples.forEach(search::accept);
        List<SearchTraining.Event> resamples = search.events().stream()
                .filter(e -> e.kind().equals("search-resample"))
                .toList();
        assertThat(resamples).hasSizeGreaterThanOrEqualTo(9);
        for (int t = 0; t < 4; t++) {
            int trial = t;
            SearchTraining.Event last = resamples.stream()
                    .filter(e -> e.trial() == trial)
                    .reduce((a, b) -> b)
                    .orElse(null);
            if (last == null) {
                continue;
            }
            SortedMap<String, String> config = search.leaderboard().stream()
                    .filter(s -> s.trial() == trial)
                    .findFirst()
                    .orElseThrow()
                    .config();
            assertThat(last.detail()).isEqualTo(config.toString());
            LocalTraining alone = new LocalTraining(trialConfig(config), TrainingListener.NONE);
            examples.subList((int) last.row(), examples.size()).forEach(alone::accept);
            assertThat(search.trialState(trial)).as("trial %d", trial).isEqualTo(alone.trainerState());
        }
    }

    /**
     * PBT over 4 trials, every 30 trained examples: the bottom trial copies a top trial. Replayed up to an exploit's
     * row, the receiver has the donor's weights exactly, under the event's configuration (one batch size, so its
     * partial batch does not fill at the exploit and no step follows it); the same stream gives the same search.
     */
    @Test
    void pbtCopiesTheDonorsModelAtEachInterval() {
        SearchConfig pbt = search(
                "search.strategy", "pbt",
                "search.trials", "4",
                "search.seed", "3",
                "search.pbt.interval-examples", "30",
                "search.pbt.quantile", "0.25",
                "search.space.learning-rate", "loguniform(0.001,0.5)",
                "search.space.batch-size", "4");
        List<Example> examples = TrainingFixture.blobs(200, 23, MODEL);
        LocalSearch one = local(pbt);
        LocalSearch two = local(pbt);
        double[] servedOne = examples.stream().mapToDouble(one::accept).toArray();
        assertThat(examples.stream().mapToDouble(two::accept).toArray()).isEqualTo(servedOne);
        assertThat(one.events()).isEqualTo(two.events());
        List<SearchTraining.Event> exploits = one.events().stream()
                .filter(e -> e.kind().equals("search-exploit"))
                .toList();
        long trained = one.leaderboard().get(0).trained();
        assertThat(exploits).hasSize((int) (trained / 30));
        for (SearchTraining.Event exploit : exploits) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("from trial (\\d) to trial (\\d): (.*)")
                    .matcher(exploit.detail());
            assertThat(m.matches()).as(exploit.detail()).isTrue();
            int donor = Integer.parseInt(m.group(1));
            assertThat(Integer.parseInt(m.group(2))).isEqualTo(exploit.trial()).isNotEqualTo(donor);
            LocalSearch replay = local(pbt);
            examples.subList(0, (int) exploit.row()).forEach(replay::accept);
            Trainer receiver = Trainer.restore(replay.trialState(exploit.trial()));
            Trainer from = Trainer.restore(replay.trialState(donor));
            assertThat(Architecture.weights(receiver.network()))
                    .containsExactlyElementsOf(Architecture.weights(from.network()));
            assertThat(receiver.config().learningRate())
                    .isEqualTo(Double.parseDouble(m.group(3).replaceAll(".*learning-rate=([^,}]*).*", "$1")));
        }
    }

    /**
     * {@code search.ensemble-top=3}: each example is served by the majority of the champion and the two best other
     * trials (ties to the better-ranked), computed here from the trials trained alone.
     */
    @Test
    void theTopTrialsVoteWithEnsembleTop() {
        SearchConfig grid = search("search.strategy", "grid", "search.ensemble-top", "3");
        LocalSearch search = local(grid);
        List<LocalTraining> alone = new ArrayList<>();
        for (SortedMap<String, String> trial : grid.initialTrials()) {
            alone.add(new LocalTraining(trialConfig(trial), TrainingListener.NONE));
        }
        long disagreements = 0;
        for (Example e : TrainingFixture.blobs(300, 8, MODEL)) {
            int champion = search.champion();
            List<Integer> others = new ArrayList<>();
            for (int t = 0; t < grid.trials(); t++) {
                if (t != champion) {
                    others.add(t);
                }
            }
            others.sort((a, b) -> {
                double ma = search.liveMetric(a);
                double mb = search.liveMetric(b);
                return Double.isNaN(ma) || Double.isNaN(mb)
                        ? Boolean.compare(Double.isNaN(ma), Double.isNaN(mb))
                        : Double.compare(mb, ma);
            });
            double first = alone.get(champion).predictions(row(e))[0];
            double second = alone.get(others.get(0)).predictions(row(e))[0];
            double third = alone.get(others.get(1)).predictions(row(e))[0];
            double expected = second == third ? second : first;
            disagreements += first != expected ? 1 : 0;
            assertThat(search.accept(e)).isEqualTo(expected);
            alone.forEach(t -> t.accept(e));
        }
        assertThat(disagreements)
                .as("the vote overruled the champion at least once")
                .isPositive();
    }

    /** With search.metric=holdout_loss a trial's metric is the loss of its last holdout evaluation, smaller better. */
    @Test
    void aHoldoutMetricIsTheLastHoldoutEvaluation() {
        SearchConfig grid = search("search.strategy", "grid", "search.metric", "holdout_loss");
        Function<SortedMap<String, String>, EddyConfig> configOf = trial -> {
            Map<String, String> s = base();
            s.put("model." + MODEL + ".eval-every", "5");
            trial.forEach((k, v) -> s.put("model." + MODEL + "." + k, v));
            return EddyConfig.of(s);
        };
        LocalSearch search = new LocalSearch(grid, configOf);
        double[] lastLoss = new double[grid.trials()];
        List<LocalTraining> alone = new ArrayList<>();
        for (int t = 0; t < grid.trials(); t++) {
            int trial = t;
            alone.add(new LocalTraining(configOf.apply(grid.initialTrials().get(t)), new TrainingListener() {
                @Override
                public void onHoldoutEvaluation(String modelId, Evaluation evaluation) {
                    lastLoss[trial] = evaluation.loss();
                }
            }));
        }
        for (Example e : TrainingFixture.blobs(300, 4, MODEL)) {
            search.accept(e);
            alone.forEach(t -> t.accept(e));
        }
        List<SearchTraining.Standing> board = search.leaderboard();
        for (SearchTraining.Standing s : board) {
            assertThat(s.metric()).as("trial %d", s.trial()).isEqualTo(lastLoss[s.trial()]);
        }
        assertThat(board.get(0).metric())
                .as("smallest loss first")
                .isLessThanOrEqualTo(board.get(5).metric());
    }
}
