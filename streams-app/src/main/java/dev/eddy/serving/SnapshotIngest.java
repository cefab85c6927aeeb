package dev.eddy.serving;

import dev.eddy.schema.ModelSnapshot;
import dev.eddy.serde.AvroSerde;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.serde.RecordDecodingException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the newest accepted snapshot per model: the processor of the global snapshot store. A snapshot record is
 * decoded and turned into a {@link ServingModel} once, here, on the global thread; the scorers then only read the
 * {@link ModelCache}. Refused snapshots, versions not newer than the served one and unreadable records are skipped
 * (and reported), so a bad snapshot never replaces a good one.
 */
final class SnapshotIngest implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotIngest.class);
    private static final AvroSerde<ModelSnapshot> SNAPSHOTS = AvroSerdes.modelSnapshots();

    private final ModelCache cache;
    private final ServingListener listener;
    private final String topic;
    private KeyValueStore<String, byte[]> store;

    SnapshotIngest(ModelCache cache, ServingListener listener, String topic) {
        this.cache = cache;
        this.listener = listener;
        this.topic = topic;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(ScoringTopology.SNAPSHOT_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return; // a tombstone does not withdraw a served model: serving keeps the last good one
        }
        ModelSnapshot snapshot;
        try {
            snapshot = SNAPSHOTS.deserialize(topic, record.value());
        } catch (RecordDecodingException e) {
            LOG.warn("skipping snapshot record of key {}: {}", record.key(), e.getMessage());
            listener.onSnapshotSkipped(String.valueOf(record.key()), -1, "undecodable");
            listener.onSnapshotUnservable(String.valueOf(record.key()), -1, "undecodable");
            cache.noteUnservable(String.valueOf(record.key()), "a snapshot record does not decode: " + e.getMessage());
            return;
        }
        String modelId = snapshot.getModelId();
        long version = snapshot.getVersion();
        if (!snapshot.getAccepted()) {
            listener.onSnapshotSkipped(modelId, version, "refused: " + snapshot.getRefusalReason());
            return;
        }
        ServingModel served = cache.get(modelId);
        if (served != null && served.version() >= version) {
            listener.onSnapshotSkipped(modelId, version, "not newer than served version " + served.version());
            return;
        }
        ServingModel model;
        try {
            model = SnapshotModels.servingModel(snapshot);
        } catch (RuntimeException e) {
            // a snapshot another producer wrote that this build cannot serve (an invalid configuration, sizes that do
            // not fit): the global thread goes on, and re-reads it at every start
            LOG.warn("cannot serve snapshot {} v{}: {}", modelId, version, e.getMessage());
            listener.onSnapshotSkipped(modelId, version, e.getMessage());
            listener.onSnapshotUnservable(modelId, version, e.getMessage());
            cache.noteUnservable(
                    modelId, "snapshot v" + version + " cannot be served by this build: " + e.getMessage());
            return;
        }
        store.put(modelId, record.value());
        if (cache.offer(model)) {
            listener.onSwap(modelId, version);
        }
    }
}
