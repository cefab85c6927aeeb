package dev.eddy.topology;

import dev.eddy.core.optim.StateIo;
import dev.eddy.core.search.AshaConfig;
import dev.eddy.core.search.PbtConfig;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.core.search.StrategyConfig;
import dev.eddy.core.search.TrialSearch;
import dev.eddy.core.search.Trials;
import dev.eddy.core.search.ZoomConfig;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.state.ModelStatusSerde;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * The trials of a spread search ({@link TrialPlacement}) that train in this task, which is not the task of their
 * model {@code <id>}: each is a {@link ModelTraining} with its own exactly-once state, taking every example of
 * {@code <id>} (one copy per task) while the search has it running. The task of {@code <id>} ({@link
 * SearchTraining}) runs the strategy and the champion on the trials' reports and answers with decisions ({@link
 * SearchMessage}):
 *
 * <ul>
 *   <li>after each example, every trial that has trained a multiple of the {@linkplain #reportEvery report interval}
 *       since the search (re)opened, or whose drift detector fired, reports its figures and status;
 *   <li>{@code PAUSE} and {@code RESUME} stop and restart a trial's training (pruned, promoted), {@code REOPEN}
 *       restarts its count (the champion drifted: the search re-opened), {@code RESAMPLE} restarts it afresh under a
 *       new configuration (zoom), {@code EXPLORE} continues it under one (PBT), {@code SHARE} sends its model to another
 *       trial's host, which continues from it ({@link SearchMessage.Adopt}: PBT's exploit), {@code SERVE} makes it
 *       relay its current model and then each of its snapshots, which the task of {@code <id>} publishes under
 *       {@code <id>}, until {@code RETIRE};
 *   <li>{@code RESET} restarts a trial from its first configuration ({@code reset <id>}, which the task of {@code <id>}
 *       reads);
 *   <li>commands ({@code resume}, {@code set}) for the trials here are read in the task of {@code <id>}, which forwards
 *       them ({@link SearchMessage.Command}) in order with its decisions.
 * </ul>
 *
 * A trial's snapshots are otherwise not published (as in one task), its metrics records are, under its id.
 *
 * <p>State: the record {@code <id>/host} of the trainer-state store (header {@code trial-host}, version 2): per
 * trial hosted here its configuration, whether it runs, whether it serves, its epoch, examples trained (in all and
 * since the search opened), its figures and its generation (version 2; a version 1 record restores it as 0).
 */
final class TrialHost implements TaskTraining {

    private static final String TAG = "trial-host";
    private static final int VERSION = 2;
    private static final ModelStatusSerde STATUS = new ModelStatusSerde();

    private final String modelId;
    /** The largest message the fan-out topic takes ({@code snapshot.max-bytes}). */
    private final int maxMessageBytes;

    private final TrialPlacement placement;
    private final int home;
    private final long reportEvery;
    private final Function<SortedMap<String, String>, TrainerConfig> configOf;
    private final SearchTraining.TrialSettings settings;
    private final ModelTraining.Stores stores;
    private final TrainingListener listener;
    private final Consumer<SpecificRecord> out;
    private final BiConsumer<Integer, SearchMessage> send;
    private final List<SortedMap<String, String>> initial;
    private final TrialSearch fresh;
    private final String searchMetric;

    /** The trials hosted here, ascending. */
    private final int[] hosted;

    private final ModelTraining[] trials;
    private final TrialFigures[] figures;
    private final List<SortedMap<String, String>> configs = new ArrayList<>();
    private final boolean[] running;
    private final boolean[] serving;
    private final int[] epochs;
    private final int[] generations;
    private final long[] trained;
    private final long[] sinceOpen;

    private boolean unsaved;
    private long nowMs;

