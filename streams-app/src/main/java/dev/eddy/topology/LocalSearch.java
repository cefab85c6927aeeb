package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.function.Function;

/**
 * An online hyper-parameter search run in process, outside Kafka Streams: the {@link SearchTraining} of
 * {@code eddy run} over in-memory stores, with the examples checked and split between training and holdout as
 * {@link ExampleRouter} does (by the hash of the example id). Each example is first served, by the trial that is
 * champion when it arrives (with its model as it is before any step on the example): {@link #accept} returns that
 * prediction, what {@code <id>} serves. Snapshots and metrics records are dropped; the decisions are kept
 * ({@link #events}). This is what {@code eddy evaluate} runs for a learner with {@code search.*} keys.
 */
public final class LocalSearch {

    private final TrainerConfig model;
    private final HoldoutSplit split;
    private final SearchTraining search;
    private final List<SearchTraining.Event> events = new ArrayList<>();

    /**
     * @param search the search section
     * @param configOf the application configuration of one model with a trial's keys (those of
     *     {@link SearchConfig#initialTrials}, or zoom's new ones)
     * @throws IllegalArgumentException when {@code search.metric} is a holdout metric that the model's task does not
     *     have, or a trial's configuration is invalid
     */
    public LocalSearch(SearchConfig search, Function<SortedMap<String, String>, EddyConfig> configOf) {
        EddyConfig first = configOf.apply(search.initialTrials().get(0));
        this.model = LocalTraining.onlyModel(first);
        this.split = new HoldoutSplit(first.holdoutFraction());
        this.search = new SearchTraining(
                first.models().firstKey(),
                search,
                trial -> LocalTraining.onlyModel(configOf.apply(trial)),
                new SearchTraining.TrialSettings(
                        first.holdoutBufferSize(), first.snapshotEvery(), true, first.prequentialWindow()),
                LocalTraining.inMemoryStores(),
                TrainingListener.NONE,
                record -> {},
                events::add,
                SearchTraining.Placement.HERE,
                PublishedVersions.NONE,
                System.currentTimeMillis());
    }

    /** Whether the split holds this example out (the same for every trial: by the hash of its id). */
    public boolean heldOut(Example example) {
        return split.heldOut(example.getId());
    }

    /**
     * Serves, then trains and decides for the next example ({@link SearchTraining}'s order).
     *
     * @return the prediction of the champion in force when the example arrived (class index or value)
     * @throws IllegalArgumentException naming the example when it does not fit the model
     */
    public double accept(Example example) {
        ExampleCheck.Failure failure = ExampleCheck.check(example, model);
        if (failure == null) {
            double[] x = example.getFeatures().stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray();
            double prediction = search.serve(new double[][] {x});
            failure = heldOut(example) ? search.holdout(example) : search.train(example, System.currentTimeMillis());
            if (failure == null) {
                return prediction;
            }
        }
        throw new IllegalArgumentException(
                "example " + example.getId() + " does not fit the model: " + failure.detail());
    }

    /** At the end of a finite stream: each live trial scores its partial batch (its own figures only). */
    public void finish() {
        search.scorePartialBatches();
    }

    /** The complete trainer state of {@code trial} now. */
    public byte[] trialState(int trial) {
        return search.trialState(trial);
    }

    /** The search metric of {@code trial} now, NaN while it is paused or has none yet. */
    public double liveMetric(int trial) {
        return search.liveMetric(trial);
    }

    /** The trial serving now. */
    public int champion() {
        return search.champion();
    }

    /** The decisions so far, in order. */
    public List<SearchTraining.Event> events() {
        return Collections.unmodifiableList(events);
    }

    /** Trial-examples trained so far, summed over trials (a pruned trial's stop counting). */
    public long trialExamples() {
        return search.trialExamples();
    }

    /** The leaderboard: every trial, best search metric first (NaN last, ties by trial). */
    public List<SearchTraining.Standing> leaderboard() {
        return search.leaderboard();
    }
}
