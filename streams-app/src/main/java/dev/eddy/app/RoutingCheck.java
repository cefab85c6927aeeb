package dev.eddy.app;

import dev.eddy.config.EddyConfig;
import dev.eddy.config.Routing;
import dev.eddy.topology.TrainingTopology;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the routing of a start against the cluster. {@code routing=direct} needs every input topic to have one
 * partition (so one task reads all of every model's records) and nothing left untrained in the trainer-input topic of
 * an earlier {@code routing=repartition} run under the same application id (those records would be skipped);
 * {@code routing=auto} takes direct routing when both hold, and the trainer-input topic otherwise.
 */
final class RoutingCheck {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingCheck.class);

    private RoutingCheck() {}

    /**
     * The routing to build the topology with: never {@link Routing#AUTO}.
     *
     * @throws IllegalArgumentException for {@code routing=direct} where it cannot work, naming the topic
     */
    static Routing resolve(Admin admin, EddyConfig config, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (config.routing() == Routing.REPARTITION) {
            return Routing.REPARTITION;
        }
        Map<String, TopicDescription> described = admin.describeTopics(config.inputTopics())
                .allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        for (String topic : config.inputTopics()) {
            int partitions = described.get(topic).partitions().size();
            if (partitions != 1) {
                if (config.routing() == Routing.DIRECT) {
                    throw new IllegalArgumentException("routing=direct needs one partition in every input topic, but '"
                            + topic + "' has " + partitions + "; use routing=repartition (or auto) for partitioned"
                            + " input");
                }
                LOG.info("routing=auto: repartition, '{}' has {} partitions", topic, partitions);
                return Routing.REPARTITION;
            }
        }
        String trainerInput = TrainingTopology.trainerInputTopic(config.applicationId());
        if (admin.listTopics()
                .names()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .contains(trainerInput)) {
            long left = unconsumed(admin, config.applicationId(), trainerInput, timeout);
            if (left > 0) {
                if (config.routing() == Routing.DIRECT) {
                    throw new IllegalArgumentException("routing=direct: " + left + " records of '" + trainerInput
                            + "' (written by an earlier run with routing=repartition) are not trained on yet; run"
                            + " with routing=repartition (or auto) until they are, then switch");
                }
                LOG.info("routing=auto: repartition until the {} records left in '{}' are trained", left, trainerInput);
                return Routing.REPARTITION;
            }
        }
        return Routing.DIRECT;
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