    /**
     * Opens the trials of {@code modelId}'s search that {@code where} puts in this task: from the stores, or fresh as
     * the search starts them.
     *
     * @throws IllegalArgumentException when the stored record is not one of this search
     */
    TrialHost(
            String modelId,
            SearchConfig search,
            SearchTraining.Placement where,
            Function<SortedMap<String, String>, TrainerConfig> configOf,
            SearchTraining.TrialSettings settings,
            ModelTraining.Stores stores,
            TrainingListener listener,
            Consumer<SpecificRecord> out,
            long nowMs) {
        this.modelId = modelId;
        this.maxMessageBytes = where.maxMessageBytes();
        this.placement = where.placement();
        this.home = placement.home(modelId);
        this.reportEvery = reportEvery(search, settings.prequentialWindow());
        this.configOf = configOf;
        this.settings = settings;
        this.stores = stores;
        this.listener = listener;
        this.out = out;
        this.send = where.send();
        this.nowMs = nowMs;
        this.initial = search.initialTrials();
        this.searchMetric = search.metric();
        boolean regression = !configOf.apply(initial.get(0)).classification();
        this.fresh = TrialSearch.of(search, search.maximize(regression));
        List<Integer> mine = new ArrayList<>();
        for (int t = 0; t < search.trials(); t++) {
            if (placement.host(modelId, t) == where.partition()) {
                mine.add(t);
            }
        }
        this.hosted = mine.stream().mapToInt(Integer::intValue).toArray();
        int n = hosted.length;
        this.trials = new ModelTraining[n];
        this.figures = new TrialFigures[n];
        this.running = new boolean[n];
        this.serving = new boolean[n];
        this.epochs = new int[n];
        this.generations = new int[n];
        this.trained = new long[n];
        this.sinceOpen = new long[n];
        for (int i = 0; i < n; i++) {
            configs.add(initial.get(hosted[i]));
            running[i] = fresh.live(hosted[i]);
            figures[i] = figures(i);
        }
        byte[] stored = stores.trainerState().get(stateKey());
        if (stored != null) {
            restore(stored);
        }
        for (int i = 0; i < n; i++) {
            trials[i] = open(i);
        }
        unsaved = stored == null;
    }

    /**
     * Every how many examples trained since the search (re)opened (zoom: since the trial's configuration started) a
     * trial reports, so that a report falls on each of its milestones: for asha and hyperband the greatest common
     * divisor of {@code search.asha.min-examples} and {@code search.asha.max-examples}, of which every rung is a
     * multiple; {@code search.zoom.round-examples}; {@code search.pbt.interval-examples}; for grid and random, whose
     * reports only choose the champion, the prequential window.
     */
    static long reportEvery(SearchConfig search, int prequentialWindow) {
        StrategyConfig settings = search.settings().orElse(null);
        if (settings instanceof ZoomConfig zoom) {
            return zoom.roundExamples();
        }
        if (settings instanceof PbtConfig pbt) {
            return pbt.intervalExamples();
        }
        if (settings instanceof AshaConfig asha) {
            return BigInteger.valueOf(asha.minExamples())
                    .gcd(BigInteger.valueOf(asha.maxExamples()))
                    .longValueExact();
        }
        return prequentialWindow;
    }

    private TrialFigures figures(int i) {
        return new TrialFigures(
                modelId, SearchTraining.trialId(modelId, hosted[i]), searchMetric, () -> serving[i], listener);
    }

    private ModelTraining open(int i) {
        return SearchTraining.openTrial(
                SearchTraining.trialId(modelId, hosted[i]),
                configOf.apply(configs.get(i)),
                settings,
                stores,
                figures[i],
                trialOut(i),
                nowMs);
    }

