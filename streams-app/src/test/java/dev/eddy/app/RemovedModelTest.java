package dev.eddy.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.config.EddyConfig;
import dev.eddy.it.EmbeddedKafka;
import dev.eddy.it.KafkaReads;
import dev.eddy.it.Runs;
import dev.eddy.it.TrainingStreams;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.serde.AvroSerdes;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model removed from the configuration keeps its status in the store: a clean stop does not wait for a FINAL
 * snapshot of it, and {@code /models} does not list it as trained.
 */
class RemovedModelTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    @TempDir
    Path dir;

    private Map<String, String> settings(List<String> models) {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", "removed");
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put("state.dir", dir.toString());
        s.put("kafka.session.timeout.ms", "6000");
        s.put("kafka.heartbeat.interval.ms", "1000");
        for (String topic : List.of("examples", "snapshots", "metrics", "dead-letters", "commands")) {
            s.put("topic." + topic, "removed." + topic);
        }
        s.put("serving.enabled", "false");
        for (String m : models) {
            s.put("model." + m + ".input-size", "30");
            s.put("model." + m + ".layers", "4:relu,1:sigmoid");
        }
        return s;
    }

    @Test
    void aCleanStopWaitsOnlyForTheConfiguredModels() throws Exception {
        try (EddyApp eddy = EddyApp.start(
                EddyConfig.of(settings(List.of("kept", "gone"))), new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(eddy.awaitRunning(Duration.ofSeconds(60))).isTrue();
            TrainingStreams.breastCancer(50, "kept").produce(kafka.bootstrapServers(), "removed.examples");
            TrainingStreams.breastCancer(50, "gone").produce(kafka.bootstrapServers(), "removed.examples");
            KafkaReads.await(Duration.ofSeconds(60), "100 examples counted", () -> Runs.counted(eddy) == 100);
        }
        assertThat(Runs.statuses(kafka.bootstrapServers(), "removed")).containsKeys("kept", "gone");

        EddyApp eddy = EddyApp.start(EddyConfig.of(settings(List.of("kept"))), new InetSocketAddress("127.0.0.1", 0));
        long closing;
        try {
            assertThat(eddy.awaitRunning(Duration.ofSeconds(60))).isTrue();
            HttpResponse<String> models = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(eddy.modelsUri()).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode list = new ObjectMapper().readTree(models.body());
            assertThat(list.findValuesAsText("model"))
                    .as("'gone' is neither trained nor served")
                    .containsExactly("kept");
        } finally {
            closing = System.nanoTime();
            eddy.close();
            closing = System.nanoTime() - closing;
        }
        assertThat(Duration.ofNanos(closing))
                .as("the stop waited for no FINAL snapshot of 'gone'")
                .isLessThan(EddyApp.FINAL_SNAPSHOT_TIMEOUT);
        List<ConsumerRecord<String, ModelSnapshot>> snapshots = KafkaReads.readAll(
                kafka.bootstrapServers(),
                "removed.snapshots",
                new StringDeserializer(),
                AvroSerdes.modelSnapshots().deserializer());
        ModelSnapshot last = snapshots.stream()
                .filter(r -> r.key().equals("kept"))
                .reduce((a, b) -> b)
                .orElseThrow()
                .value();
        assertThat(last.getReason()).isEqualTo(SnapshotReason.FINAL);
    }
}
