package dev.eddy.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.broker.EmbeddedBroker;
import dev.eddy.cli.Eddy;
import dev.eddy.config.EddyConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eddy predict} through Kafka when a topic is missing or a row cannot be sent: it fails saying so. */
class PredictOnBrokerTest {

    private static EmbeddedBroker broker;

    @TempDir
    Path dir;

    private record Result(int exitCode, String err, long millis) {}

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(0, null);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static void create(String topic) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(Set.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    /** {@code eddy predict} of two rows through the broker with a 10 s timeout, topics named {@code prefix.*}. */
    private Result predict(String prefix, String... more) throws Exception {
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, "x0,x1\n1,2\n3,4\n");
        List<String> args = new ArrayList<>(List.of(
                "predict",
                "--model",
                "m",
                "--csv",
                csv.toString(),
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--features-topic",
                prefix + ".features",
                "--predictions-topic",
                prefix + ".predictions",
                "--timeout",
                "10"));
        args.addAll(List.of(more));
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int code = Eddy.execute(
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args.toArray(String[]::new));
        return new Result(code, err.toString(), (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void aMissingPredictionsTopicIsNamed() throws Exception {
        Result r = predict("none");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("topic none.predictions does not exist");
    }

    @Test
    void aMissingFeaturesTopicIsNamedBeforeAnyRowIsSent() throws Exception {
        create("half.predictions");
        Result r = predict("half");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("topic half.features does not exist");
        assertThat(r.millis()).isLessThan(10_000);
    }

    @Test
    void rowsThatCannotBeSentAreReported() throws Exception {
        create("small.predictions");
        create("small.features");
        Result r = predict("small", "--set", "kafka.max.request.size=10");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err())
                .contains("2 of 2 rows were not written to small.features")
                .contains("RecordTooLarge");
    }

    @Test
    void aSendWaitsForMetadataNoLongerThanTheTimeout() {
        EddyConfig config = EddyConfig.forClients(null, Map.of());
        assertThat(PredictCommand.producerProperties(config, Duration.ofSeconds(10)))
                .containsEntry("max.block.ms", "10000");
        EddyConfig shorter = EddyConfig.forClients(null, Map.of("kafka.max.block.ms", "500"));
        assertThat(PredictCommand.producerProperties(shorter, Duration.ofSeconds(10)))
                .containsEntry("max.block.ms", "500");
    }
}