    /** A trial's metrics records go out under its id; its snapshots to the task of {@code <id>} while it serves. */
    private Consumer<SpecificRecord> trialOut(int i) {
        return record -> {
            if (!(record instanceof ModelSnapshot snapshot)) {
                out.accept(record);
            } else if (serving[i]) {
                send.accept(
                        home,
                        new SearchMessage.Relay(
                                modelId,
                                hosted[i],
                                epochs[i],
                                generations[i],
                                AvroSerdes.modelSnapshots().serialize(null, snapshot)));
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

    private ExampleCheck.Failure take(Example example, boolean training) {
        for (int i = 0; i < hosted.length; i++) {
            if (!running[i]) {
                continue;
            }
            ExampleCheck.Failure misfit = training ? trials[i].train(example, nowMs) : trials[i].holdout(example);
            if (misfit != null) {
                return misfit; // trials share the model's input: the first running trial's, before any trained
            }
            if (training) {
                trained[i]++;
                sinceOpen[i]++;
            }
            boolean drift = figures[i].takeDrift();
            if (drift || (training && sinceOpen[i] % reportEvery == 0)) {
                report(i, drift);
            }
        }
        unsaved = true;
        return null;
    }

    private void report(int i, boolean drift) {
        TrialFigures f = figures[i];
        send.accept(
                home,
                new SearchMessage.Report(
                        modelId,
                        hosted[i],
                        epochs[i],
                        trained[i],
                        sinceOpen[i],
                        f.window,
                        f.holdout,
                        f.prequential,
                        f.scored,
                        drift,
                        STATUS.serialize(null, trials[i].status())));
    }

    /**
     * A decision of the task of {@code <id>} for a trial here ({@link SearchMessage.Kind}; one of an older epoch is
     * void), a command it forwards, or a donor's model for a trial here ({@link SearchMessage.Adopt}, applied when it is
     * of a newer generation than the trial's). A drift the trial's detector found meanwhile (a step that a smaller
     * batch size made due scores its batch) is reported at once, in the transaction of the message.
     */
    @Override
    public ExampleCheck.Failure receive(SearchMessage message) {
        int i = index(message.trial());
        if (i < 0) {
            return null; // not a trial of this task: a message of another configuration
        }
        unsaved = true;
        ExampleCheck.Failure bad = null;
        if (message instanceof SearchMessage.Adopt a) {
            if (a.current(epochs[i], generations[i], true)) {
                generations[i] = Math.max(generations[i], a.generation());
                configs.set(i, a.config());
                bad = adopt(trials[i], a, configOf.apply(a.config()), nowMs);
            }
        } else if (message instanceof SearchMessage.Decision d) {
            decided(i, d);
        } else if (message instanceof SearchMessage.Command c) {
            bad = trials[i].command(c.command(), nowMs);
            if (bad == null) {
                configs.set(i, withSet(configs.get(i), c.command()));
            }
        }
        if (figures[i].takeDrift()) {
            report(i, true);
        }
        return bad;
    }

    private void decided(int i, SearchMessage.Decision d) {
        switch (d.kind()) {
            case SERVE -> {
                serving[i] = true;
                trials[i].publishCurrent(SnapshotReason.CHAMPION, nowMs);
            }
            case RETIRE -> serving[i] = false;
            case SHARE -> send.accept(
                    placement.host(modelId, d.peer()),
                    Adoption.of(
                            modelId,
                            d.peer(),
                            d.epoch(),
                            d.generation(),
                            d.config(),
                            trials[i].trainerState(),
                            maxMessageBytes));
            case REOPEN, RESAMPLE, RESET -> {
                if (d.epoch() > epochs[i]) {
                    epochs[i] = d.epoch();
                    sinceOpen[i] = 0;
                    running[i] = d.kind() != SearchMessage.Kind.RESET || fresh.live(hosted[i]);
                    if (d.kind() != SearchMessage.Kind.REOPEN) {
                        generations[i] = Math.max(generations[i], d.generation());
                        restart(i, d.config());
                    }
                    if (d.kind() == SearchMessage.Kind.RESET) {
                        trained[i] = 0;
                    }
                }
            }
            case EXPLORE -> {
                if (d.newer(epochs[i], generations[i])) {
                    generations[i] = Math.max(generations[i], d.generation());
                    configs.set(i, d.config());
                    trials[i].exploit(trials[i], configOf.apply(d.config()), nowMs);
                }
            }
            case PAUSE, RESUME -> {
                if (d.epoch() == epochs[i]) {
                    running[i] = d.kind() == SearchMessage.Kind.RESUME;
                }
            }
        }
    }

    /**
     * The trial continues from the adopted model under {@code config}, or its own when the adoption came without one
     * ({@link Adoption}) or with one that cannot be used.
     *
     * @return null, or why the adopted model cannot be used (a state that does not restore, or that {@code config}
     *     does not fit)
     */
    static ExampleCheck.Failure adopt(
            ModelTraining trial, SearchMessage.Adopt adopt, TrainerConfig config, long nowMs) {
        if (adopt.state().length == 0) {
            trial.exploit(trial, config, nowMs);
            return null;
        }
        try {
            trial.exploit(adopt.state(), config, nowMs);
            return null;
        } catch (RuntimeException e) {
            trial.exploit(trial, config, nowMs);
            return new ExampleCheck.Failure(
                    DeadLetterReason.UNDECODABLE,
                    "the model adopted by " + SearchTraining.trialId(adopt.modelId(), adopt.trial())
                            + " cannot be used: " + e.getMessage());
        }
    }

    /** {@code config} with the value a {@code set} of one of its keys gives it; {@code config} for any other command. */
    static SortedMap<String, String> withSet(SortedMap<String, String> config, ModelCommand command) {
        if (command.kind() != ModelCommand.Kind.SET || !config.containsKey(command.key())) {
            return config;
        }
        SortedMap<String, String> set = new TreeMap<>(config);
        set.put(command.key(), command.value());
        return Collections.unmodifiableSortedMap(set);
    }

    /** The trial starts afresh under {@code config}: a fresh model (its stored state deleted) and figures. */
    private void restart(int i, SortedMap<String, String> config) {
        trials[i].forget();
        configs.set(i, config);
        figures[i] = figures(i);
        trials[i] = open(i);
    }

    /** The position of {@code trial} among the trials hosted here, −1 when it is not hosted here. */
    private int index(int trial) {
        for (int i = 0; i < hosted.length; i++) {
            if (hosted[i] == trial) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Nothing: commands for a spread search are read in the task of {@code <id>} ({@link CommandRouter}), which forwards
     * what concerns the trials here ({@link SearchMessage.Command}).
     */
    @Override
    public ExampleCheck.Failure command(ModelCommand command, long nowMs) {
        return null;
    }

    /** The serving trial relays a FINAL snapshot (clean shutdown); the task of {@code <id>} publishes it if it can. */
    @Override
    public void publishFinal(long nowMs) {
        for (int i = 0; i < hosted.length; i++) {
            if (serving[i]) {
                trials[i].publishCurrent(SnapshotReason.FINAL, nowMs);
            }
        }
    }

    @Override
    public void flushState() {
        for (ModelTraining trial : trials) {
            trial.flushState();
        }
        if (unsaved) {
            stores.trainerState().put(stateKey(), state());
            unsaved = false;
        }
    }

    private String stateKey() {
        return modelId + "/host";
    }

    private byte[] state() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(bytes)) {
            StateIo.writeHeader(data, TAG, VERSION);
            data.writeInt(hosted.length);
            for (int i = 0; i < hosted.length; i++) {
                data.writeInt(hosted[i]);
                Trials.writeConfig(data, configs.get(i));
                data.writeBoolean(running[i]);
                data.writeBoolean(serving[i]);
                data.writeInt(epochs[i]);
                data.writeLong(trained[i]);
                data.writeLong(sinceOpen[i]);
                figures[i].write(data);
                data.writeInt(generations[i]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private void restore(byte[] stored) {
        try (DataInputStream data = new DataInputStream(new ByteArrayInputStream(stored))) {
            int version = StateIo.readHeader(data, TAG, 1, VERSION);
            int n = data.readInt();
            if (n != hosted.length) {
                throw new IOException("it hosts " + n + " trials here, the placement " + hosted.length);
            }
            for (int i = 0; i < n; i++) {
                int trial = data.readInt();
                if (trial != hosted[i]) {
                    throw new IOException("it hosts trial " + trial + " where the placement has " + hosted[i]);
                }
                configs.set(i, Trials.readConfig(data));
                running[i] = data.readBoolean();
                serving[i] = data.readBoolean();
                epochs[i] = data.readInt();
                trained[i] = data.readLong();
                sinceOpen[i] = data.readLong();
                figures[i].read(data);
                generations[i] = version >= 2 ? data.readInt() : 0;
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "model '" + modelId + "': cannot continue the stored trials of its search (" + e.getMessage()
                            + "); the search.* keys or the input partitions changed: restore them or use a new"
                            + " application.id",
                    e);
        }
    }
}
