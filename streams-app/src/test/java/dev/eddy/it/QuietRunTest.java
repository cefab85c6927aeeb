package dev.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.serving.ScoringTopology;
import dev.eddy.topology.TrainingTopology;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A healthy {@code eddy run} (quiet by default: its own logging configuration, a separate JVM) logs no warning, also
 * past the first refresh of Micrometer's Kafka binder, which comes a minute after the start and binds the meters of
 * the state stores and of the clients' later connections. Once the RocksDB stores' meters are in the scrape, the
 * refresh has come; then the run stops cleanly and its whole output is checked.
 */
class QuietRunTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    /** The binder refreshes every 60 s; the scrape is awaited for at most this long. */
    private static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(180);

    @TempDir
    Path dir;

    @Test
    void aHealthyRunLogsNoWarning() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("application.id", "quiet");
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        for (String topic : List.of("examples", "snapshots", "metrics", "dead-letters", "commands")) {
            settings.put("topic." + topic, "quiet." + topic);
        }
        settings.put("model.m.input-size", "30");
        settings.put("model.m.layers", "8:relu,1:sigmoid");
        TrainingStreams stream = TrainingStreams.breastCancer(569, "m");
        try (AppProcess app = AppProcess.start(dir.resolve("run.log"), Runs.args(settings, dir.resolve("state")))) {
            URI metrics = app.awaitMetricsUri(Duration.ofSeconds(90));
            stream.produce(kafka.bootstrapServers(), "quiet.examples");
            HttpClient http = HttpClient.newHttpClient();
            String storeMeter = "rocksdb_state_id=\"" + TrainingTopology.HOLDOUT_STORE + "\"";
            KafkaReads.await(REFRESH_TIMEOUT, "the RocksDB stores' meters in the scrape", () -> {
                if (!app.isAlive()) {
                    throw new AssertionError("eddy run died:\n" + app.log());
                }
                return scrape(http, metrics).contains(storeMeter);
            });
            // Left out on purpose (PrometheusLintNames): Prometheus would refuse their tag keys.
            assertThat(scrape(http, metrics)).doesNotContain(ScoringTopology.SNAPSHOT_STORE);
            assertThat(app.stop(Duration.ofSeconds(60))).as(app.log()).isEqualTo(AppProcess.EXIT_SIGTERM);
            assertThat(app.log().lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")))
                    .as(app.log())
                    .isEmpty();
        }
    }

    private static String scrape(HttpClient http, URI metrics) {
        try {
            return http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            return "";
        }
    }
}
