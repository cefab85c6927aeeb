package dev.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.app.EddyApp;
import dev.eddy.config.EddyConfig;
import dev.eddy.schema.TrainingMetrics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /models/{id}/history} of an application that trained on the embedded broker: its points and events are
 * the committed records of the training-metrics topic, field by field (a record that is not TrainingMetrics skipped);
 * its newest point agrees with {@code /models/{id}}; {@code ?after=} gives the tail; an unknown id is a 404 that names
 * the known ones; and after a restart the history is refilled from the topic, the same points under a new run.
 */
class HistoryEndpointTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    private static final String MODEL = TrainedModel.MODEL;
    private static final int EXAMPLES = 3 * 569;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void historyIsTheTopicsRecordsAndIsRefilledAfterARestart() throws Exception {
        EddyConfig config = TrainedModel.config("hist", kafka.bootstrapServers(), dir);
        EddyApp.createTopics(config);
        produceRaw(config.topics().metrics(), "not avro".getBytes(StandardCharsets.UTF_8));
        TrainedModel.produce(config, EXAMPLES);

        JsonNode before;
        try (EddyApp app = EddyApp.start(config, new InetSocketAddress("127.0.0.1", 0))) {
            TrainedModel.awaitTrained(app, kafka.admin(), EXAMPLES);
            List<TrainingMetrics> topic = TrainedModel.metricsRecords(config);
            assertThat(topic).hasSizeGreaterThan(10);
            URI history = app.modelsUri().resolve("/models/" + MODEL + "/history");
            before = awaitSeq(history, topic.size());
            assertMatches(before, topic);

            JsonNode status = getJson(app.modelsUri().resolve("/models/" + MODEL), 200);
            JsonNode last = last(before.get("points"));
            assertThat(status.get("steps").asLong() - last.get("step").asLong())
                    .as("the newest point is the last evaluation")
                    .isBetween(0L, (long) TrainedModel.EVAL_EVERY - 1);
            assertThat(status.get("examplesTrained").asLong())
                    .isGreaterThanOrEqualTo(last.get("examples").asLong());
            assertThat(last.get("holdoutLoss").asDouble())
                    .isEqualTo(status.at("/holdout/loss").asDouble());
            assertThat(last.get("holdoutMetric").asDouble())
                    .isEqualTo(status.at("/holdout/value").asDouble());
            assertThat(before.get("holdoutMetricName").asText())
                    .isEqualTo(status.at("/holdout/metric").asText());
            assertThat(last.get("learningRate").asDouble())
                    .isEqualTo(status.get("learningRate").asDouble());

            long seq = before.get("seq").asLong();
            JsonNode tail = getJson(URI.create(history + "?after=" + (seq - 3)), 200);
            assertThat(tail.get("points")).hasSize(3);
            assertThat(tail.get("points").get(0).get("seq").asLong()).isEqualTo(seq - 2);
            assertThat(getJson(URI.create(history + "?after=" + seq), 200).get("points"))
                    .isEmpty();
            assertThat(getJson(URI.create(history + "?after=x"), 400)
                            .get("error")
                            .asText())
                    .isEqualTo("after must be the seq of a history answer (a whole number >= 0), got 'x'");
            JsonNode unknown = getJson(app.modelsUri().resolve("/models/nosuch/history"), 404);
            assertThat(unknown.get("error").asText()).isEqualTo("no model 'nosuch'; known: " + MODEL);
        }

        List<TrainingMetrics> topic = TrainedModel.metricsRecords(config);
        try (EddyApp app = EddyApp.start(config, new InetSocketAddress("127.0.0.1", 0))) {
            // (closed before it runs, Kafka Streams can take its whole close timeout)
            assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
            JsonNode after = awaitSeq(app.modelsUri().resolve("/models/" + MODEL + "/history"), topic.size());
            assertMatches(after, topic);
            assertThat(after.get("run").asText()).isNotEqualTo(before.get("run").asText());
            for (int i = 0; i < before.get("points").size(); i++) {
                assertThat(after.get("points").get(i))
                        .as("point %d after the restart", i)
                        .isEqualTo(before.get("points").get(i));
            }
        }
    }

    /** The history's points are the topic's records without an event, its events those with one, in order. */
    private static void assertMatches(JsonNode history, List<TrainingMetrics> topic) {
        assertThat(history.get("model").asText()).isEqualTo(MODEL);
        List<TrainingMetrics> points =
                topic.stream().filter(m -> m.getEvent() == null).toList();
        List<TrainingMetrics> events =
                topic.stream().filter(m -> m.getEvent() != null).toList();
        assertThat(history.get("points")).hasSize(points.size());
        assertThat(history.get("events")).hasSize(events.size());
        for (int i = 0; i < points.size(); i++) {
            TrainingMetrics m = points.get(i);
            JsonNode p = history.get("points").get(i);
            assertThat(p.get("examples").asLong()).isEqualTo(m.getExamplesSeen());
            assertThat(p.get("step").asLong()).isEqualTo(m.getStep());
            assertThat(p.get("trainLoss").asDouble()).isEqualTo(m.getTrainLoss());
            assertThat(p.get("learningRate").asDouble()).isEqualTo(m.getLearningRate());
            assertThat(nullable(p.get("holdoutLoss"))).isEqualTo(m.getHoldoutLoss());
            assertThat(nullable(p.get("holdoutMetric"))).isEqualTo(m.getHoldoutMetricValue());
            assertThat(nullable(p.get("prequential"))).isEqualTo(m.getPrequentialMetric());
            assertThat(nullable(p.get("prequentialWindow"))).isEqualTo(m.getPrequentialWindowMetric());
            assertThat(
                            p.get("snapshotVersion").isNull()
                                    ? null
                                    : p.get("snapshotVersion").asLong())
                    .isEqualTo(m.getSnapshotVersion());
            assertThat(p.get("paused").asBoolean()).isEqualTo(m.getPaused());
        }
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = history.get("events").get(i);
            assertThat(e.get("examples").asLong()).isEqualTo(events.get(i).getExamplesSeen());
            assertThat(e.get("kind").asText())
                    .isEqualTo(events.get(i).getEvent().getKind());
            assertThat(e.get("detail").asText())
                    .isEqualTo(events.get(i).getEvent().getDetail());
        }
    }

    private JsonNode awaitSeq(URI history, int records) throws Exception {
        AtomicReference<JsonNode> answer = new AtomicReference<>();
        KafkaReads.await(Duration.ofSeconds(30), "a history of " + records + " records", () -> {
            try {
                answer.set(getJson(history, 200));
                return answer.get().get("seq").asLong() == records;
            } catch (Exception | AssertionError e) {
                return false;
            }
        });
        return answer.get();
    }

    private JsonNode getJson(URI uri, int status) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(uri + ": " + r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        return json.readTree(r.body());
    }

    private static Double nullable(JsonNode n) {
        return n.isNull() ? null : n.asDouble();
    }

    private static JsonNode last(JsonNode array) {
        return array.get(array.size() - 1);
    }

    private static void produceRaw(String topic, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, value)).get();
        }
    }
}
