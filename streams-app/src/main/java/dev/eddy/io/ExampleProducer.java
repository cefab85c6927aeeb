package dev.eddy.io;

import dev.eddy.schema.Example;
import dev.eddy.serde.AvroSerdes;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes {@link Example}s to a topic with an idempotent producer ({@code acks=all}) and counts the
 * acknowledgement of every send, so a caller can prove that everything it sent was written. The key
 * decides the partition, and so the order in which a model sees the examples: examples of one key keep
 * the order they were sent in.
 */
public final class ExampleProducer implements AutoCloseable {

    private final KafkaProducer<String, Example> producer;
    private final String topic;
    private final SendResults results = new SendResults();
    private long sent;

    public ExampleProducer(String bootstrapServers, String topic) {
        this(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic);
    }

    /**
     * A producer configured by {@code clientProperties} ({@code bootstrap.servers} and any other producer setting,
     * e.g. security), which win over the defaults here.
     */
    public ExampleProducer(Map<String, ?> clientProperties, String topic) {
        Properties config = new Properties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "eddy-produce");
        config.putAll(clientProperties);
        this.producer = new KafkaProducer<>(
                config, new StringSerializer(), AvroSerdes.examples().serializer());
        this.topic = topic;
    }

    /** The topic written to. */
    public String topic() {
        return topic;
    }

    /** Sends one example keyed by its model id, or by its id when it names none (see {@link #send(String, Example)}). */
    public void send(Example example) {
        send(example.getModelId() != null ? example.getModelId() : example.getId(), example);
    }

    /**
     * Sends one example under {@code key} asynchronously; its acknowledgement is counted when it arrives. The
     * application trains an example whatever its key (null included): the key only places it in a partition.
     */
    public void send(String key, Example example) {
        sent++;
        producer.send(new ProducerRecord<>(topic, key, example), results);
    }

    /** Waits until every example sent so far is acknowledged or has failed. */
    public void flush() {
        producer.flush();
    }

    /** Examples handed to {@link #send}. */
    public long sent() {
        return sent;
    }

    /** Examples the brokers acknowledged as written. */
    public long acknowledged() {
        return results.acknowledged();
    }

    /** Examples whose send failed. */
    public long failed() {
        return results.failed();
    }

    /** The first send failure, or null. */
    public Exception firstFailure() {
        return results.firstFailure();
    }

    @Override
    public void close() {
        producer.close();
    }
}
