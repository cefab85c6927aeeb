package dev.eddy.app;

import dev.eddy.config.EddyConfig;
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

/**
 * What {@code routing=direct} needs before the application starts: every input topic has one partition (so one task
 * reads all of every model's records), and nothing is left in the trainer-input topic of an earlier run with
 * {@code routing=repartition} under the same application id (those records would never be trained on).
 */
final class DirectRoutingCheck {

    private DirectRoutingCheck() {}

    /**
     * @throws IllegalArgumentException naming the topic that breaks the rule
     */
    static void check(Admin admin, EddyConfig config, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<String> inputs = config.inputTopics();
        Map<String, TopicDescription> described =
                admin.describeTopics(inputs).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        for (String topic : inputs) {
            int partitions = described.get(topic).partitions().size();
            if (partitions != 1) {
                throw new IllegalArgumentException("routing=direct needs one partition in every input topic, but '"
                        + topic + "' has " + partitions + "; use routing=repartition for partitioned input");
            }
        }
        String trainerInput = config.applicationId() + "-" + TrainingTopology.TRAINER_INPUT + "-repartition";
        if (!admin.listTopics()
                .names()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .contains(trainerInput)) {
            return;
        }
        long left = unconsumed(admin, config.applicationId(), trainerInput, timeout);
        if (left > 0) {
            throw new IllegalArgumentException("routing=direct: " + left + " records of '" + trainerInput
                    + "' (written by an earlier run with routing=repartition) are not trained on yet; run with"
                    + " routing=repartition until they are, then switch");
        }
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
