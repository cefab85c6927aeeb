package dev.eddy.topology;

import dev.eddy.core.optim.StateIo;
import dev.eddy.core.search.Asha;
import dev.eddy.core.search.Champion;
import dev.eddy.core.search.Hyperband;
import dev.eddy.core.search.Pbt;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.core.search.TrialSearch;
import dev.eddy.core.search.Trials;
import dev.eddy.core.search.Zoom;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.schema.TrainingEvent;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.ModelStatusSerde;
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
import java.util.function.BiConsumer;
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
 * metrics (and so after a command or an adopted model, whose step a smaller batch size can make due). At the commit
 * ({@link #flushState}) the trials' states are written and the search's own record with them,
 * in the same transaction. When the
 * champion's drift detector fires, the search re-opens ({@link #reopen}). Every decision happens at an example count,
 * never on wall-clock time, so the same stream gives the same search, also across a restart.
 *
 * <p>What {@code <id>} serves: only the champion's snapshots are published, under {@code <id>} with {@code <id>}'s
 * own version counter (strictly increasing across switches, continuing the versions {@code <id>} published before
 * it was a search, or, for a search new to this application, those {@code <id>} has on the snapshot topic ({@link
 * PublishedVersions})), with the trial id and its searched hyper-parameters; a switch publishes the new champion at once
 * ({@code CHAMPION}). Trial snapshots are not published. Every decision is a metrics record of {@code <id>} with an
 * {@code event} ({@code search-prune}, {@code search-promote}, {@code search-complete}, {@code search-resample},
 * {@code search-exploit}, {@code search-explore}, {@code search-reopen}, {@code search-champion}, {@code search-reset}).
 *
 * <p>The search metric of a trial: with {@code search.metric=prequential} its windowed prequential accuracy (RMSE
 * for regression) over its last {@code prequential.window} scored examples; with {@code holdout_*} the named score
 * of its last holdout evaluation (every {@code eval-every} steps). NaN until there is one (NaN ranks last).
 *
 * <p>State: the record {@code <id>/search} of the trainer-state store (header {@code search}, version 3): rows seen,
 * {@code <id>}'s snapshot version, the strategy's and the champion's states, and per trial its configuration, the
 * examples it trained (in all and since the search last opened), its figures, and for a spread search its epoch,
 * generation and last reported status.
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

    /**
     * Where the trials train ({@link TrialPlacement}): in this task, the one of partition {@code partition}, or, for
     * a spread search, each in the task of its host, which {@code send} reaches through the fan-out topic with
     * messages of at most {@code maxMessageBytes} ({@code snapshot.max-bytes}).
     */
    record Placement(
            TrialPlacement placement, int partition, BiConsumer<Integer, SearchMessage> send, int maxMessageBytes) {

        /** Every trial in this task. */
        static final Placement HERE = new Placement(TrialPlacement.ONE, 0, (p, m) -> {}, Integer.MAX_VALUE);
    }

    private static final String TAG = "search";
    /**
     * Version 2 adds whether the trials are spread, and per trial its epoch and last reported status; version 3 its
     * generation.
     */
    private static final int VERSION = 3;

    private static final ModelStatusSerde STATUS = new ModelStatusSerde();

    private final String modelId;
    private final SearchConfig search;
    private final Function<SortedMap<String, String>, TrainerConfig> configOf;
    private final TrialSettings settings;
    private final ModelTraining.Stores stores;
    private final TrainingListener listener;
    private final Consumer<SpecificRecord> out;
    private final Consumer<Event> decisions;
    private final Placement where;
    /** Per trial, whether it trains in this task (else in its host's, which reports to this one). */
    private final boolean[] local;

    private final boolean maximize;
    private final boolean regression;

    /** Per trial, the configuration it trains now (zoom replaces some each round). */
    private final List<SortedMap<String, String>> configs;

    private TrialSearch strategy;
    private Champion champion;
    private final ModelTraining[] trials;
    private final TrialFigures[] metrics;
    private final long[] trained;
    /** Per trial, examples trained since the search was last (re)opened: what the strategy's milestones count. */
    private final long[] sinceOpen;
    /** Per trial, how often its example count restarted ({@link SearchMessage}); reports of another epoch are stale. */
    private final int[] epochs;
    /** Per trial, how often its model changed ({@link SearchMessage}); relays and adoptions of another are stale. */
    private final int[] generations;
    /** Per trial trained elsewhere, its status at its last report, null before the first. */
    private final byte[][] reported;

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
     * @param where where the trials train
     * @param published the versions on the snapshot topic, which a search new to this application continues
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
            Placement where,
            PublishedVersions published,
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
        this.where = where;
        this.maximize = search.maximize(regression);
        this.nowMs = nowMs;
        this.configs = new ArrayList<>(initial);
        this.strategy = TrialSearch.of(search, maximize);
        this.champion = new Champion(search.trials(), search.switchMargin(), maximize);
        this.trials = new ModelTraining[search.trials()];
        this.metrics = new TrialFigures[search.trials()];
        this.trained = new long[search.trials()];
        this.sinceOpen = new long[search.trials()];
        this.epochs = new int[search.trials()];
        this.generations = new int[search.trials()];
        this.reported = new byte[search.trials()][];
        this.local = new boolean[search.trials()];
        for (int t = 0; t < local.length; t++) {
            local[t] = where.placement().host(modelId, t) == where.partition()
                    || !where.placement().spreads(modelId);
        }
        byte[] stored = stores.trainerState().get(stateKey());
        if (stored != null) {
            restore(stored);
        }
        // the versions <id> published before: as a model that was not a search, or since this record was written;
        // new to this application, those its id already has on the snapshot topic
        ModelStatus before = stores.status().get(modelId);
        if (before != null) {
            servedVersion = Math.max(servedVersion, before.snapshotVersion());
        } else if (stored == null) {
            servedVersion = published.highest(modelId);
        }
        for (int t = 0; t < trials.length; t++) {
            if (metrics[t] == null) {
                metrics[t] = figures(t);
            }
            trials[t] = local[t] ? open(t) : null;
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

    private TrialFigures figures(int t) {
        return new TrialFigures(
                modelId, trialId(modelId, t), search.metric(), () -> champion.champion() == t, listener);
    }

    private ModelTraining open(int t) {
        return openTrial(
                trialId(modelId, t), configOf.apply(configs.get(t)), settings, stores, metrics[t], trialOut(t), nowMs);
    }

    /** A trial's trainer: a model of its own id and configuration with the application's settings, no warm start. */
    static ModelTraining openTrial(
            String trialId,
            TrainerConfig config,
            TrialSettings settings,
            ModelTraining.Stores stores,
            TrainingListener figures,
            Consumer<SpecificRecord> out,
            long nowMs) {
        return new ModelTraining(
                trialId,
                config,
                settings.holdoutSize(),
                settings.snapshotEvery(),
                settings.prequential(),
                settings.prequentialWindow(),
                stores,
                figures,
                out,
                null,
                PublishedVersions.NONE, // a trial's snapshots are published under <id>'s versions
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
                serve(snapshot, t);
            }
        };
    }

    /** Publishes the champion {@code t}'s snapshot under {@code <id>}'s next version. */
    private void serve(ModelSnapshot snapshot, int t) {
        servedVersion++;
        out.accept(ModelSnapshot.newBuilder(snapshot)
                .setModelId(modelId)
                .setVersion(servedVersion)
                .setTrial(trialId(modelId, t))
                .setTrialConfig(new HashMap<>(configs.get(t)))
                .build());
        listener.onSnapshot(modelId, servedVersion, snapshot.getReason());
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
            if (strategy.live(t) && local[t]) {
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
                case PRUNE -> {
                    tell(t, SearchMessage.Kind.PAUSE);
                    decided(t, "search-prune", where);
                }
                case PROMOTE -> {
                    tell(t, SearchMessage.Kind.RESUME);
                    decided(t, "search-promote", where);
                }
                case COMPLETE -> decided(t, "search-complete", where);
                case RESAMPLE -> {
                    resample(t, ((Zoom) strategy).config(t));
                    tell(t, SearchMessage.Kind.RESAMPLE, configs.get(t), -1);
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
        for (int t = 0; t < trials.length; t++) {
            epochs[t]++;
            tell(t, SearchMessage.Kind.REOPEN);
        }
        decided(champion.champion(), "search-reopen", "the champion's drift detector fired");
    }

    /**
     * The trial takes a new configuration: a fresh model with it (its stored state deleted), its figures and
     * milestone count from zero (a resampled champion has a NaN metric, so the next champion update replaces it); a new
     * epoch and generation, so that its reports, relays and adoptions of before are stale.
     */
    private void resample(int t, SortedMap<String, String> config) {
        epochs[t]++;
        generations[t]++;
        configs.set(t, config);
        metrics[t] = figures(t);
        if (local[t]) {
            trials[t].forget();
            trials[t] = open(t);
        } else {
            reported[t] = null; // its host resamples it on the same command
        }
        sinceOpen[t] = 0;
    }

    /** Tells a trial's host what was decided for it; nothing for a trial of this task, which acts on it here. */
    private void tell(int t, SearchMessage.Kind kind) {
        tell(t, kind, Collections.emptySortedMap(), -1);
    }

    private void tell(int t, SearchMessage.Kind kind, SortedMap<String, String> config, int peer) {
        if (!local[t]) {
            where.send()
                    .accept(
                            where.placement().host(modelId, t),
                            new SearchMessage.Decision(modelId, t, epochs[t], generations[t], kind, config, peer));
        }
    }

    /**
     * A message from a trial's host: a report (of the current epoch) sets the trial's figures and counts, and the
     * strategy and the champion decide as after an example of this task ({@link #decide}); a relayed snapshot of the
     * champion is published under {@code <id>} ({@link #serve(ModelSnapshot, int)}), one of a trial that is no longer
     * champion or of an older generation is dropped; a donor's model for a trial of this task (PBT) is adopted when
     * it is of the trial's generation.
     */
    @Override
    public ExampleCheck.Failure receive(SearchMessage message) {
        int t = message.trial();
        if (t >= trials.length) {
            return null; // not a trial of this search: a message of another configuration
        }
        if (message instanceof SearchMessage.Adopt a) {
            if (local[t] && a.current(epochs[t], generations[t], false)) {
                ExampleCheck.Failure bad = TrialHost.adopt(trials[t], a, configOf.apply(a.config()), nowMs);
                decide(); // on a drift that a step of the adopted model found, in this transaction
                changed();
                return bad;
            }
            return null;
        }
        if (local[t] || message instanceof SearchMessage.Command) {
            return null; // reports and relays come from trials of other tasks only; commands go the other way
        }
        if (message instanceof SearchMessage.Report r) {
            if (r.epoch() != epochs[t]) {
                return null;
            }
            try {
                STATUS.deserialize(null, r.status());
            } catch (RuntimeException e) {
                return new ExampleCheck.Failure(
                        DeadLetterReason.UNDECODABLE,
                        "the status reported by " + trialId(modelId, t) + " is not a model status: " + e.getMessage());
            }
            trained[t] = r.trained();
            sinceOpen[t] = r.sinceOpen();
            metrics[t].window = r.window();
            metrics[t].holdout = r.holdout();
            metrics[t].prequential = r.prequential();
            metrics[t].scored = r.scored();
            if (r.drift()) {
                metrics[t].drifted();
            }
            reported[t] = r.status();
            decide();
            changed();
        } else if (message instanceof SearchMessage.Relay r
                && t == champion.champion()
                && r.current(epochs[t], generations[t])) {
            ModelSnapshot snapshot;
            try {
                snapshot = AvroSerdes.modelSnapshots().deserialize(null, r.snapshot());
            } catch (RuntimeException e) {
                return new ExampleCheck.Failure(
                        DeadLetterReason.UNDECODABLE,
                        "the snapshot relayed by " + trialId(modelId, t) + " is not a ModelSnapshot: "
                                + e.getMessage());
            }
            serve(snapshot, t);
            changed();
        }
        return null;
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
        SortedMap<String, String> config = pbt.config(t);
        configs.set(t, config);
        generations[t]++; // an adoption or explore decided before this one is stale
        if (local[t] && local[from]) {
            trials[t].exploit(trials[from], configOf.apply(config), nowMs);
        } else if (from == t) {
            tell(t, SearchMessage.Kind.EXPLORE, config, -1);
        } else if (local[from]) {
            where.send()
                    .accept(
                            where.placement().host(modelId, t),
                            Adoption.of(
                                    modelId,
                                    t,
                                    epochs[t],
                                    generations[t],
                                    config,
                                    trials[from].trainerState(),
                                    where.maxMessageBytes()));
        } else {
            // the donor's host sends its model to the trial's host (this task's own when the trial trains here)
            where.send()
                    .accept(
                            where.placement().host(modelId, from),
                            new SearchMessage.Decision(
                                    modelId, from, epochs[t], generations[t], SearchMessage.Kind.SHARE, config, t));
        }
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
                tell(before, SearchMessage.Kind.RETIRE);
            }
            if (!local[t]) {
                tell(t, SearchMessage.Kind.SERVE); // its host relays its current model, then each snapshot
            } else if (before >= 0) {
                trials[t].publishCurrent(SnapshotReason.CHAMPION, nowMs);
            }
        }
    }

    /** A decision: heard by the home, and a metrics record of {@code <id>} with the event. */
    private void decided(int trial, String kind, String detail) {
        decisions.accept(new Event(rows, trial, kind, detail));
        ModelStatus s = status(trial);
        TrainingMetrics record = TrainingMetrics.newBuilder()
                .setModelId(modelId)
                .setStep(s == null ? 0 : s.steps())
                .setSnapshotVersion(servedVersion < 0 ? null : servedVersion)
                .setExamplesSeen(s == null ? trained[trial] : s.examplesTrained())
                .setTrainLoss(s == null ? Double.NaN : s.lastTrainLoss())
                .setLearningRate(s == null ? Double.NaN : s.learningRate())
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

    /** The trial's status: of its trainer here, or at its host's last report (null before the first). */
    private ModelStatus status(int t) {
        if (local[t]) {
            return trials[t].status();
        }
        return reported[t] == null ? null : STATUS.deserialize(null, reported[t]);
    }

    private static Double finite(double value) {
        return Double.isNaN(value) ? null : value;
    }

    /**
     * Addressed to {@code <id>}: {@code resume} resumes every trial its early stopping stopped; {@code set} of a key
     * that is not searched changes every trial; {@code reset} restarts the search ({@link #restart}). Addressed to a
     * trial {@code <id>~tNN}: {@code resume} or {@code set} (a searched key too, which then shows in the trial's
     * hyper-parameters) acts on that trial only. This task reads every command of a spread search and forwards to a
     * trial's host what concerns the trial ({@link SearchMessage.Command}), in order with its decisions.
     */
    @Override
    public ExampleCheck.Failure command(ModelCommand command, long nowMs) {
        this.nowMs = nowMs;
        int trial = trialOf(command.model());
        ExampleCheck.Failure bad = null;
        if (trial >= 0) {
            bad = command(trial, command);
        } else if (command.kind() == ModelCommand.Kind.RESET) {
            restart();
        } else {
            for (int t = 0; t < trials.length; t++) {
                ExampleCheck.Failure refused = command(t, command.forModel(trialId(modelId, t)));
                bad = bad == null ? refused : bad;
            }
        }
        decide(); // on a drift that a step the command made due found (a smaller batch size), in this transaction
        changed();
        return bad;
    }

    /**
     * A command for trial {@code t} ({@code command} names it): applied here, or forwarded to its host.
     *
     * @return null, or why a trial here refused it
     */
    private ExampleCheck.Failure command(int t, ModelCommand command) {
        if (local[t]) {
            ExampleCheck.Failure refused = trials[t].command(command, nowMs);
            if (refused != null) {
                return refused;
            }
        } else {
            where.send().accept(where.placement().host(modelId, t), new SearchMessage.Command(modelId, t, command));
        }
        configs.set(t, TrialHost.withSet(configs.get(t), command));
        return null;
    }

    /** The trial a command names ({@code <id>~tNN}), −1 when it names {@code <id>}. */
    private int trialOf(String target) {
        int t = trialOf(modelId, target);
        return t < trials.length ? t : -1;
    }

    /** The trial number of a trial id {@code <id>~tNN} of {@code modelId}, −1 for any other id. */
    static int trialOf(String modelId, String target) {
        String prefix = modelId + "~t";
        if (!target.startsWith(prefix) || target.length() > prefix.length() + 9) {
            return -1;
        }
        try {
            int t = Integer.parseInt(target.substring(prefix.length()));
            return t >= 0 && trialId(modelId, t).equals(target) ? t : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Whether {@code command} would change a searched key of model {@code modelId} ({@code set <id> <searched key>}),
     * which the search owns.
     *
     * @return why it is refused, null when it is not
     */
    static String refusal(String modelId, SearchConfig search, ModelCommand command) {
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
        if (champion.champion() >= 0) {
            tell(champion.champion(), SearchMessage.Kind.RETIRE);
        }
        strategy = TrialSearch.of(search, maximize);
        champion = new Champion(search.trials(), search.switchMargin(), maximize);
        Arrays.fill(trained, 0);
        for (int t = 0; t < trials.length; t++) {
            resample(t, initial.get(t));
            tell(t, SearchMessage.Kind.RESET, initial.get(t), -1);
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
        if (served >= 0 && local[served]) {
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
            if (strategy.live(t) && local[t]) {
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
            if (trial != null) {
                trial.flushState();
            }
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
            data.writeBoolean(where.placement().spreads(modelId));
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
                Trials.writeConfig(data, configs.get(t));
                data.writeLong(trained[t]);
                data.writeLong(sinceOpen[t]);
                metrics[t].write(data);
                data.writeInt(epochs[t]);
                data.writeInt(generations[t]);
                data.writeInt(reported[t] == null ? -1 : reported[t].length);
                if (reported[t] != null) {
                    data.write(reported[t]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stores.trainerState().put(stateKey(), bytes.toByteArray());
        int served = champion.champion();
        ModelStatus s = served < 0 ? null : status(served);
        if (s != null) {
            stores.status().put(modelId, servedStatus(s));
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
        boolean spread = where.placement().spreads(modelId);
        if (state.spread() != spread) {
            throw new IllegalArgumentException("model '" + modelId + "': cannot continue the stored search, whose"
                    + " trials trained " + (state.spread() ? "spread over the input partitions" : "in one task")
                    + " where they now " + (spread ? "spread over " : "train in one task of ")
                    + where.placement().partitions().count() + " partitions; set search.placement="
                    + (state.spread() ? "spread" : "task") + " (and the same partitions) or use a new application.id");
        }
        rows = state.rows();
        servedVersion = state.servedVersion();
        for (int t = 0; t < trials.length; t++) {
            configs.set(t, state.configs().get(t));
            trained[t] = state.trained()[t];
            sinceOpen[t] = state.sinceOpen()[t];
            metrics[t] = figures(t);
            metrics[t].window = state.figures()[t][0];
            metrics[t].holdout = state.figures()[t][1];
            metrics[t].prequential = state.figures()[t][2];
            metrics[t].scored = state.scored()[t];
            epochs[t] = state.epochs()[t];
            generations[t] = state.generations()[t];
            reported[t] = state.reported()[t];
        }
    }

    /**
     * The record {@code <id>/search} read back; per trial its figures: window, holdout and prequential metrics; its
     * epoch and last reported status (version 2; a version 1 record, of a search in one task, has 0 and none) and its
     * generation (version 3; 0 before).
     */
    private record Stored(
            boolean spread,
            long rows,
            long servedVersion,
            List<SortedMap<String, String>> configs,
            long[] trained,
            long[] sinceOpen,
            double[][] figures,
            long[] scored,
            int[] epochs,
            int[] generations,
            byte[][] reported) {}

    /** Reads the record {@code <id>/search} into {@code strategy} and {@code champion}, and returns the rest. */
    private static Stored read(String modelId, byte[] stored, TrialSearch strategy, Champion champion, int trials) {
        try (DataInputStream data = new DataInputStream(new ByteArrayInputStream(stored))) {
            int version = StateIo.readHeader(data, TAG, 1, VERSION);
            boolean spread = version >= 2 && data.readBoolean();
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
            int[] epochs = new int[n];
            int[] generations = new int[n];
            byte[][] reported = new byte[n][];
            for (int t = 0; t < n; t++) {
                configs.add(Trials.readConfig(data));
                trained[t] = data.readLong();
                sinceOpen[t] = data.readLong();
                for (int f = 0; f < 3; f++) {
                    figures[t][f] = data.readDouble();
                }
                scored[t] = data.readLong();
                if (version >= 2) {
                    epochs[t] = data.readInt();
                    generations[t] = version >= 3 ? data.readInt() : 0;
                    int length = data.readInt();
                    if (length >= 0) {
                        reported[t] = new byte[length];
                        data.readFully(reported[t]);
                    }
                }
            }
            return new Stored(
                    spread,
                    rows,
                    servedVersion,
                    configs,
                    trained,
                    sinceOpen,
                    figures,
                    scored,
                    epochs,
                    generations,
                    reported);
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
}
