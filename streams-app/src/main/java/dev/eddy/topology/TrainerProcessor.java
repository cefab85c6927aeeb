package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.state.ChunkedBytes;
import dev.eddy.state.ModelStatus;
import dev.eddy.warmstart.ResolvedWarmStart;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Trains the models whose trainer-input partition this task owns (key = model id). The live trainers are kept in
 * memory and opened lazily from the stores on a model's first record after a (re)start. A model with
 * {@code search.*} keys is a {@link SearchTraining}: all its trials run here, in this task, each example given to
 * every live trial in process.
 */
final class TrainerProcessor implements Processor<String, TrainerInput, String, Object> {

    private final EddyConfig config;
    private final SortedMap<String, TrainerConfig> models;
    private final int holdoutSize;
    private final long snapshotEvery;
    private final boolean prequential;
    private final int prequentialWindow;
    private final TrainingListener listener;
    private final FinalSnapshotTrigger finals;
    /** The warm starts resolved at the application's start, by model id. */
    private final Map<String, ResolvedWarmStart> warmStarts;

    private final Map<String, TaskTraining> open = new HashMap<>();
    private ProcessorContext<String, Object> context;
    private ModelTraining.Stores stores;
    private String currentModel;
    private long currentTimestamp;
    private boolean finalsPublished;

    TrainerProcessor(
            EddyConfig config,
            TrainingListener listener,
            FinalSnapshotTrigger finals,
            Map<String, ResolvedWarmStart> warmStarts) {
        this.config = config;
        this.models = config.models();
        this.warmStarts = warmStarts;
        this.holdoutSize = config.holdoutBufferSize();
        this.snapshotEvery = config.snapshotEvery();
        this.prequential = config.prequentialEnabled();
        this.prequentialWindow = config.prequentialWindow();
        this.listener = listener;
        this.finals = finals;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        // Kafka Streams re-initializes the same processor when it revives a corrupted task (exactly-once): live
        // trainers may be ahead of the restored stores, so every model is re-opened from the stores.
        open.clear();
        this.context = context;
        KeyValueStore<String, byte[]> state = context.getStateStore(TrainingTopology.TRAINER_STATE_STORE);
        this.stores = new ModelTraining.Stores(
                state,
                new ChunkedBytes(state, ChunkedBytes.DEFAULT_CHUNK_BYTES),
                context.getStateStore(TrainingTopology.PARTIAL_BATCH_STORE),
                context.getStateStore(TrainingTopology.HOLDOUT_STORE),
                context.getStateStore(TrainingTopology.STATUS_STORE));
        context.schedule(FinalSnapshotTrigger.POLL_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::checkFinals);
    }

    @Override
    public void process(Record<String, TrainerInput> record) {
        currentModel = record.key();
        currentTimestamp = record.timestamp();
        TaskTraining model = model(record.key());
        if (model == null) {
            // Written to the trainer-input topic under an earlier configuration that had this model.
            deadLetter(
                    record,
                    DeadLetterReason.UNKNOWN_MODEL,
                    "model '" + record.key() + "' is no longer configured; configured: " + models.keySet());
            return;
        }
        long now = context.currentSystemTimeMs();
        TrainerInput input = record.value();
        ExampleCheck.Failure misfit = null;
        if (input instanceof TrainerInput.Train t) {
            misfit = model.train(t.example(), now);
        } else if (input instanceof TrainerInput.Holdout h) {
            misfit = model.holdout(h.example());
        } else {
            ModelCommand command = ((TrainerInput.Command) input).command().forModel(record.key());
            String refusal = model instanceof SearchTraining search ? search.refusal(command) : null;
            if (refusal != null) {
                deadLetter(record, DeadLetterReason.BAD_COMMAND, refusal);
                return;
            }
            model.command(command, now);
        }
        if (misfit != null) {
            deadLetter(
                    record,
                    DeadLetterReason.STALE_CONFIG,
                    misfit.detail() + " (the stored model's configuration; 'reset " + record.key()
                            + "' adopts the configured one)");
        }
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
            value = AvroSerdes.examples().serialize(null, t.example());
        } else if (record.value() instanceof TrainerInput.Holdout h) {
            value = AvroSerdes.examples().serialize(null, h.example());
        } else {
            value = new TrainerInputSerde().serialize(null, record.value());
        }
        Headers headers =
                DeadLetters.headers(record, context.recordMetadata().orElse(null), reason.code(), detail, record.key());
        context.forward(new Record<String, Object>(
                record.key(), new Routed.DeadLetter(key, value), record.timestamp(), headers));
        listener.onDeadLetter(reason);
    }

    private TaskTraining model(String modelId) {
        TaskTraining model = open.get(modelId);
        if (model != null) {
            return model;
        }
        TrainerConfig trainer = models.get(modelId);
        if (trainer == null) {
            return null;
        }
        SearchConfig search = config.searches().get(modelId);
        if (search != null) {
            model = new SearchTraining(
                    modelId,
                    search,
                    trial -> config.trialModel(modelId, trial),
                    new SearchTraining.TrialSettings(holdoutSize, snapshotEvery, prequential, prequentialWindow),
                    stores,
                    listener,
                    this::emit,
                    decision -> {},
                    context.currentSystemTimeMs());
            open.put(modelId, model);
            return model;
        }
        model = new ModelTraining(
                modelId,
                trainer,
                holdoutSize,
                snapshotEvery,
                prequential,
                prequentialWindow,
                stores,
                listener,
                this::emit,
                warmStarts.get(modelId),
                context.currentSystemTimeMs());
        open.put(modelId, model);
        return model;
    }

    @Override
    public void close() {
        open.clear();
    }

    private void emit(Object value) {
        context.forward(new Record<>(currentModel, value, currentTimestamp));
    }

    /** Publishes one FINAL snapshot per model of this task once a clean shutdown is requested. */
    private void checkFinals(long wallClockMs) {
        if (finalsPublished || !finals.requested()) {
            return;
        }
        finalsPublished = true;
        currentTimestamp = wallClockMs;
        // A search's trials have their status under <id>~tNN: the search of <id> publishes for them.
        SortedSet<String> owned = new TreeSet<>();
        try (KeyValueIterator<String, ModelStatus> it = stores.status().all()) {
            it.forEachRemaining(kv -> owned.add(kv.key.split("~", 2)[0]));
        }
        for (String modelId : owned) {
            currentModel = modelId;
            TaskTraining model = model(modelId);
            if (model != null) {
                model.publishFinal(wallClockMs);
                finals.published();
            }
        }
    }
}
