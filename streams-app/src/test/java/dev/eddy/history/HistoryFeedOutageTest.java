package dev.eddy.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.broker.EmbeddedBroker;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.serde.AvroSerdes;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFeedOutageTest {

    @TempDir
    Path dir;

    /**
     * A broker away while the feed looks for new partitions (its metadata request times out after 5 s) does not end
     * the feed: it ended the history thread for good (an ERROR, then /models/{id}/history and the console froze).
     */
    @Test
    void theHistoryFollowsTheTopicAgainAfterABrokerOutage() throws Exception {
        Path data = dir.resolve("broker");
        EmbeddedBroker broker = EmbeddedBroker.start(0, data);
        int port = broker.port();
        String bootstrap = broker.bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("metrics", 1, (short) 1)))
                    .all()
                    .get();
        }
        TrainingHistory history = new TrainingHistory();
        HistoryFeed feed =
                HistoryFeed.start(Map.of("bootstrap.servers", bootstrap), "history-outage", "metrics", history, 1_000);
        try {
            send(bootstrap, record(1));
            awaitPoints(history, 1, 30_000);
            broker.close();
            Thread.sleep(8_000); // longer than the metadata timeout, with a refresh due every second
            broker = EmbeddedBroker.start(port, data);
            send(bootstrap, record(2));

            assertThat(awaitPoints(history, 2, 40_000))
                    .as("points after the broker came back")
                    .isEqualTo(2);
        } finally {
            feed.close();
            broker.close();
        }
    }

    /**
     * The first end offsets timing out (a leader away at start) is waited out too: the partitions were assigned before
     * it, so the next pass found nothing new to ask for, and the catch-up check failed the thread on its null.
     */
    @Test
    void theHistoryFollowsTheTopicWhenItsFirstEndOffsetsTimeOut() throws Exception {
        EmbeddedBroker broker = EmbeddedBroker.start(0, dir.resolve("broker"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("metrics", 1, (short) 1)))
                    .all()
                    .get();
            send(broker.bootstrapServers(), record(1));
            TrainingHistory history = new TrainingHistory();
            // 1 ms: every end offsets request times out, deterministically
            try (HistoryFeed feed = HistoryFeed.start(
                    Map.of("bootstrap.servers", broker.bootstrapServers(), "default.api.timeout.ms", "1"),
                    "history-end-offsets",
                    "metrics",
                    history,
                    1_000)) {
                Thread.sleep(3_000);
                send(broker.bootstrapServers(), record(2));
                Thread.sleep(3_000);
                assertThat(feed.following()).as("the history thread runs").isTrue();
            }
        } finally {
            broker.close();
        }
    }

    private static int awaitPoints(TrainingHistory history, int points, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        int seen = 0;
        while ((seen = points(history)) < points && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        return seen;
    }

    private static int points(TrainingHistory history) {
        return history.model("m").map(h -> h.after(0).points().size()).orElse(0);
    }

    private static TrainingMetrics record(long step) {
        return TrainingMetrics.newBuilder()
                .setModelId("m")
                .setStep(step)
                .setExamplesSeen(step * 10)
                .setTrainLoss(0.5)
                .setLearningRate(0.1)
                .setGradientNorm(1)
                .setTime(Instant.now())
                .build();
    }

    private static void send(String bootstrap, TrainingMetrics m) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(
                            "metrics",
                            "m".getBytes(),
                            AvroSerdes.trainingMetrics().serializer().serialize("metrics", m)))
                    .get();
        }
    }
}
