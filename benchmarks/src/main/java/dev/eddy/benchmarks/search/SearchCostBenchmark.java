package dev.eddy.benchmarks.search;

import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.evaluate.LearnerResult;
import dev.eddy.evaluate.LearnerSpec;
import dev.eddy.evaluate.PrequentialEvaluation;
import dev.eddy.evaluate.SearchResult;
import dev.eddy.evaluate.StreamResult;
import dev.eddy.topology.SearchTraining;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The cost of a search (issue 13's target: trial-examples trained per second summed over live trials ≥ 0.8 × a single
 * model's examples/s), in one JVM, alternating: the 16 configurations of a random search (default space, seed 42)
 * each alone one after the other, then the random search that trains the same 16 side by side, {@code rounds} times.
 * Per round: ratio = (trial-examples / search seconds) / (the same examples trained alone / the alone runs' seconds);
 * the median ratio is the figure. It also checks that each configuration's accuracy alone equals its accuracy inside
 * the search.
 *
 * <p>Usage: {@code SearchCostBenchmark [DATASET|CSV] [EXAMPLES] [ROUNDS]} (default {@code sea 20000 3}).
 */
public final class SearchCostBenchmark {

    private SearchCostBenchmark() {}

    public static void main(String[] args) throws IOException {
        String source = args.length > 0 ? args[0] : "sea";
        long examples = args.length > 1 ? Long.parseLong(args[1]) : 20_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        FileOrderStream stream = Files.exists(Path.of(source))
                ? FileOrderStream.csv(Path.of(source), null)
                : FileOrderStream.dataset(source, examples, 42, 10_000);
        SearchConfig search =
                SearchConfig.parse(Map.of("search.strategy", "random")).orElseThrow();
        List<LearnerSpec> alone = new ArrayList<>();
        List<SortedMap<String, String>> trials = search.initialTrials();
        for (int t = 0; t < trials.size(); t++) {
            Map<String, String> keys = new TreeMap<>(LearnerSpec.DEFAULTS);
            keys.putAll(trials.get(t));
            alone.add(new LearnerSpec(SearchTraining.trialId("alone", t), keys, Map.of()));
        }
        Map<String, String> searchKeys = new TreeMap<>(LearnerSpec.DEFAULTS);
        searchKeys.put("search.strategy", "random");
        List<LearnerSpec> searching = List.of(new LearnerSpec("random", searchKeys, Map.of()));
        PrequentialEvaluation evaluation = new PrequentialEvaluation(stream, 1000);
        double[] ratios = new double[rounds];
        System.out.printf(
                Locale.ROOT,
                "%s, %,d rows, %d configurations; load average %s%n",
                stream.name(),
                stream.rows(),
                trials.size(),
                Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        for (int r = 0; r < rounds; r++) {
            StreamResult one = evaluation.run(alone, (s, l, n, total) -> {});
            double aloneSeconds = 0;
            for (LearnerSpec l : alone) {
                aloneSeconds += stream.rows() / result(one, l.name()).examplesPerSecond();
            }
            StreamResult side = evaluation.run(searching, (s, l, n, total) -> {});
            SearchResult result = side.searches().get(0);
            double searchRate = result.trialExamplesPerSecond();
            double aloneRate = result.trialExamples() / aloneSeconds;
            ratios[r] = searchRate / aloneRate;
            boolean same = result.leaderboard().stream()
                    .allMatch(t -> t.prequential()
                            == result(one, SearchTraining.trialId("alone", t.trial()))
                                    .accuracy());
            System.out.printf(
                    Locale.ROOT,
                    "round %d: side by side %,.0f trial-examples/s, alone %,.0f examples/s, ratio %.3f;"
                            + " accuracies alone equal those in the search: %s%n",
                    r + 1,
                    searchRate,
                    aloneRate,
                    ratios[r],
                    same);
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        System.out.printf(
                Locale.ROOT, "median ratio %.3f over %d rounds (issue target >= 0.8)%n", sorted[rounds / 2], rounds);
    }

    private static LearnerResult result(StreamResult r, String name) {
        return r.learners().stream()
                .filter(l -> l.name().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
