package dev.eddy.benchmarks.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a topic in a background thread as a {@code read_committed} consumer (so a record is seen once its transaction
 * is committed), handing each value with the wall-clock time it arrived to a callback on that thread.
 */
final class TopicTail<V> implements AutoCloseable {

    private final KafkaConsumer<byte[], V> consumer;
    private final Thread thread;
    private final AtomicLong received = new AtomicLong();
    private volatile boolean running = true;

    /**
     * Starts reading {@code topic} (every partition) from its beginning or from its current end.
     *
     * @param onRecord called with each record's arrival time and the record
     */
    TopicTail(
            String bootstrapServers,
            String topic,
            Deserializer<V> values,
            boolean fromBeginning,
            Listener<V> onRecord) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 << 20);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), values);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        // resolve the lazy seek now: records produced from here on are the ones wanted
        partitions.forEach(consumer::position);
        this.thread = new Thread(
                () -> {
                    try {
                        while (running) {
                            for (ConsumerRecord<byte[], V> r : consumer.poll(Duration.ofMillis(50))) {
                                onRecord.onRecord(System.currentTimeMillis(), r.timestamp(), r.value());
                                received.incrementAndGet();
                            }
                        }
                    } finally {
                        consumer.close();
                    }
                },
                "tail-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    /** What a tail calls for each record. */
    @FunctionalInterface
    interface Listener<V> {

        /**
         * @param arrivalMillis epoch millis when the record arrived here
         * @param timestampMillis the record's own timestamp (for a Kafka Streams output: its input record's)
         */
        void onRecord(long arrivalMillis, long timestampMillis, V value);
    }

    /** Records handed to the callback so far. */
    long received() {
        return received.get();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
