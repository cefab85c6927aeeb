package dev.eddy.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Where each model trains with {@code routing=direct} on input topics of {@code count} partitions: in the task of
 * partition
 *
 * <pre>
 * p(m) = toPositive(murmur2(utf8(m))) mod count
 * </pre>
 *
 * the partition Kafka's default partitioner gives a record keyed by the model id {@code m}. So the examples that
 * {@code eddy produce --model m} writes arrive in the task that trains {@code m}, and its state lives in changelog
 * partition {@code p(m)}, the partition of the trainer-input topic's task under {@code routing=repartition}: switching
 * routing keeps the model. With one partition (and under {@code routing=repartition}, where the trainer-input topic
 * places the models) every model is in the task at hand.
 *
 * @param count the partition count of every input topic, ≥ 1
 */
public record ModelPartitions(int count) {

    /** One partition: every model trains in the task at hand. */
    public static final ModelPartitions ONE = new ModelPartitions(1);

    public ModelPartitions {
        if (count < 1) {
            throw new IllegalArgumentException("partition count must be >= 1, got " + count);
        }
    }

    /** {@code p(m)}: the partition whose task trains {@code modelId}. */
    public int of(String modelId) {
        return Utils.toPositive(Utils.murmur2(modelId.getBytes(StandardCharsets.UTF_8))) % count;
    }

    /** Whether {@code modelId} trains in the task of {@code partition}. */
    boolean trainsIn(String modelId, int partition) {
        return count == 1 || of(modelId) == partition;
    }

    /** Whether the input has several partitions: examples that name a model must then be keyed by it. */
    public boolean partitioned() {
        return count > 1;
    }
}
