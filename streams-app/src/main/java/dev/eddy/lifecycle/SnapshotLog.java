package dev.eddy.lifecycle;

import dev.eddy.config.EddyConfig;
import dev.eddy.io.EndOffsets;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
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
import java.util.Set;
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
 * <p>Every version is listed ({@link #of}), but a read keeps whole snapshots (with their parameters, megabytes
 * for a large model) only for the newest accepted version of each model and for the versions named when reading
 * ({@link #accepted}): a topic of many large versions would not fit in the heap.
 */
public final class SnapshotLog {

    /** Largest record fetched: the limit of snapshot records. */
    private static final int MAX_FETCH_BYTES = dev.eddy.io.Topics.MAX_SNAPSHOT_BYTES;

    /**
     * One version on the topic, without its parameters.
     *
     * @param refusalReason why the quality gate refused it, null if accepted
     */
    public record Version(
            String modelId,
            long version,
            SnapshotReason reason,
            boolean accepted,
            String refusalReason,
            long stepsSeen,
            long examplesSeen,
            Map<String, Double> holdoutMetrics) {

        static Version of(ModelSnapshot s) {
            return new Version(
                    s.getModelId(),
                    s.getVersion(),
                    s.getReason(),
                    s.getAccepted(),
                    s.getRefusalReason(),
                    s.getStepsSeen(),
                    s.getExamplesSeen(),
                    Map.copyOf(s.getHoldoutMetrics()));
        }
    }

    /** A version named when reading: its whole snapshot is kept, accepted or not. */
    public record Named(String modelId, long version) {}

    private final List<Version> versions;
    private final Map<Named, ModelSnapshot> kept;
    private final long undecodable;

    private SnapshotLog(List<Version> versions, Map<Named, ModelSnapshot> kept, long undecodable) {
        this.versions = List.copyOf(versions);
        this.kept = Map.copyOf(kept);
        this.undecodable = undecodable;
    }

    /** A log of snapshots already in memory, all kept whole. */
    public SnapshotLog(List<ModelSnapshot> snapshots, long undecodable) {
        this(
                snapshots.stream().map(Version::of).collect(Collectors.toList()),
                snapshots.stream()
                        .collect(Collectors.toMap(s -> new Named(s.getModelId(), s.getVersion()), s -> s, (a, b) -> b)),
                undecodable);
    }

    /**
     * Reads every record of {@code topic}, keeping whole the newest accepted snapshot of each model only.
     *
     * @param clientProperties further consumer properties (security settings), may be empty
     * @throws IllegalStateException if the topic does not exist or the end is not reached within {@code timeout}
     */
    public static SnapshotLog read(
            String bootstrapServers, String topic, Map<String, String> clientProperties, Duration timeout) {
        return read(bootstrapServers, topic, clientProperties, timeout, Set.of());
    }

    /**
     * Reads every record of {@code topic}, keeping whole the newest accepted snapshot of each model and the
     * {@code named} versions.
     *
     * @param clientProperties further consumer properties (security settings), may be empty
     * @throws IllegalStateException if the topic does not exist or the end is not reached within {@code timeout}
     */
    public static SnapshotLog read(
            String bootstrapServers,
            String topic,
            Map<String, String> clientProperties,
            Duration timeout,
            Set<Named> named) {
        return read(bootstrapServers, topic, clientProperties, timeout, new Scan(named, true));
    }

    private static SnapshotLog read(
            String bootstrapServers, String topic, Map<String, String> clientProperties, Duration timeout, Scan scan) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                consumerProperties(bootstrapServers, clientProperties),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
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
                    scan.add(topic, r.value());
                }
            }
        }
        return scan.log();
    }

    /** The reading consumer's settings: {@code clientProperties} over Eddy's. */
    static Properties consumerProperties(String bootstrapServers, Map<String, String> clientProperties) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(MAX_FETCH_BYTES));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(MAX_FETCH_BYTES));
        p.putAll(clientProperties);
        // A read must not create the topic: a broker with auto.create.topics.enable would make it with its own
        // defaults (deleting, 1 MiB records), which the application would then keep instead of its compacted topic.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return p;
    }

    /**
     * Reads the configuration's snapshot topic with its client settings ({@code kafka.*}) and the fetch sizes of
     * {@code snapshot.max-bytes}, keeping whole the newest accepted snapshot of each model and the versions its
     * warm starts name.
     *
     * @throws IllegalStateException if the topic does not exist or the end is not reached within {@code timeout}
     */
    public static SnapshotLog read(EddyConfig config, Duration timeout) {
        Set<Named> named = config.warmStarts().values().stream()
                .filter(w -> w.sourceModel() != null && w.sourceVersion() != null)
                .map(w -> new Named(w.sourceModel(), w.sourceVersion()))
                .collect(Collectors.toSet());
        return read(config, timeout, named);
    }

    /**
     * Reads the configuration's snapshot topic (as {@link #read(EddyConfig, Duration)}), keeping whole the newest
     * accepted snapshot of each model and the {@code named} versions.
     */
    public static SnapshotLog read(EddyConfig config, Duration timeout, Set<Named> named) {
        return read(config.bootstrapServers(), config.topics().snapshots(), clientProperties(config), timeout, named);
    }

    /**
     * The highest version of each model on the configuration's snapshot topic, accepted or refused, read as {@link
     * #read(EddyConfig, Duration)} does but keeping no snapshot whole.
     *
     * @throws IllegalStateException if the topic does not exist or the end is not reached within {@code timeout}
     */
    public static Map<String, Long> highestVersions(EddyConfig config, Duration timeout) {
        SnapshotLog log = read(
                config.bootstrapServers(),
                config.topics().snapshots(),
                clientProperties(config),
                timeout,
                new Scan(Set.of(), false));
        return log.versions.stream().collect(Collectors.toMap(Version::modelId, Version::version, Math::max));
    }

    /** The consumer settings of {@code config}'s snapshot topic: its client keys over the fetch sizes it needs. */
    private static Map<String, String> clientProperties(EddyConfig config) {
        Map<String, String> client = new HashMap<>();
        client.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(config.snapshotMaxBytes()));
        client.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(config.snapshotMaxBytes()));
        client.putAll(config.kafkaProperties()); // the kafka.* keys win, as for the application
        return client;
    }

    /** Every version on the topic, in topic order (per partition). */
    public List<Version> versions() {
        return versions;
    }

    /** Records that were not {@code ModelSnapshot}s. */
    public long undecodable() {
        return undecodable;
    }

    /** The versions of {@code modelId} (all models if null), by model id then version. */
    public List<Version> of(String modelId) {
        return versions.stream()
                .filter(v -> modelId == null || v.modelId().equals(modelId))
                .sorted(Comparator.comparing(Version::modelId).thenComparingLong(Version::version))
                .collect(Collectors.toList());
    }

    /**
     * The newest accepted snapshot of {@code modelId}, or of that version if {@code version} is given.
     *
     * @throws IllegalStateException if that version is on the topic but was not named when reading
     */
    public Optional<ModelSnapshot> accepted(String modelId, Long version) {
        return of(modelId).stream()
                .filter(v -> version == null ? v.accepted() : v.version() == version)
                .reduce((a, b) -> b)
                .map(v -> {
                    ModelSnapshot s = kept.get(new Named(v.modelId(), v.version()));
                    if (s == null) {
                        throw new IllegalStateException("version " + v.version() + " of model '" + modelId
                                + "' was not named when the snapshot topic was read, so it was not kept");
                    }
                    return s;
                });
    }

    /** How many whole snapshots this log holds. */
    int keptSnapshots() {
        return kept.size();
    }

    /**
     * One pass over a snapshot topic's records: a {@link Version} of each, and whole snapshots only for the newest
     * accepted version of each model seen so far (unless told not to) and for the named versions.
     */
    static final class Scan {

        private final Set<Named> named;
        private final boolean keepNewestAccepted;
        private final List<Version> versions = new ArrayList<>();
        private final Map<Named, ModelSnapshot> kept = new HashMap<>();
        private final Map<String, Named> newestAccepted = new HashMap<>();
        private long undecodable;

        Scan(Set<Named> named, boolean keepNewestAccepted) {
            this.named = Set.copyOf(named);
            this.keepNewestAccepted = keepNewestAccepted;
        }

        /** Takes one record's value (a tombstone, null, is skipped). */
        void add(String topic, byte[] value) {
            if (value == null) {
                return;
            }
            ModelSnapshot s;
            try {
                s = AvroSerdes.modelSnapshots().deserialize(topic, value);
            } catch (RecordDecodingException e) {
                undecodable++;
                return;
            }
            Version v = Version.of(s);
            versions.add(v);
            Named id = new Named(v.modelId(), v.version());
            if (named.contains(id)) {
                kept.put(id, s);
            }
            Named previous = newestAccepted.get(v.modelId());
            // a later record of the same version wins, as in accepted()
            if (keepNewestAccepted && v.accepted() && (previous == null || v.version() >= previous.version())) {
                newestAccepted.put(v.modelId(), id);
                kept.put(id, s);
                if (previous != null && !previous.equals(id) && !named.contains(previous)) {
                    kept.remove(previous);
                }
            }
        }

        SnapshotLog log() {
            return new SnapshotLog(versions, kept, undecodable);
        }
    }
}
