package dev.eddy.metrics;

import dev.eddy.status.ModelStatusHandler;
import dev.eddy.topology.SearchTraining;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * Per-trial gauges of the online hyper-parameter searches, tags {@code model} and {@code trial} ({@code <id>~tNN}),
 * for at most the {@value #TOP_TRIALS} best live trials of each search by its search metric:
 *
 * <pre>
 * eddy.search.trial.metric    gauge  the trial's search metric (search.metric: windowed prequential accuracy, RMSE for
 *                                    regression, or the named holdout score); NaN until it has one
 * eddy.search.trial.examples  gauge  examples the trial trained (0 again after a reset or a zoom resample)
 * eddy.search.trial.champion  gauge  1 for the trial that the model serves, else 0
 * </pre>
 *
 * <p>The values are the leaderboard that {@code GET /models/{id}/trials} answers ({@link ModelStatusHandler.Trials}:
 * the search's stored record), read again at every {@link #refresh}, which the metrics server runs before each scrape.
 * A refresh registers the series of the trials now among the best {@value #TOP_TRIALS} live ones and removes those of
 * every other (pruned, fallen out of the top, or reset away), so a search exports at most 3 × {@value #TOP_TRIALS}
 * series. Only the instance whose store holds the search's record exports it; while the store is not queryable (a
 * rebalance) the series stay as they were.
 */
public final class SearchTrialMeters implements MeterBinder {

    /** At most this many trials per search have gauges (issue 13: the 20 best live trials). */
    public static final int TOP_TRIALS = 20;

    private final SortedSet<String> searches;
    private final ModelStatusHandler.Trials trials;
    private MultiGauge metric;
    private MultiGauge examples;
    private MultiGauge champion;
    /** The standing of each trial with gauges, by trial id, as of the last refresh. */
    private volatile Map<String, SearchTraining.Standing> shown = Map.of();

    /**
     * @param searches the ids of the models that are searches
     * @param trials their leaderboards, as the trials endpoint reads them
     */
    public SearchTrialMeters(Set<String> searches, ModelStatusHandler.Trials trials) {
        this.searches = new TreeSet<>(searches);
        this.trials = trials;
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        if (metric != null) {
            throw new IllegalStateException("SearchTrialMeters is already bound to a registry");
        }
        metric = MultiGauge.builder("eddy.search.trial.metric")
                .description("A search trial's search metric (search.metric), for the best live trials")
                .register(registry);
        examples = MultiGauge.builder("eddy.search.trial.examples")
                .description("Examples a search trial trained, for the best live trials")
                .baseUnit("examples")
                .register(registry);
        champion = MultiGauge.builder("eddy.search.trial.champion")
                .description("1 for the search trial that the model serves, else 0, for the best live trials")
                .register(registry);
    }

    /** Reads every search's leaderboard and makes the registered series those of its best live trials. */
    public synchronized void refresh() {
        if (metric == null) {
            throw new IllegalStateException("SearchTrialMeters.refresh before bindTo");
        }
        Map<String, SearchTraining.Standing> next = new HashMap<>();
        for (String id : searches) {
            Optional<List<SearchTraining.Standing>> board;
            try {
                board = trials.of(id);
            } catch (InvalidStateStoreException | IllegalArgumentException e) {
                // not queryable now, or a stored search its keys no longer match (its task dead-letters its inputs)
                shown.forEach((trial, s) -> {
                    if (trial.startsWith(id + "~")) {
                        next.put(trial, s);
                    }
                });
                continue;
            }
            // The leaderboard is best first (NaN last, ties by trial number).
            board.ifPresent(b -> b.stream()
                    .filter(SearchTraining.Standing::live)
                    .limit(TOP_TRIALS)
                    .forEach(s -> next.put(SearchTraining.trialId(id, s.trial()), s)));
        }
        shown = Map.copyOf(next);
        metric.register(rows(next, SearchTraining.Standing::metric), false);
        examples.register(rows(next, SearchTraining.Standing::trained), false);
        champion.register(rows(next, s -> s.champion() ? 1 : 0), false);
    }

    /** One row per trial shown, reading the trial's standing of the latest refresh. */
    private List<MultiGauge.Row<?>> rows(
            Map<String, SearchTraining.Standing> trials, ToDoubleFunction<SearchTraining.Standing> value) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (String trial : trials.keySet()) {
            Tags tags = Tags.of("model", trial.substring(0, trial.lastIndexOf('~')), "trial", trial);
            rows.add(MultiGauge.Row.of(tags, this, m -> {
                SearchTraining.Standing s = m.shown.get(trial);
                return s == null ? Double.NaN : value.applyAsDouble(s);
            }));
        }
        return rows;
    }
}
