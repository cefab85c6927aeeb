package dev.eddy.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.config.EddyConfig;
import dev.eddy.it.EmbeddedKafka;
import dev.eddy.it.KafkaReads;
import dev.eddy.it.Runs;
import dev.eddy.it.TrainingStreams;
import dev.eddy.lifecycle.SnapshotLog;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.Prediction;
import dev.eddy.serde.AvroSerdes;
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
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run under a new {@code application.id} (after re-partitioned input, or changed search keys) shares the snapshot
 * topic with the old run: its models, a model and a search, continue their ids' versions from the topic, so the new
 * run's model is the one served and exported.
 */
class NewApplicationIdTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    private static final String SNAPSHOTS = "versions.snapshots";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** Application {@code id} of its own topics but the shared snapshot topic; model m and the search s. */
    private Map<String, String> settings(String id, boolean serving) {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", id);
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put("state.dir", dir.resolve(id).toString());
        s.put("commit.interval.ms", "100");
        for (String topic : List.of("examples", "metrics", "dead-letters", "commands", "features", "predictions")) {
            s.put("topic." + topic, id + "." + topic);
        }
        s.put("topic.snapshots", SNAPSHOTS);
        s.put("serving.enabled", Boolean.toString(serving));
        s.put("holdout.fraction", "0");
        s.put("snapshot-every", "2");
        for (String m : List.of("m", "s")) {
            s.put("model." + m + ".input-size", "30");
            s.put("model." + m + ".layers", "4:relu,1:sigmoid");
            s.put("model." + m + ".batch-size", "4");
            s.put("model." + m + ".eval-every", "100000");
            s.put("model." + m + ".early-stopping.enabled", "false");
            s.put("model." + m + ".drift.detector", "none");
        }
        s.put("model.s.search.strategy", "grid");
        s.put("model.s.search.space.learning-rate", "0.01|0.1");
        return s;
    }

    @Test
    void theNewRunContinuesEachModelsVersionsAndItsModelIsServedAndExported() throws Exception {
        try (EddyApp one =
                EddyApp.start(EddyConfig.of(settings("one", false)), new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(one.awaitRunning(WAIT)).isTrue();
            produce("one.examples", 60);
            Runs.awaitCaughtUp(kafka.admin(), "one", "one.examples", WAIT);
        } // a clean stop: FINAL snapshots
        Map<String, List<Long>> oldVersions = versions();
        long oldM = oldVersions.get("m").get(oldVersions.get("m").size() - 1);
        long oldS = oldVersions.get("s").get(oldVersions.get("s").size() - 1);

        // 40 examples of m in batches of 4 are 10 steps: a snapshot every 2 steps, 5 of them
        long newest = oldM + 5;
        try (EddyApp two = EddyApp.start(EddyConfig.of(settings("two", true)), new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(two.awaitRunning(WAIT)).isTrue();
            produce("two.examples", 40);
            KafkaReads.await(
                    WAIT,
                    "5 snapshots of m from the second run",
                    () -> versions().get("m").size() == oldVersions.get("m").size() + 5);
            assertThat(versions()
                            .get("m")
                            .subList(
                                    oldVersions.get("m").size(),
                                    oldVersions.get("m").size() + 5))
                    .as("the second run's versions of m, after the first run's %s", oldVersions.get("m"))
                    .containsExactly(
                            LongStream.rangeClosed(oldM + 1, newest).boxed().toArray(Long[]::new));

            ModelSnapshot exported = SnapshotLog.read(kafka.bootstrapServers(), SNAPSHOTS, Map.of(), WAIT)
                    .accepted("m", null)
                    .orElseThrow();
            assertThat(exported.getVersion()).isEqualTo(newest);
            assertThat(exported.getExamplesSeen())
                    .as("trained by the second run")
                    .isEqualTo(40);

            URI status = two.modelsUri().resolve("/models/m");
            KafkaReads.await(WAIT, "m v" + newest + " served", () -> acceptedVersion(status) == newest);
            score("two.features");
            KafkaReads.await(
                    WAIT, "a prediction", () -> !predictions("two.predictions").isEmpty());
            assertThat(predictions("two.predictions").get(0).getModelVersion()).isEqualTo(newest);
        }

        List<Long> s = versions().get("s");
        assertThat(s.subList(oldVersions.get("s").size(), s.size()))
                .as("the second run's versions of the search s, after the first run's %s", oldVersions.get("s"))
                .isNotEmpty()
                .containsExactly(LongStream.rangeClosed(
                                oldS + 1, oldS + s.size() - oldVersions.get("s").size())
                        .boxed()
                        .toArray(Long[]::new));
    }

    /** {@code n} breast_cancer examples each of m and of s. */
    private static void produce(String topic, int n) throws Exception {
        TrainingStreams.breastCancer(n, "m").produce(kafka.bootstrapServers(), topic);
        TrainingStreams.breastCancer(n, "s").produce(kafka.bootstrapServers(), topic);
    }

    /** The versions on the snapshot topic per model, in topic order. */
    private static Map<String, List<Long>> versions() {
        return Runs.snapshots(kafka.bootstrapServers(), SNAPSHOTS).stream()
                .collect(Collectors.groupingBy(
                        ModelSnapshot::getModelId, Collectors.mapping(ModelSnapshot::getVersion, Collectors.toList())));
    }

    /** The version {@code /models/m} says is served, −1 while none is. */
    private static long acceptedVersion(URI status) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode accepted = new ObjectMapper().readTree(r.body()).get("acceptedVersion");
            return accepted == null || accepted.isNull() ? -1 : accepted.asLong();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One feature record for m: the first breast_cancer row's features. */
    private static void score(String topic) throws Exception {
        Example row = TrainingStreams.breastCancer(1, "m").examples().get(0);
        String json = "{\"id\": \"f\", \"model\": \"m\", \"features\": "
                + row.getFeatures().stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]")) + "}";
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "f", json)).get();
        }
    }

    private static List<Prediction> predictions(String topic) {
        return KafkaReads.readAll(
                        kafka.bootstrapServers(),
                        topic,
                        new StringDeserializer(),
                        AvroSerdes.predictions().deserializer())
                .stream()
                .map(r -> r.value())
                .toList();
    }
}
