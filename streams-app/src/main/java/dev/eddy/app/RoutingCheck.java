package dev.eddy.app;

import dev.eddy.config.EddyConfig;
import dev.eddy.config.Routing;
import dev.eddy.topology.FanOutTopic;
import dev.eddy.topology.ModelPartitions;
import dev.eddy.topology.TrainingTopology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the routing of a start against the cluster. {@code routing=direct} needs every input topic (examples,
 * commands, holdout in mode {@code topic}) to have the same partition count P, so that the task of partition p reads
 * partition p of each (model m trains in the task of {@link ModelPartitions#of p(m)}), a fan-out topic, when there is
 * one, of P partitions too (a different count means the input topics were re-partitioned since the models were
 * placed), and nothing left untrained in the trainer-input topic of an earlier {@code routing=repartition} run under
 * the same application id (those records would be skipped); {@code routing=auto} takes direct routing when the counts
 * agree and nothing is left, and the trainer-input topic otherwise. Repartition routing, given or taken, needs nothing
 * left untrained in the fan-out topic of an earlier direct run, which it does not read. Either routing needs the
 * trainer's task count of the first run under the application id ({@link #checkTaskCount}). Both run before the start
 * creates a topic, on the input topics' partition counts as they are or as the start will create them, so that a
 * refused start leaves the cluster as it found it.
 */
final class RoutingCheck {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingCheck.class);

    /**
     * The routing a start takes, never {@link Routing#AUTO}.
     *
     * @param partitions the input partition count with {@link Routing#DIRECT}, else {@link ModelPartitions#ONE}
     */
    record Decision(Routing routing, ModelPartitions partitions) {}

    private RoutingCheck() {}

    /**
     * The routing to build the topology with.
     *
     * @param counts the partition count of each input topic, as it is or as the start will create it
     * @throws IllegalArgumentException for {@code routing=direct} where it cannot work, naming the topics
     */
    static Decision resolve(Admin admin, EddyConfig config, Map<String, Integer> counts, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Decision repartition = new Decision(Routing.REPARTITION, ModelPartitions.ONE);
        Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        String fanOut = FanOutTopic.of(config.applicationId());
        if (config.routing() == Routing.REPARTITION) {
            refuseUntrainedFanOut(admin, config, existing, "routing=repartition", timeout);
            return repartition;
        }
        if (new HashSet<>(counts.values()).size() != 1) {
            if (config.routing() == Routing.DIRECT) {
                throw new IllegalArgumentException("routing=direct needs the same partition count in every input"
                        + " topic (model m trains in partition murmur2(m) mod P of each), but " + listed(counts)
                        + "; give them one count, or use routing=repartition (or auto)");
            }
            refuseUntrainedFanOut(
                    admin,
                    config,
                    existing,
                    "routing=auto would take repartition (the input topics' partition counts differ: " + listed(counts)
                            + ")",
                    timeout);
            LOG.info("routing=auto: repartition, the input topics' partition counts differ: {}", listed(counts));
            return repartition;
        }
        int partitions = counts.values().iterator().next();
        if (existing.contains(fanOut)) {
            int placed = partitionCounts(admin, List.of(fanOut), timeout).get(fanOut);
            if (placed != partitions) {
                throw new IllegalArgumentException("'" + fanOut + "' has " + placed
                        + " partitions but the input topics "
                        + partitions + " (" + listed(counts) + "): the input topics were re-partitioned since the"
                        + " models were placed in partition murmur2(model id) mod " + placed + "; give them " + placed
                        + " partitions again, or start a new application.id");
            }
        }
        String trainerInput = TrainingTopology.trainerInputTopic(config.applicationId());
        if (existing.contains(trainerInput)) {
            long left = unconsumed(admin, config.applicationId(), trainerInput, timeout);
            if (left > 0) {
                if (config.routing() == Routing.DIRECT) {
                    throw new IllegalArgumentException("routing=direct: " + left + " records of '" + trainerInput
                            + "' (written by an earlier run with routing=repartition) are not trained on yet; run"
                            + " with routing=repartition (or auto) until they are, then switch");
                }
                long fanOutLeft = untrainedFanOut(admin, config, existing, timeout);
                if (fanOutLeft > 0) {
                    // each routing would skip the other's records: only the operator can choose which to give up
                    throw new IllegalArgumentException("routing=auto: " + left + " records of '" + trainerInput
                            + "' (they need routing=repartition) and " + fanOutLeft + " of '" + fanOut
                            + "' (they need routing=direct) are not trained on yet; delete one of the two topics to"
                            + " give its records up");
                }
                LOG.info("routing=auto: repartition until the {} records left in '{}' are trained", left, trainerInput);
                return repartition;
            }
        }
        return new Decision(Routing.DIRECT, new ModelPartitions(partitions));
    }

    /**
     * Refuses repartition routing while the fan-out topic of an earlier {@code routing=direct} run holds copies not
     * yet trained on: the trainer-input topic does not read it, so those examples and commands would never reach
     * their models.
     */
    private static void refuseUntrainedFanOut(
            Admin admin, EddyConfig config, Set<String> existing, String why, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        String fanOut = FanOutTopic.of(config.applicationId());
        long left = untrainedFanOut(admin, config, existing, timeout);
        if (left > 0) {
            throw new IllegalArgumentException(why + ", but " + left + " records of '" + fanOut + "' (copies an"
                    + " earlier run with routing=direct wrote for the models of other partitions) are not trained on"
                    + " yet, and repartition routing does not read that topic; run once more with routing=direct"
                    + " (the input topics at the fan-out topic's partition count) until they are, then switch; or"
                    + " delete '" + fanOut + "' to give them up");
        }
    }

    /**
     * The copies in the fan-out topic not yet trained on; counted only where a switch to repartition routing can be
     * refused for them (three requests to the cluster, of no use to a direct start).
     */
    private static long untrainedFanOut(Admin admin, EddyConfig config, Set<String> existing, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        String fanOut = FanOutTopic.of(config.applicationId());
        return existing.contains(fanOut) ? unconsumed(admin, config.applicationId(), fanOut, timeout) : 0;
    }

    /**
     * Refuses a start whose trainer task count differs from the partition count of the trainer's changelogs (and,
     * with repartition routing, of the trainer-input topic) of an earlier run: Kafka Streams sizes those topics once,
     * by the task count of the first run, and its assignor throws at every rebalance when the input topics were
     * re-partitioned since, so no task would ever run.
     *
     * @param trainers the trainer's task count this start needs ({@link EddyApp.Prepared#trainers()})
     * @param counts the partition count of each input topic, as it is or as the start will create it
     */
    static void checkTaskCount(
            Admin admin,
            EddyConfig config,
            Routing routing,
            int trainers,
            Map<String, Integer> counts,
            Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<String> sized = new ArrayList<>();
        for (String store : List.of(
                TrainingTopology.STATUS_STORE,
                TrainingTopology.TRAINER_STATE_STORE,
                TrainingTopology.PARTIAL_BATCH_STORE,
                TrainingTopology.HOLDOUT_STORE)) {
            sized.add(config.applicationId() + "-" + store + "-changelog");
        }
        if (routing == Routing.REPARTITION) {
            sized.add(TrainingTopology.trainerInputTopic(config.applicationId()));
        }
        sized.retainAll(admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        for (Map.Entry<String, Integer> topic :
                partitionCounts(admin, sized, timeout).entrySet()) {
            if (topic.getValue() != trainers) {
                throw new IllegalArgumentException("the input topics (" + listed(counts) + ") need " + trainers
                        + " trainer tasks with routing="
                        + routing.name().toLowerCase(Locale.ROOT)
                        + (routing == Routing.DIRECT
                                ? " (one per input partition)"
                                : " (as many as the most" + " partitioned input topic has partitions)")
                        + ", but '" + topic.getKey() + "' of an earlier run has " + topic.getValue() + ": the input"
                        + " topics were re-partitioned since, and Kafka Streams cannot change the partition count of"
                        + " its internal topics; give the input topics their old partition count again (re-create"
                        + " them), or start with a new application.id");
            }
        }
    }

    /** The partition count of each of {@code topics}, in their order. */
    static Map<String, Integer> partitionCounts(Admin admin, List<String> topics, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, TopicDescription> described =
                admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String topic : topics) {
            counts.put(topic, described.get(topic).partitions().size());
        }
        return counts;
    }

    /** {@code 'a' has 4, 'b' has 3}. */
    private static String listed(Map<String, Integer> counts) {
        return counts.entrySet().stream()
                .map(e -> "'" + e.getKey() + "' has " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** Σ over the partitions of {@code topic}: end offset − max(committed offset of {@code group}, log start). */
    private static long unconsumed(Admin admin, String group, String topic, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .get(topic)
                .partitions()
                .forEach(p -> {
                    TopicPartition tp = new TopicPartition(topic, p.partition());
                    latest.put(tp, OffsetSpec.latest());
                    earliest.put(tp, OffsetSpec.earliest());
                });
        Map<TopicPartition, ListOffsetsResultInfo> ends =
                admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> starts =
                admin.listOffsets(earliest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        long left = 0;
        for (TopicPartition tp : latest.keySet()) {
            OffsetAndMetadata c = committed.get(tp);
            long from = Math.max(starts.get(tp).offset(), c == null ? 0 : c.offset());
            left += Math.max(0, ends.get(tp).offset() - from);
        }
        return left;
    }
}
