package dev.eddy.serving;

import dev.eddy.serde.AvroSerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The scoring topology: features → predictions with the newest accepted snapshot of each model.
 *
 * <pre>
 * model-snapshots ─► scoring-snapshots-source ─► scoring-snapshot-ingest ─► global store eddy-served-snapshots
 *                                                        └─► ModelCache (one InferenceModel per served version)
 * features ─► scoring-features-source ─► scoring-scorer ─┬─► scoring-predictions-sink ─► predictions
 *                                                        └─► scoring-dead-letter-sink ─► dead letters (reason headers)
 * </pre>
 *
 * <p>The snapshot store is global, so every instance and every task scores every model, whatever the partitioning
 * of the features topic. Switching serving off is not adding it: {@link #addTo} is the whole of the wiring.
 */
public final class ScoringTopology {

    /**
     * Global {@code KeyValueStore<String, byte[]>}: model id → the served (newest accepted) snapshot record. The
     * trainers read it too, for a warm start awaited from a model of another task ({@code SourceSnapshots} adds a
     * store of this name to an application that does not serve).
     */
    public static final String SNAPSHOT_STORE = "eddy-served-snapshots";

    static final String PREDICTIONS_SINK = "scoring-predictions-sink";
    static final String DEAD_LETTER_SINK = "scoring-dead-letter-sink";

    private ScoringTopology() {}

    /** A topology that only scores. */
    public static Topology build(ServingConfig config, ModelCache cache, ServingListener listener) {
        return addTo(new Topology(), config, cache, listener);
    }

    /**
     * Adds scoring to {@code topology} (e.g. the training topology, so one application trains and serves).
     *
     * @param cache the served models; pass the same instance to the status API to report served versions
     * @return {@code topology}
     */
    public static Topology addTo(Topology topology, ServingConfig config, ModelCache cache, ServingListener listener) {
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(SNAPSHOT_STORE), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                "scoring-snapshots-source",
                Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer(),
                config.snapshotsTopic(),
                "scoring-snapshot-ingest",
                () -> new SnapshotIngest(cache, listener, config.snapshotsTopic()));
        topology.addSource(
                "scoring-features-source",
                Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer(),
                config.featuresTopic());
        topology.addProcessor("scoring-scorer", () -> new Scorer(config, cache, listener), "scoring-features-source");
        topology.addSink(
                PREDICTIONS_SINK,
                config.predictionsTopic(),
                Serdes.String().serializer(),
                AvroSerdes.predictions().serializer(),
                "scoring-scorer");
        topology.addSink(
                DEAD_LETTER_SINK,
                config.deadLettersTopic(),
                Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer(),
                "scoring-scorer");
        return topology;
    }
}
