package dev.eddy.lifecycle;

import dev.eddy.config.EddyConfig;
import dev.eddy.io.EndOffsets;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.serde.RecordDecodingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The snapshots a snapshot topic holds, read from the beginning to the end offsets of the moment (no consumer
 * group, nothing committed). The topic is compacted: it keeps at least the newest snapshot per model, and older
 * versions only until the broker compacts them away.
 *
 * @param snapshots the decoded snapshots in topic order (per partition)
 * @param undecodable records that were not {@code ModelSnapshot}s
 */
public record SnapshotLog(List<ModelSnapshot> snapshots, long undecodable) {

    /** Largest record fetched: the limit of snapshot records. */
    private static final int MAX_FETCH_BYTES = dev.eddy.io.Topics.MAX_SNAPSHOT_BYTES;

    /**
     * Reads every record of {@code topic}.
     *
     * @param clientProperties further consumer properties (security settings), may be empty
     * @throws IllegalStateException if the topic does not exist or the end is not reached within {@code timeout}
     */
    public static SnapshotLog read(
            String bootstrapServers, String topic, Map<String, String> clientProperties, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(MAX_FETCH_BYTES));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(MAX_FETCH_BYTES));
        p.putAll(clientProperties);
        List<ModelSnapshot> out = new ArrayList<>();
        long bad = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .collect(Collectors.toList());
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!EndOffsets.reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        out.add(AvroSerdes.modelSnapshots().deserialize(topic, r.value()));
                    } catch (RecordDecodingException e) {
                        bad++;
                    }
                }
            }
        }
        return new SnapshotLog(List.copyOf(out), bad);
    }

    /**
     * Reads the configuration's snapshot topic with its client settings ({@code kafka.*}) and the fetch sizes of
     * {@code snapshot.max-bytes}.
     *
     * @throws IllegalStateException if the topic does not exist or the end is not reached within {@code timeout}
     */
    public static SnapshotLog read(EddyConfig config, Duration timeout) {
        Map<String, String> client = new HashMap<>();
        client.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(config.snapshotMaxBytes()));
        client.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(config.snapshotMaxBytes()));
        client.putAll(config.kafkaProperties()); // the kafka.* keys win, as for the application
        return read(config.bootstrapServers(), config.topics().snapshots(), client, timeout);
    }

    /** The snapshots of {@code modelId} (all models if null), by model id then version. */
    public List<ModelSnapshot> of(String modelId) {
        return snapshots.stream()
                .filter(s -> modelId == null || s.getModelId().equals(modelId))
                .sorted(Comparator.comparing(ModelSnapshot::getModelId).thenComparingLong(ModelSnapshot::getVersion))
                .collect(Collectors.toList());
    }

    /** The newest accepted snapshot of {@code modelId}, or of that version if {@code version} is given. */
    public Optional<ModelSnapshot> accepted(String modelId, Long version) {
        return of(modelId).stream()
                .filter(s -> version == null ? s.getAccepted() : s.getVersion() == version)
                .reduce((a, b) -> b);
    }
}
