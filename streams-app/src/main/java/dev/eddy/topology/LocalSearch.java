package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.search.Asha;
import dev.eddy.core.search.Champion;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.core.search.TrialSearch;
import dev.eddy.core.train.Evaluation;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SortedMap;

/**
 * An online hyper-parameter search run in process: one {@link LocalTraining} per trial (the trainer of
 * {@code eddy run}, each with its own state), every live trial trained on every example in the order they arrive,
 * the {@link TrialSearch} strategy deciding which trials train, and the {@link Champion} which trial serves.
 *
 * <p>Per example, in this order: the example is scored by the trial that is champion at that moment, with its model
 * as it is before any step on the example ({@link #accept} returns that prediction: what {@code <id>} serves); every
 * live trial takes the example (scored and trained as alone); then, in trial order, every live trial that has trained
 * exactly its next milestone's number of examples reports its search metric and the strategy's decisions apply
 * (a pruned trial stops taking examples, a promoted paused trial takes them again); then the champion is updated from
 * the live trials' metrics. Every decision happens at an example count, never on wall-clock time, so the same
 * stream gives the same search.
 *
 * <p>The search metric of a trial: with {@code search.metric=prequential} its windowed prequential accuracy (RMSE
 * for regression) over its last {@code prequential.window} scored examples; with {@code holdout_*} the named score
 * of its last holdout evaluation (every {@code eval-every} steps). NaN until there is one (NaN ranks last).
 */
public final class LocalSearch {

    /** One decision, at a stream position. */
    public record Event(long row, int trial, String kind, String detail) {}

    /** One trial's standing. */
    public record Standing(
            int trial,
            SortedMap<String, String> config,
            String status,
            int rung,
            long trained,
            double metric,
            double prequential,
            long scored) {}

    private final boolean maximize;
    private final List<SortedMap<String, String>> configs;
    private final TrialSearch strategy;
    private final Champion champion;
    private final LocalTraining[] trials;
    private final TrialMetrics[] metrics;
    private final long[] trained;
    private final List<Event> events = new ArrayList<>();
    private long rows;

    /**
     * @param search the search section
     * @param trialConfigs the application configuration of each trial, in {@link SearchConfig#initialTrials} order
     * @throws IllegalArgumentException when the number of configurations is not {@code search.trials}, or when
     *     {@code search.metric} is a holdout metric that the model's task does not have
     */
    public LocalSearch(SearchConfig search, List<SortedMap<String, String>> configs, List<EddyConfig> trialConfigs) {
        if (trialConfigs.size() != search.trials() || configs.size() != search.trials()) {
            throw new IllegalArgumentException("search.trials=" + search.trials() + " but " + trialConfigs.size()
                    + " trial configurations were given");
        }
        TrainerConfig first = trialConfigs.get(0).models().values().iterator().next();
        boolean regression = !first.classification();
        checkMetric(search.metric(), regression);
        this.maximize = search.maximize(regression);
        this.configs = List.copyOf(configs);
        this.strategy = TrialSearch.of(search, maximize);
        this.champion = new Champion(search.trials(), search.switchMargin(), maximize);
        this.trials = new LocalTraining[search.trials()];
        this.metrics = new TrialMetrics[search.trials()];
        this.trained = new long[search.trials()];
        for (int t = 0; t < trials.length; t++) {
            metrics[t] = new TrialMetrics(search.metric());
            trials[t] = new LocalTraining(trialConfigs.get(t), metrics[t]);
        }
        updateChampion();
    }

    /** Refuses a holdout metric the task does not compute, naming the key. */
    static void checkMetric(String metric, boolean regression) {
        List<String> allowed = regression
                ? List.of("prequential", "holdout_loss", "holdout_mae", "holdout_rmse")
                : List.of(
                        "prequential",
                        "holdout_loss",
                        "holdout_accuracy",
                        "holdout_precision",
                        "holdout_recall",
                        "holdout_f1",
                        "holdout_auc");
        if (!allowed.contains(metric)) {
            throw new IllegalArgumentException("search.metric=" + metric + " is not computed for a "
                    + (regression ? "regression" : "classification") + " model; one of " + allowed);
        }
    }

    /** The trial's id: {@code <id>~tNN}, numbered from 0 with at least two digits. */
    public static String trialId(String modelId, int trial) {
        return modelId + "~t" + String.format(Locale.ROOT, "%02d", trial);
    }

    /** Whether the split holds this example out (the same for every trial: by the hash of its id). */
    public boolean heldOut(Example example) {
        return trials[0].heldOut(example);
    }

