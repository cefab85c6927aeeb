package dev.eddy.serving;

import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.Prediction;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.topology.DeadLetters;
import dev.eddy.topology.FeatureRange;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Scores feature records with the served model of their model id and forwards a {@link Prediction} (key = the
 * record's id, timestamp = the feature record's) to the predictions sink, or the original record with the reason to
 * the dead-letter sink (headers by {@link DeadLetters#headers}, as in the training topology). The model is looked up per record in the {@link ModelCache}, so a new version takes effect
 * from the next record on, without a lock or a pause. When the cache has no model, the global snapshot store is
 * consulted once: on a start, Kafka Streams restores a global store added with {@code Topology#addGlobalStore} by
 * copying the newest record of each key, without {@link SnapshotIngest}; a model's key holds its last accepted
 * snapshot (refused ones are keyed {@code <id>/refused}).
 */
final class Scorer implements Processor<byte[], byte[], Object, Object> {

    private final ServingConfig config;
    private final ModelCache cache;
    private final ServingListener listener;
    private ProcessorContext<Object, Object> context;
    private ReadOnlyKeyValueStore<String, byte[]> store;

    Scorer(ServingConfig config, ModelCache cache, ServingListener listener) {
        this.config = config;
        this.cache = cache;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.store = context.getStateStore(ScoringTopology.SNAPSHOT_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            reject(record, ScoringFailure.NULL_VALUE, "record has no value", null);
            return;
        }
        FeatureRecord features;
        try {
            features = FeatureRecord.decode(config.featuresTopic(), record.value(), config.featureOrder());
        } catch (IllegalArgumentException e) {
            reject(record, ScoringFailure.UNDECODABLE, e.getMessage(), null);
            return;
        }
        String modelId = features.modelId() == null ? config.defaultModel() : features.modelId();
        ServingModel model = cache.get(modelId);
        if (model == null) {
            model = fromStore(modelId);
        }
        if (model == null) {
            reject(record, ScoringFailure.NO_SNAPSHOT, noSnapshot(modelId), modelId);
            return;
        }
        double[] x = features.features();
        if (x.length != model.model().inputSize()) {
            reject(
                    record,
                    ScoringFailure.WRONG_FEATURE_COUNT,
                    "got " + x.length + " features, model '" + modelId + "' v" + model.version() + " expects "
                            + model.model().inputSize(),
                    modelId);
            return;
        }
        for (int j = 0; j < x.length; j++) {
            if (!Double.isFinite(x[j])) {
                reject(record, ScoringFailure.NON_FINITE_FEATURE, "feature " + j + " is " + x[j], modelId);
                return;
            }
            // beyond the float range a float32 model's outputs are NaN, sent as class 0 (a standardizing float64
            // model's statistics are the training's, which refused such values)
            String outOfRange = FeatureRange.problem(j, x[j], model.model().precision(), false);
            if (outOfRange != null) {
                reject(record, ScoringFailure.FEATURE_OUT_OF_RANGE, outOfRange, modelId);
                return;
            }
        }
        Prediction p = model.score(features.id(), x, System.currentTimeMillis());
        String nonFinite = model.nonFiniteOutput(p);
        if (nonFinite != null) {
            reject(
                    record,
                    ScoringFailure.NON_FINITE_OUTPUT,
                    "model '" + modelId + "' v" + model.version() + ": " + nonFinite,
                    modelId);
            return;
        }
        context.forward(
                new Record<Object, Object>(features.id(), p, record.timestamp(), new RecordHeaders()),
                ScoringTopology.PREDICTIONS_SINK);
        listener.onPrediction(modelId, model.version());
    }

    private ServingModel fromStore(String modelId) {
        byte[] bytes = store.get(modelId);
        if (bytes == null) {
            return null;
        }
        try {
            ModelSnapshot snapshot = AvroSerdes.modelSnapshots().deserialize(config.snapshotsTopic(), bytes);
            if (!snapshot.getAccepted()) {
                return null;
            }
            ServingModel model = SnapshotModels.servingModel(snapshot);
            if (cache.offer(model)) {
                listener.onSwap(modelId, model.version());
            }
            return cache.get(modelId);
        } catch (RuntimeException e) {
            // undecodable or unservable: the features record is dead-lettered as having no model, saying why
            cache.noteUnservable(modelId, "its stored snapshot record cannot be served: " + e.getMessage());
            return null;
        }
    }

    /**
     * Why {@code modelId} has no model to score with: whether this application trains it (a misspelt id, or a model
     * of another application whose snapshots have not come), and whether a snapshot came that cannot be served.
     */
    private String noSnapshot(String modelId) {
        String model = config.models().contains(modelId)
                ? "model '" + modelId + "'"
                : "model '" + modelId + "', not configured in this application (models: "
                        + String.join(", ", config.models()) + "),";
        String unservable = cache.unservable(modelId);
        return unservable == null
                ? model + " has no accepted snapshot yet"
                : model + " has no snapshot that can be served: " + unservable;
    }

    private void reject(Record<byte[], byte[]> record, ScoringFailure reason, String detail, String modelId) {
        Headers headers =
                DeadLetters.headers(record, context.recordMetadata().orElse(null), reason.code(), detail, modelId);
        DeadLetters.Letter letter = DeadLetters.fit(record.key(), record.value(), headers);
        context.forward(
                new Record<Object, Object>(letter.key(), letter.value(), record.timestamp(), headers),
                ScoringTopology.DEAD_LETTER_SINK);
        listener.onDeadLetter(reason);
    }
}
