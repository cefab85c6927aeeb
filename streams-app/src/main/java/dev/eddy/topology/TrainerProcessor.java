package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.core.train.TransferRule;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.serde.AvroSerde;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.serving.ScoringTopology;
import dev.eddy.serving.SnapshotModels;
import dev.eddy.state.ChunkedBytes;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.PreCommit;
import dev.eddy.state.WarmStartSource;
import dev.eddy.state.WarmStartWait;
import dev.eddy.warmstart.ResolvedWarmStart;
import dev.eddy.warmstart.WarmStartConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the models whose trainer-input partition this task owns (key = model id). The live trainers are kept in
 * memory and opened lazily from the stores on a model's first record after a (re)start. A model with
 * {@code search.*} keys is a {@link SearchTraining}: its trials run here, in this task, each example given to every
 * live trial in process; a spread search ({@link TrialPlacement}) runs here the trials this partition hosts, and
 * either coordinates the search (the task of the model id: a {@link SearchTraining}) or hosts trials of it (a {@link
 * TrialHost}), the two exchanging {@link SearchMessage}s through the fan-out topic.
 *
 * <p><b>Awaited warm starts.</b> A model configured with {@code warm-start.from=src}, where src is a model of this
 * application (in this task or another) that had no snapshot at the start ({@link dev.eddy.warmstart.WarmStartResolver} leaves it unresolved), waits
 * when its first input finds it without state and without a pinned source: it has no trainer, its status says what
 * it waits for ({@link WarmStartWait}), and each of its inputs (examples, held-out examples, commands) is held in
 * arrival order in the trainer-state store, at most {@code warm-start.max-held-examples} (each one beyond goes to the
 * dead-letter topic, reason {@code warm-start-wait}). When src trains in this task and publishes a snapshot — its
 * first, which the quality gate always accepts — every awaiting model of the task pins it as its warm start ({@link
 * PinnedWarmStart}), and right after the record that caused the snapshot each waiting one starts from it and trains on
 * its held inputs, in their order, before anything newer: one task, one input order, so a replay after a crash is
 * bit-identical.
 *
 * <p>When src trains in another task, this task learns of its snapshot from the snapshot topic, through the global
 * store {@link ScoringTopology#SNAPSHOT_STORE} (the newest accepted snapshot per model, read committed): a waiting
 * model looks there on each of its inputs, before holding it, and every {@link #LOOK_INTERVAL} of wall-clock time, so
 * that its held inputs are released when no input comes. The snapshot it finds is pinned and the model released the
 * same way, by the same code. Either way everything is written in the transaction of the record (or punctuation)
 * being processed, so a crash restores the wait with its held inputs, or the pin and what was trained since, from the
 * changelogs; only the moment a snapshot from another task is found depends on fetch timing.
 */
final class TrainerProcessor implements Processor<String, TrainerInput, String, Object> {

    private final EddyConfig config;
    private final TrialPlacement placement;
    private final SortedMap<String, TrainerConfig> models;
    private final int holdoutSize;
    private final long snapshotEvery;
    private final boolean prequential;
    private final int prequentialWindow;
    private final TrainingListener listener;
    private final FinalSnapshotTrigger finals;
    /** Where this task's processor registers {@link #flushState} to run right before each commit of the task. */
    private final PreCommit preCommit;

    private final Runnable flush = this::flushState;
    private static final Logger LOG = LoggerFactory.getLogger(TrainerProcessor.class);
    private static final AvroSerde<ModelSnapshot> SNAPSHOTS = AvroSerdes.modelSnapshots();

    /** Between two looks of the waiting models of a task for their source's snapshot in the global store. */
    static final Duration LOOK_INTERVAL = Duration.ofSeconds(1);

    /** The warm starts resolved at the application's start, by model id. */
    private final Map<String, ResolvedWarmStart> warmStarts;

    /** The versions on the snapshot topic, which a model (or search) new to this application continues. */
    private final PublishedVersions published;

    /** The models whose warm start awaits the first snapshot of a model of this application: model id → config. */
    private final Map<String, WarmStartConfig> awaited;

    private final Map<String, TaskTraining> open = new HashMap<>();
    /** The warm starts of this task: those resolved at the start, and the awaited ones once taken (or pinned). */
    private final Map<String, ResolvedWarmStart> taken = new HashMap<>();
    /** The models waiting for their source's first snapshot, as far as this task has looked. */
    private final Map<String, WarmStartWait> waits = new HashMap<>();
    /** The models that cannot be opened (see {@link #model}): model id → why. */
    private final Map<String, String> refused = new HashMap<>();
    /** The awaited snapshot last not taken by a model because it does not transfer (see {@link #pin}), by model id. */
    private final Map<String, WarmStartSource> notTaken = new HashMap<>();

    private final TrainerInputSerde held = new TrainerInputSerde();
    private ProcessorContext<String, Object> context;
    private ModelTraining.Stores stores;
    /** The snapshot topic as the global thread has read it (newest accepted snapshot per model); null if not awaited. */
    private ReadOnlyKeyValueStore<String, byte[]> topicSnapshots;

    private String currentModel;
    private long currentTimestamp;
    private boolean finalsPublished;

    TrainerProcessor(
            EddyConfig config,
            TrialPlacement placement,
            TrainingListener listener,
            FinalSnapshotTrigger finals,
            Map<String, ResolvedWarmStart> warmStarts,
            PublishedVersions published,
            PreCommit preCommit) {
        this.config = config;
        this.published = published;
        this.placement = placement;
        this.preCommit = preCommit;
        this.models = config.models();
        this.warmStarts = warmStarts;
        this.holdoutSize = config.holdoutBufferSize();
        this.snapshotEvery = config.snapshotEvery();
        this.prequential = config.prequentialEnabled();
        this.prequentialWindow = config.prequentialWindow();
        this.listener = listener;
        this.finals = finals;
        this.awaited = new HashMap<>();
        for (String modelId : config.warmStarts().keySet()) {
            if (!warmStarts.containsKey(modelId)) {
                awaitedSource(config, modelId).ifPresent(w -> awaited.put(modelId, w));
            }
        }
    }

    /**
     * The warm start of {@code modelId} when its source is a model of this application (which it may have to await),
     * else empty.
     */
    static Optional<WarmStartConfig> awaitedSource(EddyConfig config, String modelId) {
        WarmStartConfig w = config.warmStarts().get(modelId);
        return w != null && w.sourceModel() != null && config.models().containsKey(w.sourceModel())
                ? Optional.of(w)
                : Optional.empty();
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        // Kafka Streams re-initializes the same processor when it revives a corrupted task (exactly-once): live
        // trainers may be ahead of the restored stores, so every model is re-opened from the stores.
        open.clear();
        waits.clear();
        refused.clear();
        notTaken.clear();
        taken.clear();
        taken.putAll(warmStarts);
        this.context = context;
        KeyValueStore<String, byte[]> state = context.getStateStore(TrainingTopology.TRAINER_STATE_STORE);
        this.stores = new ModelTraining.Stores(
                state,
                new ChunkedBytes(state, ChunkedBytes.DEFAULT_CHUNK_BYTES),
                context.getStateStore(TrainingTopology.PARTIAL_BATCH_STORE),
                context.getStateStore(TrainingTopology.HOLDOUT_STORE),
                context.getStateStore(TrainingTopology.STATUS_STORE));
        preCommit.register(context.taskId(), flush);
        context.schedule(FinalSnapshotTrigger.POLL_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::checkFinals);
        if (!awaited.isEmpty()) {
            topicSnapshots = context.getStateStore(ScoringTopology.SNAPSHOT_STORE);
        }
        // also without awaited sources: a model that waited before a restart may no longer await one (its source's
        // snapshot came before the restart, which resolved it at the start), and its held inputs are released here
        // rather than with its next input, which may never come
        context.schedule(LOOK_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::lookForSources);
    }

    @Override
    public void process(Record<String, TrainerInput> record) {
        if (!models.containsKey(record.key())) {
            // Written to the trainer-input topic under an earlier configuration that had this model.
            deadLetter(
                    record,
                    DeadLetterReason.UNKNOWN_MODEL,
                    "model '" + record.key() + "' is no longer configured; configured: " + models.keySet());
            return;
        }
        if (record.value() instanceof TrainerInput.Search && !placement.spreads(record.key())) {
            // Written while the model was a spread search (its search.* keys or the input partitions changed since).
            deadLetter(
                    record,
                    DeadLetterReason.STALE_CONFIG,
                    "a message of the spread search of model '" + record.key() + "', which is no longer one");
            return;
        }
        currentModel = record.key();
        currentTimestamp = record.timestamp();
        if (waiting(record.key())) {
            hold(record);
            return;
        }
        TaskTraining model = model(record.key());
        if (model == null) {
            deadLetter(record, DeadLetterReason.STALE_CONFIG, refused.get(record.key()));
            return;
        }
        apply(model, record);
        releaseTaken();
    }

    /**
     * Hands one input to the model: trains on, holds out or executes it; what does not fit the stale configuration,
     * and a command a search refuses, goes to the dead-letter topic.
     */
    private void apply(TaskTraining model, Record<String, TrainerInput> record) {
        long now = context.currentSystemTimeMs();
        TrainerInput input = record.value();
        ExampleCheck.Failure misfit = null;
        if (input instanceof TrainerInput.Train t) {
            misfit = model.train(t.example(), now);
        } else if (input instanceof TrainerInput.Holdout h) {
            misfit = model.holdout(h.example());
        } else if (input instanceof TrainerInput.Search s) {
            ExampleCheck.Failure bad = model.receive(s.message());
            if (bad != null) {
                deadLetter(record, bad.reason(), bad.detail());
            }
        } else {
            ModelCommand command = ((TrainerInput.Command) input).command();
            if (!command.model().startsWith(record.key() + "~")) {
                command = command.forModel(record.key());
            }
            // the command router refuses these now; a command it routed before an upgrade may still be in flight
            SearchConfig searched = config.searches().get(record.key());
            String refusal = searched == null ? null : SearchTraining.refusal(record.key(), searched, command);
            if (refusal != null) {
                deadLetter(record, DeadLetterReason.BAD_COMMAND, refusal);
                return;
            }
            ExampleCheck.Failure refused = model.command(command, now);
            if (refused != null) {
                deadLetter(record, refused.reason(), refused.detail());
            }
        }
        if (misfit != null) {
            // a spread search's trials in other tasks skip their copy: each such task writes a dead letter of its own
            deadLetter(
                    record,
                    DeadLetterReason.STALE_CONFIG,
                    misfit.detail() + " (the stored model's configuration"
                            + (model instanceof TrialHost ? ", of the trials of this task" : "")
                            + "; 'reset " + record.key() + "' adopts the configured one)");
        }
    }

    /**
     * Whether {@code modelId} waits for its source's first snapshot: it has no status yet (no state) and no taken or
     * pinned warm start, or its status says it waits. A waiting model whose warm start has been taken meanwhile, or
     * that is no longer configured to await one, is released here.
     */
    private boolean waiting(String modelId) {
        if (open.containsKey(modelId)) {
            return false;
        }
        takeFromTopic(modelId);
        WarmStartWait wait = waits.get(modelId);
        if (wait == null) {
            ModelStatus s = stores.status().get(modelId);
            WarmStartConfig w = awaited.get(modelId);
            if (s != null && s.waiting() != null) {
                wait = s.waiting();
            } else if (s == null && w != null && warmStart(modelId) == null) {
                wait = new WarmStartWait(w.sourceModel(), 0, w.maxHeldExamples());
                LOG.info(
                        "model '{}' waits for the first snapshot of model '{}', holding up to {} inputs",
                        modelId,
                        w.sourceModel(),
                        w.maxHeldExamples());
            } else {
                return false;
            }
            waits.put(modelId, wait);
        }
        if (warmStart(modelId) != null || !awaited.containsKey(modelId)) {
            release(modelId);
            return false;
        }
        return true;
    }

    /** Holds the input of a waiting model, or sends it to the dead-letter topic when the model holds its maximum. */
    private void hold(Record<String, TrainerInput> record) {
        String modelId = record.key();
        WarmStartWait wait = waits.get(modelId);
        if (wait.full()) {
            deadLetter(
                    record,
                    DeadLetterReason.WARM_START_WAIT,
                    "model '" + modelId + "' waits for the first snapshot of model '" + wait.sourceModel()
                            + "' and holds " + wait.held() + " inputs already (model." + modelId
                            + ".warm-start.max-held-examples=" + wait.maxHeld() + ")");
            return;
        }
        stores.trainerState().put(heldKey(modelId, wait.held()), held.serialize(null, record.value()));
        wait = wait.plusOne();
        waits.put(modelId, wait);
        stores.status().put(modelId, ModelStatus.waiting(modelId, wait));
    }

    /**
     * The warm start {@code modelId} starts from: resolved at the start, taken from its source's first snapshot, or
     * pinned by an earlier run while configured the same way; null when none is known (yet).
     */
    private ResolvedWarmStart warmStart(String modelId) {
        ResolvedWarmStart w = taken.get(modelId);
        WarmStartConfig configured = awaited.get(modelId);
        if (w == null && configured != null) {
            ResolvedWarmStart pinned = PinnedWarmStart.read(stores, modelId);
            if (pinned != null
                    && pinned.spec().equals(configured.spec())
                    && pinned.copyStandardizer() == configured.copyStandardizer()) {
                taken.put(modelId, pinned);
                w = pinned;
            }
        }
        return w;
    }

    /**
     * A snapshot of {@code snapshot}'s model was just published: every model of this task awaiting it as its source,
     * with no warm start taken or pinned yet and no state (waiting, or no input yet), pins it now. A model that has
     * state (it started before its warm start was configured) keeps starting cold on {@code reset}: whether it is
     * open in this process must not decide, or a replay after a restart could differ.
     */
    private void take(ModelSnapshot snapshot) {
        for (Map.Entry<String, WarmStartConfig> e : awaited.entrySet()) {
            String modelId = e.getKey();
            if (e.getValue().sourceModel().equals(snapshot.getModelId()) && awaits(modelId)) {
                pin(modelId, e.getValue(), snapshot);
                // one that waited before a restart and had no input since is released with the others, after this
                // record, as in a run that never stopped (not at the next look, a moment set by the wall clock)
                ModelStatus status = stores.status().get(modelId);
                if (status != null && status.waiting() != null) {
                    waits.putIfAbsent(modelId, status.waiting());
                }
            }
        }
    }

    /**
     * When {@code modelId} awaits its source's snapshot ({@link #awaits}) and the global store holds one (its source
     * trains in another task, or published before this task looked), pins it: the source's newest accepted snapshot
     * this task has read.
     */
    private void takeFromTopic(String modelId) {
        WarmStartConfig w = awaited.get(modelId);
        if (w == null || !awaits(modelId)) {
            return;
        }
        byte[] record = topicSnapshots.get(w.sourceModel());
        if (record == null) {
            return;
        }
        ModelSnapshot snapshot = SNAPSHOTS.deserialize(null, record);
        if (snapshot.getAccepted()) {
            pin(modelId, w, snapshot);
        }
    }

    /** Whether {@code modelId} has no warm start taken or pinned yet and no state (waiting, or no input yet). */
    private boolean awaits(String modelId) {
        ModelStatus status = stores.status().get(modelId);
        return (status == null || status.waiting() != null) && warmStart(modelId) == null;
    }

    /**
     * Pins {@code snapshot} of its source as the warm start of {@code modelId}, configured as {@code w}; unless it does
     * not transfer ({@link TransferRule#between}: an ensemble, or layers other than the source's configured ones the
     * start checked, both from a stored state the source keeps until its {@code reset}): that is logged once, naming
     * the key and the snapshot, and the model waits on for a snapshot that transfers.
     */
    private void pin(String modelId, WarmStartConfig w, ModelSnapshot snapshot) {
        WarmStartSource source = WarmStartSource.snapshot(snapshot.getModelId(), snapshot.getVersion());
        if (source.equals(notTaken.get(modelId))) {
            return;
        }
        InferenceModel model = SnapshotModels.inferenceModel(snapshot);
        try {
            TransferRule.between(model, models.get(modelId));
        } catch (IllegalArgumentException refusal) {
            notTaken.put(modelId, source);
            LOG.error(
                    "{}; model '{}' does not take it and waits on for a snapshot that transfers",
                    WarmStartConfig.refusal(modelId, w.spec(), source, refusal.getMessage()),
                    modelId);
            return;
        }
        ResolvedWarmStart resolved = new ResolvedWarmStart(w.spec(), source, model, w.copyStandardizer());
        PinnedWarmStart.write(stores, modelId, resolved);
        taken.put(modelId, resolved);
        LOG.info("model '{}' takes {} as its warm start", modelId, resolved.source());
    }

    /**
     * Every {@link #LOOK_INTERVAL}: each waiting model of this task looks for its source's snapshot in the global
     * store and, when it is there (or it no longer awaits one), starts and trains on its held inputs, without waiting
     * for a new input.
     */
    private void lookForSources(long wallClockMs) {
        for (String modelId : models.keySet()) {
            ModelStatus status =
                    open.containsKey(modelId) ? null : stores.status().get(modelId);
            if (status != null && status.waiting() != null) {
                currentTimestamp = wallClockMs;
                waiting(modelId); // takes the snapshot from the store and releases the model when it is there
            }
        }
        releaseTaken();
    }

    /** Releases every waiting model whose warm start has been taken (a released model's snapshots may free more). */
    private void releaseTaken() {
        boolean released = true;
        while (released) {
            released = false;
            for (String modelId : List.copyOf(waits.keySet())) {
                if (warmStart(modelId) != null) {
                    release(modelId);
                    released = true;
                }
            }
        }
    }

    /**
     * Starts the waiting model (warm from its taken source, or cold when it no longer awaits one) and trains it on its
     * held inputs in their order.
     */
    private void release(String modelId) {
        WarmStartWait wait = waits.remove(modelId);
        stores.status().delete(modelId);
        String caller = currentModel;
        currentModel = modelId;
        TaskTraining model = model(modelId);
        for (long i = 0; i < wait.held(); i++) {
            String key = heldKey(modelId, i);
            TrainerInput input = held.deserialize(null, stores.trainerState().get(key));
            stores.trainerState().delete(key);
            // a dead letter among them names the record being processed now as where it was read
            Record<String, TrainerInput> record = new Record<>(modelId, input, currentTimestamp);
            if (model == null) {
                deadLetter(record, DeadLetterReason.STALE_CONFIG, refused.get(modelId));
            } else {
                apply(model, record);
            }
        }
        if (model instanceof ModelTraining m) {
            stores.status().put(modelId, m.status());
        }
        currentModel = caller;
        if (model != null) {
            LOG.info(
                    "model '{}' starts from {} after waiting, and has trained on the {} inputs held for it",
                    modelId,
                    warmStart(modelId) == null ? "scratch" : warmStart(modelId).source(),
                    wait.held());
        }
    }

    /**
     * {@code example} naming {@code modelId}, the model that refused it: an example that named no model went to every
     * model, and its dead letter produced again as it was would train the others a second time.
     */
    private static Example forModel(Example example, String modelId) {
        return example.getModelId() != null || modelId == null
                ? example
                : Example.newBuilder(example).setModelId(modelId).build();
    }

    /** The trainer-state store key of the i-th input held for a waiting model. */
    private static String heldKey(String modelId, long i) {
        return modelId + "/warm-start-wait/" + i;
    }

    /**
     * Sends a trainer input to the dead-letter topic: an example as its Avro {@code Example} bytes (ready to be
     * produced again), a command as its trainer-input encoding; the headers name the topic, partition and offset the
     * trainer read it from.
     */
    private void deadLetter(Record<String, TrainerInput> record, DeadLetterReason reason, String detail) {
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        byte[] value;
        if (record.value() instanceof TrainerInput.Train t) {
            value = AvroSerdes.examples().serialize(null, forModel(t.example(), record.key()));
        } else if (record.value() instanceof TrainerInput.Holdout h) {
            value = AvroSerdes.examples().serialize(null, forModel(h.example(), record.key()));
        } else {
            value = new TrainerInputSerde().serialize(null, record.value());
        }
        Headers headers =
                DeadLetters.headers(record, context.recordMetadata().orElse(null), reason.code(), detail, record.key());
        DeadLetters.Letter letter = DeadLetters.fit(key, value, headers);
        context.forward(new Record<String, Object>(
                record.key(), new Routed.DeadLetter(letter.key(), letter.value()), record.timestamp(), headers));
        listener.onDeadLetter(reason);
    }

    /**
     * The open training of {@code modelId}, opened from the stores on first use; null for a model that is not
     * configured, or one that cannot be opened: a search whose stored state this configuration cannot continue (its
     * {@code search.*} keys or the input partitions changed), a warm start whose source's layers do not transfer. That
     * is logged once, and its inputs go to the dead-letter topic while the task's other models train on.
     */
    private TaskTraining model(String modelId) {
        TaskTraining model = open.get(modelId);
        if (model != null || refused.containsKey(modelId)) {
            return model;
        }
        TrainerConfig trainer = models.get(modelId);
        if (trainer == null) {
            return null;
        }
        try {
            SearchConfig search = config.searches().get(modelId);
            model = search != null
                    ? search(modelId, search)
                    : new ModelTraining(
                            modelId,
                            trainer,
                            holdoutSize,
                            snapshotEvery,
                            prequential,
                            prequentialWindow,
                            stores,
                            listener,
                            this::emit,
                            warmStart(modelId),
                            published,
                            context.currentSystemTimeMs());
        } catch (IllegalArgumentException e) {
            String why = e.getMessage();
            refused.put(modelId, why.startsWith("model '") ? why : "model '" + modelId + "' cannot be opened: " + why);
            LOG.error("{}; its inputs go to the dead-letter topic (stale-config)", refused.get(modelId));
            return null;
        }
        open.put(modelId, model);
        return model;
    }

    /**
     * The search over {@code modelId} in this task: its coordinator ({@link SearchTraining}) in the task of the model
     * id, else the host of its trials here ({@link TrialHost}).
     *
     * @throws IllegalArgumentException when the stored state is not one of this search
     */
    private TaskTraining search(String modelId, SearchConfig search) {
        int partition = context.taskId().partition();
        SearchTraining.TrialSettings trialSettings =
                new SearchTraining.TrialSettings(holdoutSize, snapshotEvery, prequential, prequentialWindow);
        SearchTraining.Placement where =
                new SearchTraining.Placement(placement, partition, this::send, config.snapshotMaxBytes());
        if (!placement.spreads(modelId) || placement.home(modelId) == partition) {
            return new SearchTraining(
                    modelId,
                    search,
                    trial -> config.trialModel(modelId, trial),
                    trialSettings,
                    stores,
                    listener,
                    this::emit,
                    decision -> {},
                    where,
                    published,
                    context.currentSystemTimeMs());
        }
        return new TrialHost(
                modelId,
                search,
                where,
                trial -> config.trialModel(modelId, trial),
                trialSettings,
                stores,
                listener,
                this::emit,
                context.currentSystemTimeMs());
    }

    /** Writes what the open models changed since the last commit (see {@link ModelTraining}). */
    private void flushState() {
        for (TaskTraining model : open.values()) {
            model.flushState();
        }
    }

    /**
     * Kafka Streams closes the processor when it suspends the task, after committing it; anything processed since
     * would be written by the commit's flush, so this one finds nothing to write unless that order changes.
     */
    @Override
    public void close() {
        try {
            flushState();
        } finally {
            // also when the stores are gone (a dirty close): a standby of the task must not run this action
            preCommit.unregister(context.taskId(), flush);
            open.clear();
        }
    }

    /** Sends a spread search's message to the task of {@code partition}, through the fan-out topic. */
    private void send(int partition, SearchMessage message) {
        context.forward(new Record<>(
                currentModel,
                new Routed.FanOut(partition, message.encode()),
                currentTimestamp,
                FanOutTopic.Source.SEARCH.headers()));
    }

    private void emit(Object value) {
        context.forward(new Record<>(currentModel, value, currentTimestamp));
        if (value instanceof ModelSnapshot snapshot && !awaited.isEmpty()) {
            take(snapshot);
        }
    }

    /** Publishes one FINAL snapshot per model of this task once a clean shutdown is requested. */
    private void checkFinals(long wallClockMs) {
        if (finalsPublished || !finals.requested()) {
            return;
        }
        finalsPublished = true;
        currentTimestamp = wallClockMs;
        flushState(); // the statuses of models first trained since the last commit
        SortedSet<String> owned;
        try (KeyValueIterator<String, ModelStatus> it = stores.status().all()) {
            owned = FinalSnapshotTrigger.publishingModels(it);
        }
        for (String modelId : owned) {
            currentModel = modelId;
            TaskTraining model = model(modelId);
            if (model != null) {
                model.publishFinal(wallClockMs);
                finals.published();
            }
        }
        releaseTaken();
    }
}
