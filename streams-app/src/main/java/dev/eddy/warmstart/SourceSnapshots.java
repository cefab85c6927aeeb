package dev.eddy.warmstart;

import dev.eddy.schema.ModelSnapshot;
import dev.eddy.serde.AvroSerde;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.serde.RecordDecodingException;
import dev.eddy.serving.ScoringTopology;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global snapshot store of an application that trains without serving, for the awaited warm starts: it keeps,
 * under {@link ScoringTopology#SNAPSHOT_STORE}, the newest accepted snapshot record of each model awaited as a
 * warm-start source, which is what the scoring topology's store of that name holds for these models when the
 * application serves. A trainer whose source trains in another task reads its source's snapshot there. The store
 * is in memory and not logged: the global thread rebuilds it from the snapshot topic at every start (read committed
 * under exactly-once, so an aborted snapshot is never seen).
 */
public final class SourceSnapshots implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(SourceSnapshots.class);
    private static final AvroSerde<ModelSnapshot> SNAPSHOTS = AvroSerdes.modelSnapshots();

    private final Set<String> sources;
    private final String topic;
    private KeyValueStore<String, byte[]> store;

    private SourceSnapshots(Set<String> sources, String topic) {
        this.sources = sources;
        this.topic = topic;
    }

    /**
     * Adds the global store of {@code topic}'s accepted snapshots of {@code sources} to {@code topology}, which must
     * not read {@code topic} otherwise (the scoring topology's store is the same store: add one or the other).
     *
     * @return {@code topology}
     */
    public static Topology addTo(Topology topology, String topic, Set<String> sources) {
        Set<String> copy = Set.copyOf(sources);
        return topology.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(ScoringTopology.SNAPSHOT_STORE),
                                Serdes.String(),
                                Serdes.ByteArray())
                        .withLoggingDisabled(),
                "warm-start-snapshots-source",
                Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer(),
                topic,
                "warm-start-snapshot-ingest",
                () -> new SourceSnapshots(copy, topic));
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(ScoringTopology.SNAPSHOT_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        // accepted snapshots are keyed by their model id, refused ones by "<id>/refused"
        if (record.value() == null || !sources.contains(record.key())) {
            return;
        }
        ModelSnapshot snapshot;
        try {
            snapshot = SNAPSHOTS.deserialize(topic, record.value());
        } catch (RecordDecodingException e) {
            LOG.warn("skipping snapshot record of key {}: {}", record.key(), e.getMessage());
            return;
        }
        // one model's accepted snapshots share a key, hence a partition: the last one read is the newest
        if (snapshot.getAccepted() && snapshot.getModelId().equals(record.key())) {
            store.put(record.key(), record.value());
        }
    }
}