    /**
     * Serves, trains and decides for the next example (the class javadoc's order).
     *
     * @return the prediction of the champion in force when the example arrived (class index or value)
     * @throws IllegalArgumentException naming the example when it does not fit the model
     */
    public double accept(Example example) {
        int served = champion.champion();
        double[] x =
                example.getFeatures().stream().mapToDouble(Double::doubleValue).toArray();
        double prediction = trials[served].predictions(new double[][] {x})[0];
        boolean heldOut = heldOut(example);
        rows++;
        for (int t = 0; t < trials.length; t++) {
            if (strategy.live(t)) {
                trials[t].accept(example);
                if (!heldOut) {
                    trained[t]++;
                }
            }
        }
        for (int t = 0; t < trials.length; t++) {
            OptionalLong milestone = strategy.live(t) ? strategy.nextMilestone(t) : OptionalLong.empty();
            if (milestone.isPresent() && trained[t] >= milestone.getAsLong()) {
                for (Asha.Decision d : strategy.report(t, trained[t], metrics[t].value())) {
                    record(d);
                }
            }
        }
        updateChampion();
        return prediction;
    }

    private void record(Asha.Decision d) {
        String kind =
                switch (d.action()) {
                    case PRUNE -> "search-prune";
                    case PROMOTE -> "search-promote";
                    case COMPLETE -> "search-complete";
                    case CONTINUE -> null;
                };
        if (kind != null) {
            events.add(
                    new Event(rows, d.trial(), kind, "rung " + d.rung() + " at " + trained[d.trial()] + " examples"));
        }
    }

    private void updateChampion() {
        double[] values = new double[trials.length];
        boolean[] live = new boolean[trials.length];
        for (int t = 0; t < trials.length; t++) {
            values[t] = metrics[t].value();
            live[t] = strategy.live(t);
        }
        OptionalInt changed = champion.update(values, live);
        if (changed.isPresent()) {
            events.add(new Event(
                    rows,
                    changed.getAsInt(),
                    "search-champion",
                    configs.get(changed.getAsInt()).toString()));
        }
    }

    /** At the end of a finite stream: each live trial scores its partial batch (its own figures only). */
    public void finish() {
        for (int t = 0; t < trials.length; t++) {
            if (strategy.live(t)) {
                trials[t].finish();
            }
        }
    }

    /** The complete trainer state of {@code trial} now. */
    public byte[] trialState(int trial) {
        return trials[trial].trainerState();
    }

    /** What {@code trial} predicts now for these rows, without training. */
    public double[] trialPredictions(int trial, double[][] features) {
        return trials[trial].predictions(features);
    }

    /** The trial serving now. */
    public int champion() {
        return champion.champion();
    }

    /** The decisions so far, in order. */
    public List<Event> events() {
        return Collections.unmodifiableList(events);
    }

    /** Trial-examples trained so far, summed over trials (a pruned trial's stop counting). */
    public long trialExamples() {
        long sum = 0;
        for (long n : trained) {
            sum += n;
        }
        return sum;
    }

    /** The leaderboard: every trial, best search metric first (NaN last, ties by trial). */
    public List<Standing> leaderboard() {
        List<Standing> board = new ArrayList<>();
        for (int t = 0; t < trials.length; t++) {
            board.add(new Standing(
                    t,
                    configs.get(t),
                    strategy.status(t).name().toLowerCase(Locale.ROOT),
                    strategy.rung(t),
                    trained[t],
                    metrics[t].value(),
                    metrics[t].prequential,
                    metrics[t].scored));
        }
        board.sort((a, b) -> {
            if (Double.isNaN(a.metric()) || Double.isNaN(b.metric())) {
                return Boolean.compare(Double.isNaN(a.metric()), Double.isNaN(b.metric()));
            }
            return maximize ? Double.compare(b.metric(), a.metric()) : Double.compare(a.metric(), b.metric());
        });
        return board;
    }

    /** A trial's figures, heard from its trainer. */
    private static final class TrialMetrics implements TrainingListener {
        private final String metric;
        private double window = Double.NaN;
        private double holdout = Double.NaN;
        private double prequential = Double.NaN;
        private long scored;

        TrialMetrics(String metric) {
            this.metric = metric;
        }

        double value() {
            return metric.equals("prequential") ? window : holdout;
        }

        @Override
        public void onPrequential(
                String modelId, double[] predicted, double[] labels, double metricSoFar, double windowMetric) {
            window = windowMetric;
            prequential = metricSoFar;
            scored += predicted.length;
        }

        @Override
        public void onHoldoutEvaluation(String modelId, Evaluation evaluation) {
            if (!metric.equals("prequential")) {
                holdout = evaluation.monitored(metric);
            }
        }
    }
}
