package dev.eddy.io;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/** The topics Eddy reads and writes, with their defaults, and how to create them. */
public final class Topics {

    /** Labeled examples ({@code Example}) to train on; any key trains, the key only picks the partition. */
    public static final String EXAMPLES = "eddy.examples";
    /** Labeled examples reserved for evaluation, when the holdout is not split off by hash. */
    public static final String HOLDOUT = "eddy.holdout";
    /** Versioned {@code ModelSnapshot}s, compacted to the newest per model id. */
    public static final String MODEL_SNAPSHOTS = "eddy.model-snapshots";
    /** {@code TrainingMetrics} records. */
    public static final String TRAINING_METRICS = "eddy.training-metrics";
    /** Examples that failed validation or decoding; the reason is in the record headers. */
    public static final String EXAMPLES_DLQ = "eddy.examples.dlq";
    /** Unlabeled feature vectors to score. */
    public static final String FEATURES = "eddy.features";
    /** {@code Prediction}s of the scorer. */
    public static final String PREDICTIONS = "eddy.predictions";
    /** Control commands (pause, resume, re-arm early stopping), keyed by model id. */
    public static final String COMMANDS = "eddy.commands";

    /** Default partition count: one model trains in one task, so partitions bound the parallel models. */
    public static final int DEFAULT_PARTITIONS = 3;

    /**
     * Largest snapshot record: a 1M-parameter model is 8 MB of float64 parameters; with headroom for
     * larger models. Producers of snapshots must raise {@code max.request.size} to match.
     */
    public static final int MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

    private Topics() {}

    /** Every default topic with its configuration; the replication factor is the broker's default. */
    public static List<NewTopic> defaults(int partitions) {
        return defaults(partitions, name -> name, MAX_SNAPSHOT_BYTES);
    }

    /**
     * Every default topic under the name {@code named} gives its default name (a configuration's {@code topic.*}
     * value), the snapshot topic accepting records of up to {@code snapshotMaxBytes}; the replication factor is the
     * broker's default.
     */
    public static List<NewTopic> defaults(int partitions, UnaryOperator<String> named, int snapshotMaxBytes) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        List<NewTopic> topics = new ArrayList<>();
        for (String name : List.of(EXAMPLES, HOLDOUT, TRAINING_METRICS, EXAMPLES_DLQ, FEATURES, PREDICTIONS)) {
            topics.add(new NewTopic(named.apply(name), Optional.of(partitions), Optional.empty()));
        }
        topics.add(new NewTopic(named.apply(MODEL_SNAPSHOTS), Optional.of(partitions), Optional.empty())
                .configs(snapshotConfig(snapshotMaxBytes)));
        // Commands must be applied in order for a model: key = model id, and partitions match examples.
        topics.add(new NewTopic(named.apply(COMMANDS), Optional.of(partitions), Optional.empty()));
        return topics;
    }

    /** The snapshot topic's configuration: compacted (the newest per key), records up to {@code maxBytes}. */
    public static Map<String, String> snapshotConfig(int maxBytes) {
        return Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                String.valueOf(maxBytes));
    }

    /** The one of {@code defaults} named {@code topic}, else {@code topic} with {@link #DEFAULT_PARTITIONS}. */
    public static NewTopic spec(String topic, List<NewTopic> defaults) {
        return defaults.stream()
                .filter(t -> t.name().equals(topic))
                .findFirst()
                .orElse(new NewTopic(topic, Optional.of(DEFAULT_PARTITIONS), Optional.empty()));
    }

    /**
     * Creates those of {@code topics} that do not exist yet, then waits until every partition of all of
     * them is writable ({@link #awaitWritable}).
     *
     * @return the names of the topics created (topics that existed are left as they are)
     */
    public static List<String> createMissing(Admin admin, Collection<NewTopic> topics, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<NewTopic> missing =
                topics.stream().filter(t -> !existing.contains(t.name())).toList();
        if (!missing.isEmpty()) {
            try {
                admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                // Another client may have created one concurrently; anything else is a real failure.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        awaitWritable(admin, topics.stream().map(NewTopic::name).toList(), timeout);
        return missing.stream().map(NewTopic::name).toList();
    }

    /**
     * The partition count of each of {@code topics} (in their order) as it is, or for a missing one as creating it
     * now would make it: a topic naming no count gets the broker's {@code num.partitions}. The broker validates the
     * creations without making them ({@code validateOnly}), so a start can check what it would create, and refuse,
     * before anything exists.
     */
    public static Map<String, Integer> partitionCounts(Admin admin, List<NewTopic> topics, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<String> present =
                topics.stream().map(NewTopic::name).filter(existing::contains).toList();
        List<NewTopic> missing =
                topics.stream().filter(t -> !existing.contains(t.name())).toList();
        Map<String, TopicDescription> described =
                admin.describeTopics(present).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        CreateTopicsResult planned = admin.createTopics(missing, new CreateTopicsOptions().validateOnly(true));
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (NewTopic topic : topics) {
            counts.put(
                    topic.name(),
                    existing.contains(topic.name())
                            ? described.get(topic.name()).partitions().size()
                            : planned.numPartitions(topic.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        }
        return counts;
    }

    /**
     * Waits until every partition of the named topics has a leader whose log is open: the leader answers a
     * list-offsets request for it. A leader in the metadata is not enough: the metadata can name a leader before that
     * leader has opened the partition's log, and an idempotent producer whose first request meets {@code NOT_LEADER_OR_FOLLOWER} while a
     * second one is appended retries the first with {@code OUT_OF_ORDER_SEQUENCE_NUMBER} until its delivery timeout
     * (KAFKA-15591, open in Kafka 4.3.1): a lost batch for a plain producer, a two-minute stall for a transactional
     * one.
     */
    public static void awaitWritable(Admin admin, Collection<String> names, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String notReady;
            try {
                notReady = notWritable(admin, names, timeout);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw e;
                }
                notReady = names + " (" + e.getCause().getMessage() + ")";
            }
            if (notReady == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(
                        "partition " + notReady + " not writable after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /** A partition without a leader, or null when every partition has one and its leader lists its offsets. */
    private static String notWritable(Admin admin, Collection<String> names, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(names).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        for (TopicDescription description : descriptions.values()) {
            for (TopicPartitionInfo partition : description.partitions()) {
                if (partition.leader() == null || partition.leader().isEmpty()) {
                    return description.name() + "-" + partition.partition() + " (no leader)";
                }
                partitions.put(new TopicPartition(description.name(), partition.partition()), OffsetSpec.latest());
            }
        }
        admin.listOffsets(partitions).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return null;
    }
}
