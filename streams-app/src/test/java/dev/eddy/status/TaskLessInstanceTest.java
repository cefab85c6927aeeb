package dev.eddy.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.app.EddyApp;
import dev.eddy.config.EddyConfig;
import dev.eddy.io.ExampleProducer;
import dev.eddy.it.EmbeddedKafka;
import dev.eddy.it.KafkaReads;
import dev.eddy.it.TrainingStreams;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances on one input partition, on a real broker: one trains everything, the other holds no task. The
 * task-less instance is running, not rebalancing: its status API answers 200 and forwards to the instance that trains
 * (before, every store query there failed and it answered 503 "rebalancing or restoring" for as long as it ran).
 */
class TaskLessInstanceTest {

    private static final int EXAMPLES = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private Map<String, String> settings(String instance) {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", "idle");
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put("state.dir", dir.resolve(instance).toString());
        s.put("kafka.session.timeout.ms", "6000");
        s.put("kafka.heartbeat.interval.ms", "1000");
        for (String topic : List.of("examples", "snapshots", "metrics", "dead-letters", "commands")) {
            s.put("topic." + topic, "idle." + topic);
        }
        s.put("serving.enabled", "false");
        s.put("model.m.input-size", "30");
        s.put("model.m.layers", "4:relu,1:sigmoid");
        s.put("model.m.batch-size", "1");
        s.put("model.s.input-size", "30");
        s.put("model.s.layers", "4:relu,1:sigmoid");
        s.put("model.s.search.strategy", "random");
        s.put("model.s.search.trials", "2");
        s.put("model.s.search.space.learning-rate", "0.01|0.1");
        s.put("model.s.search.space.batch-size", "1");
        return s;
    }

    @Test
    void aTaskLessInstanceAnswersForTheModelsTheOtherTrains() throws Exception {
        kafka.admin()
                .createTopics(List.of(
                        new NewTopic("idle.examples", 1, (short) 1), new NewTopic("idle.commands", 1, (short) 1)))
                .all()
                .get();
        try (EddyApp first = EddyApp.start(EddyConfig.of(settings("a")), new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(first.awaitRunning(Duration.ofSeconds(60))).isTrue();
            try (EddyApp second = EddyApp.start(EddyConfig.of(settings("b")), new InetSocketAddress("127.0.0.1", 0))) {
                KafkaReads.await(
                        Duration.ofSeconds(90),
                        "one instance holds the task and the other none, both running",
                        () -> first.state() == KafkaStreams.State.RUNNING
                                && second.state() == KafkaStreams.State.RUNNING
                                && activeTasks(first) + activeTasks(second) > 0
                                && activeTasks(first) * activeTasks(second) == 0);
                EddyApp busy = activeTasks(first) > 0 ? first : second;
                EddyApp idle = busy == first ? second : first;
                try (ExampleProducer producer = new ExampleProducer(kafka.bootstrapServers(), "idle.examples")) {
                    for (String model : List.of("m", "s")) {
                        TrainingStreams.breastCancer(EXAMPLES, model).examples().forEach(producer::send);
                    }
                    producer.flush();
                    assertThat(producer.acknowledged()).isEqualTo(2 * EXAMPLES);
                }
                KafkaReads.await(
                        Duration.ofSeconds(90),
                        "the busy instance lists both models as trained here",
                        () -> localModels(busy) == 2);

                HttpResponse<String> local = get(idle.modelsUri().resolve("/models?local=true"));
                assertThat(local.statusCode()).as(local.body()).isEqualTo(200);
                assertThat(JSON.readTree(local.body())).isEmpty();

                HttpResponse<String> all = get(idle.modelsUri());
                assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
                TreeSet<String> models = new TreeSet<>();
                for (JsonNode model : JSON.readTree(all.body())) {
                    models.add(model.get("model").asText());
                    assertThat(model.get("instance").asText())
                            .isEqualTo(busy.modelsUri().getAuthority());
                }
                assertThat(models).containsExactly("m", "s");

                HttpResponse<String> one = get(idle.modelsUri().resolve("/models/m"));
                assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
                assertThat(JSON.readTree(one.body()).get("steps").asLong()).isPositive();

                HttpResponse<String> trials = get(idle.modelsUri().resolve("/models/s/trials"));
                assertThat(trials.statusCode()).as(trials.body()).isEqualTo(200);
                assertThat(JSON.readTree(trials.body())).hasSize(2);
            }
        }
    }

    /** The models {@code app}'s status store holds ({@code GET /models?local=true}), 0 while it answers otherwise. */
    private int localModels(EddyApp app) {
        try {
            HttpResponse<String> r = get(app.modelsUri().resolve("/models?local=true"));
            return r.statusCode() == 200 ? JSON.readTree(r.body()).size() : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    private static int activeTasks(EddyApp app) {
        return app.streams().metadataForLocalThreads().stream()
                .map(ThreadMetadata::activeTasks)
                .mapToInt(Set::size)
                .sum();
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
