package dev.eddy.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.it.EmbeddedKafka;
import dev.eddy.it.KafkaReads;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fan-out purge deletes what the group consumed (below its committed offsets), and nothing it has not. */
class FanOutPurgeTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    private static final String TOPIC = "app-eddy-fan-out";
    private static final TopicPartition CONSUMED = new TopicPartition(TOPIC, 0);
    private static final TopicPartition UNTOUCHED = new TopicPartition(TOPIC, 1);

    @Test
    void deletesTheRecordsBelowTheCommittedOffsetsOnly() throws Exception {
        kafka.admin()
                .createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1)))
                .all()
                .get();
        try (KafkaProducer<Integer, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new IntegerSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, 0, "copy " + i));
                producer.send(new ProducerRecord<>(TOPIC, 1, 1, "copy " + i));
            }
            producer.flush();
        }
        // the application's group consumed 6 records of partition 0 and none of partition 1
        kafka.admin()
                .alterConsumerGroupOffsets("app", Map.of(CONSUMED, new OffsetAndMetadata(6)))
                .all()
                .get();

        try (FanOutPurge purge = FanOutPurge.start(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                "app",
                TOPIC,
                Duration.ofMillis(200))) {
            KafkaReads.await(Duration.ofSeconds(30), "the consumed records deleted", () -> starts().get(CONSUMED) == 6);
            Thread.sleep(1000); // five purges more
            purge.purge();
        }
        assertThat(starts()).containsEntry(CONSUMED, 6L).containsEntry(UNTOUCHED, 0L);
        assertThat(ends()).containsEntry(CONSUMED, 10L).containsEntry(UNTOUCHED, 10L);
    }

    private static Map<TopicPartition, Long> starts() {
        return offsets(OffsetSpec.earliest());
    }

    private static Map<TopicPartition, Long> ends() {
        return offsets(OffsetSpec.latest());
    }

    private static Map<TopicPartition, Long> offsets(OffsetSpec spec) {
        try {
            return kafka.admin().listOffsets(Map.of(CONSUMED, spec, UNTOUCHED, spec)).all().get().entrySet().stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
