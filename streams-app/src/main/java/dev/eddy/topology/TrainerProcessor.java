package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.state.ChunkedBytes;
import dev.eddy.state.ModelStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the models whose trainer-input partition this task owns (key = model id). The live trainers are kept in
 * memory and opened lazily from the stores on a model's first record after a (re)start.
 */
final class TrainerProcessor implements Processor<String, TrainerInput, String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(TrainerProcessor.class);

    private final SortedMap<String, TrainerConfig> models;
    private final int holdoutSize;
    private final long snapshotEvery;
    private final boolean prequential;
    private final int prequentialWindow;
    private final TrainingListener listener;
    private final FinalSnapshotTrigger finals;
    private final Map<String, ModelTraining> open = new HashMap<>();
    private ProcessorContext<String, SpecificRecord> context;
    private ModelTraining.Stores stores;
    private String currentModel;
    private long currentTimestamp;
    private boolean finalsPublished;

    TrainerProcessor(EddyConfig config, TrainingListener listener, FinalSnapshotTrigger finals) {
        this.models = config.models();
        this.holdoutSize = config.holdoutBufferSize();
        this.snapshotEvery = config.snapshotEvery();
        this.prequential = config.prequentialEnabled();
        this.prequentialWindow = config.prequentialWindow();
        this.listener = listener;
        this.finals = finals;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
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
        ModelTraining model = model(record.key());
        if (model == null) {
            return;
        }
        currentModel = record.key();
        currentTimestamp = record.timestamp();
        long now = context.currentSystemTimeMs();
        TrainerInput input = record.value();
        if (input instanceof TrainerInput.Train t) {
            model.train(t.example(), now);
        } else if (input instanceof TrainerInput.Holdout h) {
            model.holdout(h.example());
        } else {
            model.command(((TrainerInput.Command) input).command().forModel(record.key()), now);
        }
    }

    private ModelTraining model(String modelId) {
        ModelTraining model = open.get(modelId);
        if (model != null) {
            return model;
        }
        TrainerConfig config = models.get(modelId);
        if (config == null) {
            // Written to the trainer-input topic under an earlier configuration that had this model.
            LOG.warn("skipping a trainer-input record of model '{}', which is no longer configured", modelId);
            return null;
        }
        model = new ModelTraining(
                modelId,
                config,
                holdoutSize,
                snapshotEvery,
                prequential,
                prequentialWindow,
                stores,
                listener,
                this::emit,
                context.currentSystemTimeMs());
        open.put(modelId, model);
        return model;
    }

    @Override
    public void close() {
        open.clear();
    }

    private void emit(SpecificRecord value) {
        context.forward(new Record<>(currentModel, value, currentTimestamp));
    }

    /** Publishes one FINAL snapshot per model of this task once a clean shutdown is requested. */
    private void checkFinals(long wallClockMs) {
        if (finalsPublished || !finals.requested()) {
            return;
        }
        finalsPublished = true;
        currentTimestamp = wallClockMs;
        List<String> owned = new ArrayList<>();
        try (KeyValueIterator<String, ModelStatus> it = stores.status().all()) {
            it.forEachRemaining(kv -> owned.add(kv.key));
        }
        for (String modelId : owned) {
            ModelTraining model = model(modelId);
            if (model != null) {
                currentModel = modelId;
                model.publishFinal(wallClockMs);
                finals.published();
            }
        }
    }
}
