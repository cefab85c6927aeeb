package dev.eddy.io;

import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** Reading assigned partitions up to end offsets taken at one moment ({@code Consumer.endOffsets}). */
public final class EndOffsets {

    private EndOffsets() {}

    /** Whether {@code consumer}'s position has reached {@code end} on every partition of it. */
    public static boolean reached(Consumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
