package dev.eddy.benchmarks.pipeline;

import dev.eddy.schema.Example;
import dev.eddy.serde.AvroSerdes;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Pre-produces a benchmark's input: {@link Example}s keyed like {@code ExampleProducer} does (model id), in order,
 * each acknowledged ({@code acks=all}) before {@link #close()} returns, or send or close fails.
 *
 * <p>Not idempotent, one request in flight (order kept by that): on this shared machine, an idempotent producer
 * pre-producing into a fresh topic of the in-JVM broker got its sequence numbers rejected as out of order
 * (OutOfOrderSequenceException, sequence 0 again after 10,000 acknowledged records) and its records expired.
 */
public final class BulkProducer implements AutoCloseable {

    /** Waits for the acknowledgements every this many records, so no request queues long enough to time out. */
    private static final int ACK_EVERY = 10_000;

    private final KafkaProducer<String, Example> producer;
    private final String topic;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private long sent;

    public BulkProducer(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-bulk");
        this.producer = new KafkaProducer<>(
                p, new StringSerializer(), AvroSerdes.examples().serializer());
        this.topic = topic;
    }

    public void send(Example example) {
        send(example.getModelId(), example);
    }

    /** Sends {@code example} under {@code key} (e.g. one key for every example of a file). */
    public void send(String key, Example example) {
        producer.send(new ProducerRecord<>(topic, key, example), (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
        if (++sent % ACK_EVERY == 0) {
            awaitAcknowledged();
        }
    }

    /** Waits until every record sent so far is acknowledged; fails naming the first failed send. */
    private void awaitAcknowledged() {
        producer.flush();
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("a record of the " + sent + " sent to " + topic + " was not written", e);
        }
    }

    @Override
    public void close() {
        try {
            awaitAcknowledged();
        } finally {
            producer.close();
        }
    }
}
