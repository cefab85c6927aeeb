package dev.eddy.topology;

import dev.eddy.core.optim.StateIo;
import dev.eddy.core.search.Asha;
import dev.eddy.core.search.Champion;
import dev.eddy.core.search.Hyperband;
import dev.eddy.core.search.Pbt;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.core.search.TrialSearch;
import dev.eddy.core.search.Zoom;
import dev.eddy.core.train.Evaluation;
import dev.eddy.core.train.StepResult;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.schema.TrainingEvent;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.state.ModelStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * An online hyper-parameter search over trials of one model id, the one driver of both homes: {@code eddy evaluate}
 * ({@link LocalSearch}, in-memory stores) and the trainer processor of {@code eddy run} (the task's state stores).
 * Each trial {@code <id>~tNN} is a {@link ModelTraining} with its own exactly-once state in the stores; every live
 * trial takes every example of {@code <id>}, one copy in process; the {@link TrialSearch} strategy decides which
 * trials train, and the {@link Champion} which trial {@code <id>} serves.
 *
 * <p>Per example, in this order: every live trial takes the example (scored and trained as alone); then, in trial
 * order, every live trial that has trained exactly its next milestone's number of examples reports its search metric
 * and the strategy's decisions apply ({@link #apply}: a pruned trial stops taking examples, a promoted paused trial
 * takes them again, a zoom-resampled trial starts afresh, a PBT-exploiting trial continues its donor's model); then the champion is updated from the live trials'
 * metrics. At the commit ({@link #flushState}) the trials' states are written and the search's own record with them,
 * in the same transaction. When the
 * champion's drift detector fires, the search re-opens ({@link #reopen}). Every decision happens at an example count,
 * never on wall-clock time, so the same stream gives the same search, also across a restart.
 *
 * <p>What {@code <id>} serves: only the champion's snapshots are published, under {@code <id>} with {@code <id>}'s
 * own version counter (strictly increasing across switches, continuing the versions {@code <id>} published before
 * it was a search), with the trial id and its searched hyper-parameters; a switch publishes the new champion at once
 * ({@code CHAMPION}). Trial snapshots are not published. Every decision is a metrics record of {@code <id>} with an
 * {@code event} ({@code search-prune}, {@code search-promote}, {@code search-complete}, {@code search-resample},
 * {@code search-exploit}, {@code search-explore}, {@code search-reopen}, {@code search-champion}, {@code search-reset}).
 *
 * <p>The search metric of a trial: with {@code search.metric=prequential} its windowed prequential accuracy (RMSE
 * for regression) over its last {@code prequential.window} scored examples; with {@code holdout_*} the named score
 * of its last holdout evaluation (every {@code eval-every} steps). NaN until there is one (NaN ranks last).
 *
 * <p>State: the record {@code <id>/search} of the trainer-state store (header {@code search}, version 1): rows seen,
 * {@code <id>}'s snapshot version, the strategy's and the champion's states, and per trial its configuration, the
 * examples it trained (in all and since the search last opened) and its figures.
 */
public final class SearchTraining implements TaskTraining {

    /** One decision, at a stream position (examples the search has taken). */
    public record Event(long row, int trial, String kind, String detail) {}

    /** One trial's standing; {@code champion}: whether {@code <id>} serves it now. */
    public record Standing(
            int trial,
            SortedMap<String, String> config,
            String status,
            int rung,
            long trained,
            double metric,
            double prequential,
            long scored,
            boolean champion) {

        /** Whether the trial takes examples (running or completed; a pruned trial is paused). */
        public boolean live() {
            return !status.equals(Asha.Status.PAUSED.name().toLowerCase(Locale.ROOT));
        }
    }

    /** What every trial shares with a model trained alone (the application's keys). */
    record TrialSettings(int holdoutSize, long snapshotEvery, boolean prequential, int prequentialWindow) {}

    private static final String TAG = "search";
    private static final int VERSION = 1;

    private final String modelId;
    private final SearchConfig search;
    private final Function<SortedMap<String, String>, TrainerConfig> configOf;
    private final TrialSettings settings;
    private final ModelTraining.Stores stores;
    private final TrainingListener listener;
    private final Consumer<SpecificRecord> out;
    private final Consumer<Event> decisions;
    private final boolean maximize;
    private final boolean regression;

    /** Per trial, the configuration it trains now (zoom replaces some each round). */
    private final List<SortedMap<String, String>> configs;

    private TrialSearch strategy;
    private Champion champion;
    private final ModelTraining[] trials;
    private final TrialMetrics[] metrics;
    private final long[] trained;
    /** Per trial, examples trained since the search was last (re)opened: what the strategy's milestones count. */
    private final long[] sinceOpen;

    private long rows;
    /** The version of the last snapshot published under {@code <id>}, −1 for none. */
    private long servedVersion = -1;
    /** The search's record changed since the last {@link #flushState}. */
    private boolean unsaved;
    /** The wall clock of the last record that carried one (held-out examples carry none). */
    private long nowMs;

    /**
     * Opens the search: restores it from the stores, or starts it (trials from {@link SearchConfig#initialTrials}).
     *
     * @param configOf the model's configuration with a trial's keys over it
     * @param listener hears the champion's training under {@code <id>} (so that {@code <id>}'s meters follow what it
     *     serves), every other trial's under the trial's id, and {@code <id>}'s snapshots
     * @param out receives {@code <id>}'s snapshots and every metrics record (trials' under their ids)
     * @param decisions hears every decision as it is taken
     * @throws IllegalArgumentException when {@code search.metric} is a holdout metric that the model's task does not
     *     have, or the stored search state is not one of this search
     */
    SearchTraining(
            String modelId,
            SearchConfig search,
            Function<SortedMap<String, String>, TrainerConfig> configOf,
            TrialSettings settings,
            ModelTraining.Stores stores,
            TrainingListener listener,
            Consumer<SpecificRecord> out,
            Consumer<Event> decisions,
            long nowMs) {
        List<SortedMap<String, String>> initial = search.initialTrials();
        this.regression = !configOf.apply(initial.get(0)).classification();
        search.checkMetricFor(regression);
        this.modelId = modelId;
        this.search = search;
        this.configOf = configOf;
        this.settings = settings;
        this.stores = stores;
        this.listener = listener;
        this.out = out;
        this.decisions = decisions;
        this.maximize = search.maximize(regression);
        this.nowMs = nowMs;
        this.configs = new ArrayList<>(initial);
        this.strategy = TrialSearch.of(search, maximize);
        this.champion = new Champion(search.trials(), search.switchMargin(), maximize);
        this.trials = new ModelTraining[search.trials()];
        this.metrics = new TrialMetrics[search.trials()];
        this.trained = new long[search.trials()];
        this.sinceOpen = new long[search.trials()];
        byte[] stored = stores.trainerState().get(stateKey());
        if (stored != null) {
            restore(stored);
        } else {
            ModelStatus before = stores.status().get(modelId);
            servedVersion = before == null ? -1 : before.snapshotVersion();
        }
        for (int t = 0; t < trials.length; t++) {
            if (metrics[t] == null) {
                metrics[t] = new TrialMetrics(t);
            }
            trials[t] = open(t);
        }
        if (stored == null) {
            updateChampion();
            changed();
        }
    }

    /** The trial's id: {@code <id>~tNN}, numbered from 0 with at least two digits. */
    public static String trialId(String modelId, int trial) {
        return modelId + (trial < 10 ? "~t0" : "~t") + trial; // two digits at least, as %02d
    }

    /** The model an id belongs to: {@code <id>} for a trial id {@code <id>~tNN}, else the id itself. */
    public static String modelOf(String id) {
        return id.split("~", 2)[0];
    }

    private ModelTraining open(int t) {
        return new ModelTraining(
                trialId(modelId, t),
                configOf.apply(configs.get(t)),
                settings.holdoutSize(),
                settings.snapshotEvery(),
                settings.prequential(),
                settings.prequentialWindow(),
                stores,
                metrics[t],
                trialOut(t),
                null,
                nowMs);
    }

    /**
     * A trial's records: its metrics records go out under its id; its snapshots only while it is champion, and then
     * under {@code <id>}.
     */
    private Consumer<SpecificRecord> trialOut(int t) {
        return record -> {
            if (!(record instanceof ModelSnapshot snapshot)) {
                out.accept(record);
            } else if (t == champion.champion()) {
                servedVersion++;
                out.accept(ModelSnapshot.newBuilder(snapshot)
                        .setModelId(modelId)
                        .setVersion(servedVersion)
                        .setTrial(trialId(modelId, t))
                        .setTrialConfig(new HashMap<>(configs.get(t)))
                        .build());
                listener.onSnapshot(modelId, servedVersion, snapshot.getReason());
            }
        };
    }

    @Override
    public ExampleCheck.Failure train(Example example, long nowMs) {
        this.nowMs = nowMs;
        return take(example, true);
    }

    @Override
    public ExampleCheck.Failure holdout(Example example) {
        return take(example, false);
    }

    /** The class javadoc's order for one example. */
    private ExampleCheck.Failure take(Example example, boolean training) {
        rows++;
        for (int t = 0; t < trials.length; t++) {
            if (strategy.live(t)) {
                ExampleCheck.Failure misfit = training ? trials[t].train(example, nowMs) : trials[t].holdout(example);
                if (misfit != null) {
                    // Trials share the model's input, so a misfit is the first live trial's, before any trained.
                    rows--;
                    return misfit;
                }
                if (training) {
                    trained[t]++;
                    sinceOpen[t]++;
                }
            }
        }
        decide();
        changed();
        return null;
    }

    private void decide() {
        int served = champion.champion();
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
                apply(strategy.report(t, sinceOpen[t], metrics[t].value()));
            }
        }
        updateChampion();
    }

    /** The strategy's decisions, in order: the one place where an action of a strategy takes effect. */
    private void apply(List<Asha.Decision> decided) {
        for (Asha.Decision d : decided) {
            int t = d.trial();
            String where = "rung " + d.rung() + " at " + sinceOpen[t] + " examples";
            switch (d.action()) {
                case CONTINUE -> {}
                case PRUNE -> decided(t, "search-prune", where);
                case PROMOTE -> decided(t, "search-promote", where);
                case COMPLETE -> decided(t, "search-complete", where);
                case RESAMPLE -> {
                    resample(t, ((Zoom) strategy).config(t));
                    decided(t, "search-resample", configs.get(t).toString());
                }
                case EXPLOIT, EXPLORE -> {
                    int from = exploit(t);
                    String detail = from == t
                            ? "trial " + t + " keeps its weights (no top trial of its shape): "
                            : "from trial " + from + " to trial " + t + ": ";
                    decided(
                            t,
                            d.action() == Asha.Action.EXPLOIT ? "search-exploit" : "search-explore",
                            detail + configs.get(t));
                }
            }
        }
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
        decided(champion.champion(), "search-reopen", "the champion's drift detector fired");
    }

    /**
     * The trial takes a new configuration: a fresh model with it (its stored state deleted), its figures and
     * milestone count from zero (a resampled champion has a NaN metric, so the next champion update replaces it).
     */
    private void resample(int t, SortedMap<String, String> config) {
        trials[t].forget();
        configs.set(t, config);
        metrics[t] = new TrialMetrics(t);
        trials[t] = open(t);
        sinceOpen[t] = 0;
    }

    /**
     * PBT moved the trial: it continues from its donor's model (itself for an explore) under its new configuration
     * ({@link ModelTraining#exploit}), keeping its own figures and example counts. Donors are top trials and never
     * move in the same round, so the order of the round's decisions does not matter. The new configuration is in the
     * search state, so a restarted trial opens under it.
     *
     * @return the donor
     */
    private int exploit(int t) {
        Pbt pbt = (Pbt) strategy;
        int from = pbt.donor(t) < 0 ? t : pbt.donor(t);
        configs.set(t, pbt.config(t));
        trials[t].exploit(trials[from], configOf.apply(configs.get(t)), nowMs);
        return from;
    }

    private void updateChampion() {
        double[] values = new double[trials.length];
        boolean[] live = new boolean[trials.length];
        for (int t = 0; t < trials.length; t++) {
            values[t] = metrics[t].value();
            live[t] = strategy.live(t);
        }
        int before = champion.champion();
        OptionalInt changed = champion.update(values, live);
        if (changed.isPresent()) {
            int t = changed.getAsInt();
            decided(t, "search-champion", configs.get(t).toString());
            if (before >= 0) {
                trials[t].publishCurrent(SnapshotReason.CHAMPION, nowMs);
            }
        }
    }

    /** A decision: heard by the home, and a metrics record of {@code <id>} with the event. */
    private void decided(int trial, String kind, String detail) {
        decisions.accept(new Event(rows, trial, kind, detail));
        ModelStatus s = trials[trial].status();
        TrainingMetrics record = TrainingMetrics.newBuilder()
                .setModelId(modelId)
                .setStep(s.steps())
                .setSnapshotVersion(servedVersion < 0 ? null : servedVersion)
                .setExamplesSeen(s.examplesTrained())
                .setTrainLoss(s.lastTrainLoss())
                .setLearningRate(s.learningRate())
                .setGradientNorm(Double.NaN)
                .setPaused(!strategy.live(trial))
                .setPrequentialWindowMetric(finite(metrics[trial].window))
                .setPrequentialMetric(finite(metrics[trial].prequential))
                .setEvent(new TrainingEvent(kind, trialId(modelId, trial) + ": " + detail))
                .setTime(Instant.ofEpochMilli(nowMs))
                .build();
        out.accept(record);
        listener.onEvaluation(modelId, record);
    }

    private static Double finite(double value) {
        return Double.isNaN(value) ? null : value;
    }

    /**
     * Addressed to {@code <id>}: {@code resume} resumes every trial its early stopping stopped; {@code set} of a key
     * that is not searched changes every trial; {@code reset} restarts the search ({@link #restart}). Addressed to a
     * trial {@code <id>~tNN}: {@code resume} or {@code set} (a searched key too, which then shows in the trial's
     * hyper-parameters) acts on that trial only.
     */
    @Override
    public void command(ModelCommand command, long nowMs) {
        this.nowMs = nowMs;
        int trial = trialOf(command.model());
        if (trial >= 0) {
            trials[trial].command(command, nowMs);
            if (command.kind() == ModelCommand.Kind.SET && configs.get(trial).containsKey(command.key())) {
                SortedMap<String, String> config = new TreeMap<>(configs.get(trial));
                config.put(command.key(), command.value());
                configs.set(trial, Collections.unmodifiableSortedMap(config));
            }
        } else if (command.kind() == ModelCommand.Kind.RESET) {
            restart();
        } else {
            for (ModelTraining each : trials) {
                each.command(command, nowMs);
            }
        }
        changed();
    }

    /** The trial a command names ({@code <id>~tNN}), −1 when it names {@code <id>}. */
    private int trialOf(String target) {
        for (int t = 0; t < trials.length; t++) {
            if (trialId(modelId, t).equals(target)) {
                return t;
            }
        }
        return -1;
    }

    /**
     * Whether {@code command} would change a searched key ({@code set <id> <searched key>}), which the search owns.
     *
     * @return why it is refused, null when it is not
     */
    String refusal(ModelCommand command) {
        if (command.kind() == ModelCommand.Kind.SET
                && command.model().equals(modelId)
                && search.space().keys().contains(command.key())) {
            return "'" + command.key() + "' is searched by model '" + modelId + "' (search.space." + command.key()
                    + "); set it on a trial, '" + trialId(modelId, 0) + "', or change the search space";
        }
        return null;
    }

    /** {@code reset <id>}: every trial starts afresh from its first configuration and the strategy from the start. */
    private void restart() {
        List<SortedMap<String, String>> initial = search.initialTrials();
        strategy = TrialSearch.of(search, maximize);
        champion = new Champion(search.trials(), search.switchMargin(), maximize);
        Arrays.fill(trained, 0);
        for (int t = 0; t < trials.length; t++) {
            resample(t, initial.get(t));
        }
        decided(0, "search-reset", "the search restarts from its " + trials.length + " trials");
        updateChampion();
    }

    /**
     * The champion's FINAL snapshot under {@code <id>}'s next version; the search's record, marked changed, is written
     * in the transaction that commits the snapshot, so that a restart continues after that version.
     */
    @Override
    public void publishFinal(long nowMs) {
        int served = champion.champion();
        if (served >= 0) {
            trials[served].publishCurrent(SnapshotReason.FINAL, nowMs);
            changed();
        }
    }

    /**
     * What {@code <id>} serves for rows now: with {@code search.ensemble-top = k}, the vote of the champion and the
     * k − 1 best other live trials (by search metric, NaN last, ties to the lower index): the class with the most
     * votes, ties to the class of the better-ranked voter, or the mean of the values for regression; k = 1 is the
     * champion.
     */
    double serve(double[][] row) {
        int served = champion.champion();
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
        others.sort((a, b) -> byMetric(metrics[a].value(), metrics[b].value(), maximize));
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

    /** At the end of a finite stream: each live trial scores its partial batch (its own figures only). */
    void scorePartialBatches() {
        for (int t = 0; t < trials.length; t++) {
            if (strategy.live(t)) {
                trials[t].scorePartialBatch();
            }
        }
    }

    /** The complete trainer state of {@code trial} now. */
    byte[] trialState(int trial) {
        return trials[trial].trainerState();
    }

    /** The search metric of {@code trial} now, NaN while it is paused or has none yet. */
    double liveMetric(int trial) {
        return strategy.live(trial) ? metrics[trial].value() : Double.NaN;
    }

    /** The trial serving now. */
    int champion() {
        return champion.champion();
    }

    /** The version of the last snapshot published under {@code <id>}, −1 for none. */
    long servedVersion() {
        return servedVersion;
    }

    /** Trial-examples trained so far, summed over trials (a pruned trial's stop counting). */
    long trialExamples() {
        long sum = 0;
        for (long n : trained) {
            sum += n;
        }
        return sum;
    }

    /** The leaderboard: every trial, best search metric first (NaN last, ties by trial). */
    List<Standing> leaderboard() {
        double[] values = new double[trials.length];
        double[] prequential = new double[trials.length];
        long[] scored = new long[trials.length];
        for (int t = 0; t < trials.length; t++) {
            values[t] = metrics[t].value();
            prequential[t] = metrics[t].prequential;
            scored[t] = metrics[t].scored;
        }
        return board(strategy, champion.champion(), configs, trained, values, prequential, scored, maximize);
    }

    private static List<Standing> board(
            TrialSearch strategy,
            int champion,
            List<SortedMap<String, String>> configs,
            long[] trained,
            double[] values,
            double[] prequential,
            long[] scored,
            boolean maximize) {
        List<Standing> board = new ArrayList<>();
        for (int t = 0; t < values.length; t++) {
            board.add(new Standing(
                    t,
                    configs.get(t),
                    strategy.status(t).name().toLowerCase(Locale.ROOT),
                    strategy.rung(t),
                    trained[t],
                    values[t],
                    prequential[t],
                    scored[t],
                    t == champion));
        }
        board.sort((a, b) -> byMetric(a.metric(), b.metric(), maximize));
        return board;
    }

    /** Better search metric first, NaN last (a stable sort keeps the trial order among ties). */
    private static int byMetric(double a, double b, boolean maximize) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Boolean.compare(Double.isNaN(a), Double.isNaN(b));
        }
        return maximize ? Double.compare(b, a) : Double.compare(a, b);
    }

    private String stateKey() {
        return modelId + "/search";
    }

    private void changed() {
        unsaved = true;
    }

    /** Writes every trial's changes and, when it changed, the search's record with {@code <id>}'s status. */
    @Override
    public void flushState() {
        for (ModelTraining trial : trials) {
            trial.flushState();
        }
        if (unsaved) {
            writeState();
            unsaved = false;
        }
    }

    private void writeState() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(bytes)) {
            StateIo.writeHeader(data, TAG, VERSION);
            data.writeInt(trials.length);
            data.writeLong(rows);
            data.writeLong(servedVersion);
            ByteArrayOutputStream strategyBytes = new ByteArrayOutputStream();
            try (DataOutputStream s = new DataOutputStream(strategyBytes)) {
                strategy.saveState(s);
            }
            data.writeInt(strategyBytes.size());
            strategyBytes.writeTo(data);
            champion.saveState(data);
            for (int t = 0; t < trials.length; t++) {
                data.writeInt(configs.get(t).size());
                for (var e : configs.get(t).entrySet()) {
                    data.writeUTF(e.getKey());
                    data.writeUTF(e.getValue());
                }
                data.writeLong(trained[t]);
                data.writeLong(sinceOpen[t]);
                metrics[t].write(data);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stores.trainerState().put(stateKey(), bytes.toByteArray());
        int served = champion.champion();
        if (served >= 0) {
            stores.status().put(modelId, servedStatus(trials[served].status()));
        }
    }

    /**
     * {@code <id>}'s status: its champion's counters and figures, with {@code <id>}'s snapshot version and no trainer
     * state of its own (a model that stops being a search starts afresh from it, its versions continuing).
     */
    private ModelStatus servedStatus(ModelStatus s) {
        return new ModelStatus(
                modelId,
                servedVersion,
                s.steps(),
                s.examplesTrained(),
                s.examplesWhilePaused(),
                s.holdoutReceived(),
                s.holdoutCount(),
                s.paused(),
                s.lastTrainLoss(),
                s.lastHoldoutLoss(),
                s.holdoutMetricName(),
                s.holdoutMetricValue(),
                s.bestHoldoutLoss(),
                s.bestHoldoutMetricValue(),
                s.earlyStoppingWait(),
                s.learningRate(),
                s.intervalLossSum(),
                s.intervalSteps(),
                s.prequentialExamples(),
                s.prequentialSum(),
                0,
                0,
                s.drift(),
                s.warmStart(),
                s.members(),
                s.waiting());
    }

    private void restore(byte[] stored) {
        Stored state = read(modelId, stored, strategy, champion, trials.length);
        rows = state.rows();
        servedVersion = state.servedVersion();
        for (int t = 0; t < trials.length; t++) {
            configs.set(t, state.configs().get(t));
            trained[t] = state.trained()[t];
            sinceOpen[t] = state.sinceOpen()[t];
            metrics[t] = new TrialMetrics(t);
            metrics[t].window = state.figures()[t][0];
            metrics[t].holdout = state.figures()[t][1];
            metrics[t].prequential = state.figures()[t][2];
            metrics[t].scored = state.scored()[t];
        }
    }

    /** The record {@code <id>/search} read back; per trial its figures: window, holdout and prequential metrics. */
    private record Stored(
            long rows,
            long servedVersion,
            List<SortedMap<String, String>> configs,
            long[] trained,
            long[] sinceOpen,
            double[][] figures,
            long[] scored) {}

    /** Reads the record {@code <id>/search} into {@code strategy} and {@code champion}, and returns the rest. */
    private static Stored read(String modelId, byte[] stored, TrialSearch strategy, Champion champion, int trials) {
        try (DataInputStream data = new DataInputStream(new ByteArrayInputStream(stored))) {
            StateIo.readHeader(data, TAG, VERSION);
            int n = data.readInt();
            if (n != trials) {
                throw new IOException("it has " + n + " trials, search.trials is " + trials);
            }
            long rows = data.readLong();
            long servedVersion = data.readLong();
            byte[] strategyBytes = new byte[data.readInt()];
            data.readFully(strategyBytes);
            strategy.loadState(new DataInputStream(new ByteArrayInputStream(strategyBytes)));
            champion.loadState(data);
            List<SortedMap<String, String>> configs = new ArrayList<>();
            long[] trained = new long[n];
            long[] sinceOpen = new long[n];
            double[][] figures = new double[n][3];
            long[] scored = new long[n];
            for (int t = 0; t < n; t++) {
                SortedMap<String, String> config = new TreeMap<>();
                int keys = data.readInt();
                for (int i = 0; i < keys; i++) {
                    config.put(data.readUTF(), data.readUTF());
                }
                configs.add(Collections.unmodifiableSortedMap(config));
                trained[t] = data.readLong();
                sinceOpen[t] = data.readLong();
                for (int f = 0; f < 3; f++) {
                    figures[t][f] = data.readDouble();
                }
                scored[t] = data.readLong();
            }
            return new Stored(rows, servedVersion, configs, trained, sinceOpen, figures, scored);
        } catch (IOException | IllegalStateException e) {
            throw new IllegalArgumentException(
                    "model '" + modelId + "': cannot continue the stored search (" + e.getMessage()
                            + "); the search.* keys changed: restore them or use a new application.id",
                    e);
        }
    }

    /**
     * The leaderboard of the search of model {@code modelId} kept in its stored record {@code <id>/search} (what
     * {@code GET /models/{id}/trials} shows), as {@link #leaderboard} would give it in the task.
     *
     * @param regression whether the model is a regression (the search metric's direction)
     * @throws IllegalArgumentException when the record is not one of this search
     */
    public static List<Standing> leaderboardOf(String modelId, SearchConfig search, boolean regression, byte[] stored) {
        boolean maximize = search.maximize(regression);
        TrialSearch strategy = TrialSearch.of(search, maximize);
        Champion champion = new Champion(search.trials(), search.switchMargin(), maximize);
        Stored state = read(modelId, stored, strategy, champion, search.trials());
        double[] values = new double[search.trials()];
        double[] prequential = new double[search.trials()];
        for (int t = 0; t < values.length; t++) {
            values[t] = search.metric().equals("prequential") ? state.figures()[t][0] : state.figures()[t][1];
            prequential[t] = state.figures()[t][2];
        }
        return board(
                strategy,
                champion.champion(),
                state.configs(),
                state.trained(),
                values,
                prequential,
                state.scored(),
                maximize);
    }

    /** A trial's figures, heard from its trainer, which it passes on to the search's listener. */
    private final class TrialMetrics implements TrainingListener {
        private final int trial;
        private final String id;
        private double window = Double.NaN;
        private double holdout = Double.NaN;
        private double prequential = Double.NaN;
        private long scored;
        private boolean drift;

        TrialMetrics(int trial) {
            this.trial = trial;
            this.id = trialId(modelId, trial);
        }

        /** The id the search's listener hears this trial under: {@code <id>} while it is champion. */
        private String heard() {
            return trial == champion.champion() ? modelId : id;
        }

        double value() {
            return search.metric().equals("prequential") ? window : holdout;
        }

        void write(DataOutputStream data) throws IOException {
            data.writeDouble(window);
            data.writeDouble(holdout);
            data.writeDouble(prequential);
            data.writeLong(scored);
        }

        @Override
        public void onPrequential(
                String trialId, double[] predicted, double[] labels, double metricSoFar, double windowMetric) {
            window = windowMetric;
            prequential = metricSoFar;
            scored += predicted.length;
            listener.onPrequential(heard(), predicted, labels, metricSoFar, windowMetric);
        }

        /** Whether the trial's drift detector fired since the last call. */
        boolean takeDrift() {
            boolean fired = drift;
            drift = false;
            return fired;
        }

        @Override
        public void onEvaluation(String trialId, TrainingMetrics record) {
            if (record.getEvent() != null && record.getEvent().getKind().equals("drift")) {
                drift = true;
            }
            listener.onEvaluation(heard(), record);
        }

        @Override
        public void onHoldoutEvaluation(String trialId, Evaluation evaluation) {
            if (!search.metric().equals("prequential")) {
                holdout = evaluation.monitored(search.metric());
            }
            listener.onHoldoutEvaluation(heard(), evaluation);
        }

        @Override
        public void onExample(String trialId, boolean trainedOn) {
            listener.onExample(heard(), trainedOn);
        }

        @Override
        public void onHoldoutExample(String trialId) {
            listener.onHoldoutExample(heard());
        }

        @Override
        public void onStep(String trialId, StepResult step, long examplesSeen, long nanos) {
            listener.onStep(heard(), step, examplesSeen, nanos);
        }

        @Override
        public void onDriftState(String trialId, boolean warning) {
            listener.onDriftState(heard(), warning);
        }

        @Override
        public void onDeadLetter(DeadLetterReason reason) {
            listener.onDeadLetter(reason);
        }

        @Override
        public void onPaused(String trialId, boolean paused) {
            listener.onPaused(heard(), paused);
        }
    }
}
