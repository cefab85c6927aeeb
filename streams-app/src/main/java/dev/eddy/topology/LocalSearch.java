package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.search.Asha;
import dev.eddy.core.search.Champion;
import dev.eddy.core.search.Hyperband;
import dev.eddy.core.search.Pbt;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.core.search.TrialSearch;
import dev.eddy.core.search.Zoom;
import dev.eddy.core.train.Evaluation;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.TrainingMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.function.Function;

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
 * the live trials' metrics. When the champion's drift detector fires, the search re-opens ({@link #reopen}). Every
 * decision happens at an example count, never on wall-clock time, so the same
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
    private final boolean regression;
    /** Per trial, the configuration it trains now (zoom replaces some each round). */
    private final List<SortedMap<String, String>> configs;

    private final Function<SortedMap<String, String>, EddyConfig> configOf;
    private final SearchConfig search;
    private TrialSearch strategy;
    private final Champion champion;
    private final LocalTraining[] trials;
    private final TrialMetrics[] metrics;
    private final long[] trained;
    /** Per trial, examples trained since the search was last (re)opened: what the strategy's milestones count. */
    private final long[] sinceOpen;

    private final List<Event> events = new ArrayList<>();
    private long rows;

    /**
     * @param search the search section
     * @param configOf the application configuration of one model with a trial's keys (those of
     *     {@link SearchConfig#initialTrials}, or zoom's new ones)
     * @throws IllegalArgumentException when {@code search.metric} is a holdout metric that the model's task does not
     *     have, or a trial's configuration is invalid
     */
    public LocalSearch(SearchConfig search, Function<SortedMap<String, String>, EddyConfig> configOf) {
        List<SortedMap<String, String>> initial = search.initialTrials();
        List<EddyConfig> trialConfigs = initial.stream().map(configOf).toList();
        TrainerConfig first = trialConfigs.get(0).models().values().iterator().next();
        boolean regression = !first.classification();
        checkMetric(search.metric(), regression);
        this.search = search;
        this.configOf = configOf;
        this.maximize = search.maximize(regression);
        this.regression = regression;
        this.configs = new ArrayList<>(initial);
        this.strategy = TrialSearch.of(search, maximize);
        this.champion = new Champion(search.trials(), search.switchMargin(), maximize);
        this.trials = new LocalTraining[search.trials()];
        this.metrics = new TrialMetrics[search.trials()];
        this.trained = new long[search.trials()];
        this.sinceOpen = new long[search.trials()];
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
        double prediction = serve(served, new double[][] {x});
        boolean heldOut = heldOut(example);
        rows++;
        for (int t = 0; t < trials.length; t++) {
            if (strategy.live(t)) {
                trials[t].accept(example);
                if (!heldOut) {
                    trained[t]++;
                    sinceOpen[t]++;
                }
            }
        }
        boolean championDrifted = false;
        for (int t = 0; t < trials.length; t++) {
            championDrifted |= metrics[t].takeDrift() && t == served;
        }
        if (championDrifted && (strategy instanceof Asha || strategy instanceof Hyperband)) {
            reopen();
        }
        for (int t = 0; t < trials.length; t++) {
            OptionalLong milestone = strategy.live(t) ? strategy.nextMilestone(t) : OptionalLong.empty();
            if (milestone.isPresent() && sinceOpen[t] >= milestone.getAsLong()) {
                for (Asha.Decision d : strategy.report(t, sinceOpen[t], metrics[t].value())) {
                    record(d);
                }
            }
        }
        updateChampion();
        return prediction;
    }

    /**
     * What the search serves for one row: with {@code search.ensemble-top = k}, the vote of the champion and the k − 1
     * best other live trials (by search metric, NaN last, ties to the lower index): the class with the most votes,
     * ties to the class of the better-ranked voter, or the mean of the values for regression; k = 1 is the champion.
     */
    private double serve(int served, double[][] row) {
        int k = search.ensembleTop();
        if (k == 1) {
            return trials[served].predictions(row)[0];
        }
        List<Integer> voters = new ArrayList<>(List.of(served));
        List<Integer> others = new ArrayList<>();
        for (int t = 0; t < trials.length; t++) {
            if (t != served && strategy.live(t)) {
                others.add(t);
            }
        }
        others.sort((a, b) -> byMetric(metrics[a].value(), metrics[b].value()));
        voters.addAll(others.subList(0, Math.min(k - 1, others.size())));
        double[] votes = new double[voters.size()];
        for (int i = 0; i < votes.length; i++) {
            votes[i] = trials[voters.get(i)].predictions(row)[0];
        }
        if (regression) {
            return Arrays.stream(votes).average().orElseThrow();
        }
        double best = votes[0];
        long bestCount = 0;
        for (double v : votes) {
            long count = Arrays.stream(votes).filter(w -> w == v).count();
            if (count > bestCount) {
                best = v;
                bestCount = count;
            }
        }
        return best;
    }

    /**
     * The champion's drift detector fired: the search starts afresh from the current trials (a new ASHA or Hyperband
     * over all of them, every paused trial resumed, milestones counted from here), so that a configuration pruned
     * under the old concept can win under the new one. Grid and random prune nothing and are not re-opened; zoom
     * keeps resampling around the best of each round anyway.
     */
    private void reopen() {
        strategy = TrialSearch.of(search, maximize);
        Arrays.fill(sinceOpen, 0);
        events.add(new Event(rows, champion.champion(), "search-reopen", "the champion's drift detector fired"));
    }

    private void record(Asha.Decision d) {
        String kind =
                switch (d.action()) {
                    case PRUNE -> "search-prune";
                    case PROMOTE -> "search-promote";
                    case COMPLETE -> "search-complete";
                    case RESAMPLE -> "search-resample";
                    case EXPLOIT -> "search-exploit";
                    case EXPLORE -> "search-explore";
                    case CONTINUE -> null;
                };
        if (d.action() == Asha.Action.RESAMPLE) {
            resample(d.trial());
            events.add(new Event(rows, d.trial(), kind, configs.get(d.trial()).toString()));
            return;
        }
        if (d.action() == Asha.Action.EXPLOIT || d.action() == Asha.Action.EXPLORE) {
            int from = exploit(d.trial());
            String detail = from == d.trial()
                    ? "trial " + from + " keeps its weights (no top trial of its shape): "
                    : "from trial " + from + " to trial " + d.trial() + ": ";
            events.add(new Event(rows, d.trial(), kind, detail + configs.get(d.trial())));
            return;
        }
        if (kind != null) {
            events.add(
                    new Event(rows, d.trial(), kind, "rung " + d.rung() + " at " + sinceOpen[d.trial()] + " examples"));
        }
    }

    /**
     * Zoom gave the trial a new configuration: a fresh model with it, its metrics and milestone count from zero (a
     * resampled champion has a NaN metric, so the next champion update replaces it).
     */
    private void resample(int t) {
        configs.set(t, ((Zoom) strategy).config(t));
        metrics[t] = new TrialMetrics(metrics[t].metric);
        trials[t] = new LocalTraining(configOf.apply(configs.get(t)), metrics[t]);
        sinceOpen[t] = 0;
    }

    /**
     * PBT moved the trial: it continues from its donor's model (itself for an explore) under its new configuration,
     * keeping its own metrics and example counts. Donors are top trials and never move in the same round, so the
     * order of the round's decisions does not matter.
     *
     * @return the donor
     */
    private int exploit(int t) {
        Pbt pbt = (Pbt) strategy;
        int from = pbt.donor(t) < 0 ? t : pbt.donor(t);
        configs.set(t, pbt.config(t));
        trials[t].exploit(trials[from], configOf.apply(configs.get(t)));
        return from;
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

    /** The search metric of {@code trial} now, NaN while it is paused or has none yet. */
    public double liveMetric(int trial) {
        return strategy.live(trial) ? metrics[trial].value() : Double.NaN;
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
        board.sort((a, b) -> byMetric(a.metric(), b.metric()));
        return board;
    }

    /** Better search metric first, NaN last (a stable sort keeps the trial order among ties). */
    private int byMetric(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Boolean.compare(Double.isNaN(a), Double.isNaN(b));
        }
        return maximize ? Double.compare(b, a) : Double.compare(a, b);
    }

    /** A trial's figures, heard from its trainer. */
    private static final class TrialMetrics implements TrainingListener {
        private final String metric;
        private double window = Double.NaN;
        private double holdout = Double.NaN;
        private double prequential = Double.NaN;
        private long scored;
        private boolean drift;

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

        /** Whether the trial's drift detector fired since the last call. */
        boolean takeDrift() {
            boolean fired = drift;
            drift = false;
            return fired;
        }

        @Override
        public void onEvaluation(String modelId, TrainingMetrics record) {
            if (record.getEvent() != null && record.getEvent().getKind().equals("drift")) {
                drift = true;
            }
        }

        @Override
        public void onHoldoutEvaluation(String modelId, Evaluation evaluation) {
            if (!metric.equals("prequential")) {
                holdout = evaluation.monitored(metric);
            }
        }
    }
}
