package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.metrics.MetricsServer;
import dev.eddy.metrics.PrometheusMetrics;
import dev.eddy.metrics.SearchTrialMeters;
import dev.eddy.status.ModelStatusHandler;
import dev.eddy.tools.Promtool;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-trial gauges of a search in the application ({@link SearchTrialMeters}), scraped over HTTP from a metrics
 * server whose scrapes refresh them from the search's stored leaderboard, the one {@code GET /models/{id}/trials}
 * answers: exactly the best {@value SearchTrialMeters#TOP_TRIALS} live trials have series, with the leaderboard's
 * values, and a pruned or reset-away trial's series leave the registry.
 */
class SearchTrialMetersTest {

    private static final String MODEL = "m";
    private static final int TRIALS = 24;
    private static final Pattern SAMPLE = Pattern.compile(
            "^(eddy_search_trial_[a-z]+)\\{model=\"m\",trial=\"(m~t\\d+)\"} (\\S+)$", Pattern.MULTILINE);

    @TempDir
    Path dir;

    /** {@link SearchTrainingTest}'s ASHA search with 24 trials over a continuous learning rate. */
    private static Map<String, String> settings() {
        Map<String, String> s = SearchTrainingTest.settings();
        s.put("model.m.search.trials", Integer.toString(TRIALS));
        s.put("model.m.search.space.learning-rate", "loguniform(0.0001,1)");
        return s;
    }

    @Test
    void theBestTwentyLiveTrialsHaveGaugesAndPrunedOrResetAwayTrialsLoseThem() throws Exception {
        try (TrainingFixture f = new TrainingFixture(settings(), dir);
                PrometheusMetrics metrics = new PrometheusMetrics();
                MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), metrics.registry())) {
            KeyValueStore<String, byte[]> store = f.driver.getKeyValueStore(TrainingTopology.TRAINER_STATE_STORE);
            ModelStatusHandler.Trials trials = ModelStatusHandler.Trials.inStore(() -> store, f.config);
            SearchTrialMeters meters =
                    metrics.bind(new SearchTrialMeters(f.config.searches().keySet(), trials));
            server.beforeScrape(meters::refresh);

            // Before the first rung (16 examples trained): all 24 trials live, 20 shown.
            f.pipe(TrainingFixture.blobs(15, 3, MODEL));
            List<SearchTraining.Standing> board = trials.of(MODEL).orElseThrow();
            assertThat(board).hasSize(TRIALS).allMatch(SearchTraining.Standing::live);
            String scrape = scrape(server);
            Map<String, Map<String, String>> shown = series(scrape);
            assertThat(shown.keySet())
                    .containsExactly(
                            "eddy_search_trial_champion", "eddy_search_trial_examples", "eddy_search_trial_metric");
            assertShows(shown, board);
            assertThat(shown.get("eddy_search_trial_champion").values().stream().mapToDouble(Double::parseDouble))
                    .as("one champion among the best")
                    .containsOnlyOnce(1.0);

            // Past the rungs: pruned trials lose their series.
            f.pipe(TrainingFixture.blobs(300, 5, MODEL));
            List<SearchTraining.Standing> later = trials.of(MODEL).orElseThrow();
            List<String> pruned = later.stream()
                    .filter(s -> !s.live())
                    .map(s -> SearchTraining.trialId(MODEL, s.trial()))
                    .toList();
            assertThat(pruned)
                    .as("ASHA with eta 2 pruned trials that had series")
                    .containsAnyElementsOf(shown.get("eddy_search_trial_metric").keySet());
            Map<String, Map<String, String>> afterPrunes = series(scrape(server));
            assertShows(afterPrunes, later);
            assertThat(afterPrunes.get("eddy_search_trial_metric")).doesNotContainKeys(pruned.toArray(String[]::new));
            assertThat(metrics.registry().find("eddy.search.trial.metric").gauges())
                    .as("removed from the registry, not only from the scrape")
                    .hasSize((int)
                            later.stream().filter(SearchTraining.Standing::live).count());

            // A reset: every trial afresh (no metric yet, ranked by number), the trials beyond the 20th gone.
            f.command("reset m");
            Map<String, Map<String, String>> afterReset = series(scrape(server));
            assertShows(afterReset, trials.of(MODEL).orElseThrow());
            assertThat(afterReset.get("eddy_search_trial_examples").keySet())
                    .containsExactlyElementsOf(IntStream.range(0, SearchTrialMeters.TOP_TRIALS)
                            .mapToObj(t -> SearchTraining.trialId(MODEL, t))
                            .sorted()
                            .toList());
            assertThat(afterReset.get("eddy_search_trial_examples").values().stream()
                            .mapToDouble(Double::parseDouble))
                    .containsOnly(0.0);
            Promtool.checkMetrics(scrape, dir);

            // A stored search its keys no longer match (its task dead-letters its inputs): the scrape still answers.
            store.put(MODEL + "/search", new byte[] {0, 1, 'x'});
            assertThat(scrape(server)).contains("eddy_search_trial_metric");
        }
    }

    /** The scrape shows exactly the leaderboard's best 20 live trials, with the leaderboard's values. */
    private static void assertShows(Map<String, Map<String, String>> shown, List<SearchTraining.Standing> board) {
        Map<String, SearchTraining.Standing> best = new TreeMap<>();
        board.stream()
                .filter(SearchTraining.Standing::live)
                .limit(SearchTrialMeters.TOP_TRIALS)
                .forEach(s -> best.put(SearchTraining.trialId(MODEL, s.trial()), s));
        assertThat(best.size())
                .isEqualTo(Math.min(
                        SearchTrialMeters.TOP_TRIALS,
                        board.stream().filter(SearchTraining.Standing::live).count()));
        for (String name : shown.keySet()) {
            assertThat(shown.get(name).keySet()).as(name).containsExactlyElementsOf(best.keySet());
        }
        best.forEach((trial, s) -> {
            assertThat(Double.parseDouble(shown.get("eddy_search_trial_metric").get(trial)))
                    .as(trial)
                    .isEqualTo(Double.valueOf(s.metric())); // boxed: NaN equals NaN
            assertThat(Double.parseDouble(
                            shown.get("eddy_search_trial_examples").get(trial)))
                    .as(trial)
                    .isEqualTo(s.trained());
            assertThat(Double.parseDouble(
                            shown.get("eddy_search_trial_champion").get(trial)))
                    .as(trial)
                    .isEqualTo(s.champion() ? 1.0 : 0.0);
        });
    }

    /** Sample name → trial → value, of the per-trial gauges in a scrape. */
    private static Map<String, Map<String, String>> series(String scrape) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        Matcher m = SAMPLE.matcher(scrape);
        while (m.find()) {
            out.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(m.group(2), m.group(3));
        }
        return out;
    }

    private static String scrape(MetricsServer server) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.uri(MetricsServer.METRICS_PATH))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
