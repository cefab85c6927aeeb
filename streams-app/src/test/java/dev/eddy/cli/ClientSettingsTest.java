package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.io.Topics;
import dev.eddy.it.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Kafka-facing command reads {@code eddy run}'s configuration file and {@code --set}: {@code bootstrap.servers}
 * (no embedded broker and no flag needed), the {@code topic.*} names, and the {@code kafka.*} settings, which reach
 * each of its clients (seen through a metrics reporter the file names and a {@code client.id} set with {@code --set}).
 * The file also holds a model the commands ignore.
 */
class ClientSettingsTest {

    private static final String ADMIN = "kafka.admin.client";
    private static final String PRODUCER = "kafka.producer";
    private static final String CONSUMER = "kafka.consumer";

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    @TempDir
    Path dir;

    private Path config;

    @BeforeEach
    void writeTheApplicationsConfiguration() throws Exception {
        RecordingReporter.CLIENTS.clear();
        config = dir.resolve("eddy.properties");
        Files.write(
                config,
                List.of(
                        "bootstrap.servers=" + kafka.bootstrapServers(),
                        "topic.examples=file.examples",
                        "kafka.metric.reporters=" + RecordingReporter.class.getName(),
                        "model.m.input-size=2",
                        "model.m.layers=1:sigmoid"));
    }

    /** {@code eddy <command> --config FILE --set kafka.client.id=<clientId> args...}. */
    private Cli run(String command, String clientId, String... args) {
        List<String> all = new ArrayList<>(
                List.of(command, "--config", config.toString(), "--set", "kafka.client.id=" + clientId));
        all.addAll(List.of(args));
        Cli cli = Cli.run(all.toArray(String[]::new));
        assertThat(cli.out())
                .as("no embedded broker: the file names the cluster")
                .doesNotContain("embedded");
        return cli;
    }

    @Test
    void topics() throws Exception {
        Cli cli = run("topics", "audit-topics", "--set", "topic.commands=set.commands");
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        assertThat(cli.out()).contains("file.examples", "set.commands", Topics.MODEL_SNAPSHOTS);
        assertThat(kafka.admin().listTopics().names().get()).contains("file.examples", "set.commands");
        assertThat(RecordingReporter.CLIENTS).containsExactly(ADMIN + " audit-topics");
    }

    @Test
    void produce() {
        Cli cli = run("produce", "audit-produce", "--dataset", "diabetes");
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        assertThat(cli.out()).contains("produced 442 examples to file.examples");
        assertThat(RecordingReporter.CLIENTS)
                .containsExactlyInAnyOrder(ADMIN + " audit-produce", PRODUCER + " audit-produce");

        Cli set = run("produce", "audit-produce", "--dataset", "diabetes", "--set", "topic.examples=set.examples");
        assertThat(set.out()).as("--set over the file").contains("produced 442 examples to set.examples");
        Cli flag = run(
                "produce",
                "audit-produce",
                "--dataset",
                "diabetes",
                "--set",
                "topic.examples=set.examples",
                "--topic",
                "flag.examples");
        assertThat(flag.out()).as("the flag over --set").contains("produced 442 examples to flag.examples");
    }

    @Test
    void stream() {
        Cli cli = run("stream", "audit-stream", "--model", "m", "--examples", "5", "--rate", "0");
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        assertThat(cli.out()).contains("streamed 5 examples to file.examples");
        assertThat(RecordingReporter.CLIENTS)
                .containsExactlyInAnyOrder(ADMIN + " audit-stream", PRODUCER + " audit-stream");
    }

    @Test
    void snapshotsAndExport() throws Exception {
        Topics.createMissing(kafka.admin(), Topics.defaults(1), Duration.ofSeconds(30));
        Cli snapshots = run("snapshots", "audit-snapshots");
        assertThat(snapshots.exitCode()).as(snapshots.err()).isZero();
        assertThat(snapshots.out()).contains("(no snapshots)");
        // the admin client asks for the cluster's first answer (ClusterContact), the consumer reads the topic
        assertThat(RecordingReporter.CLIENTS)
                .containsExactly(ADMIN + " audit-snapshots", CONSUMER + " audit-snapshots");

        Cli export = run(
                "export",
                "audit-export",
                "--model",
                "m",
                "--out",
                dir.resolve("m.bin").toString());
        assertThat(export.err()).contains("no accepted snapshot of model 'm' in " + Topics.MODEL_SNAPSHOTS);
        assertThat(RecordingReporter.CLIENTS).contains(CONSUMER + " audit-export");
    }

    @Test
    void predict() throws Exception {
        Topics.createMissing(kafka.admin(), Topics.defaults(1), Duration.ofSeconds(30));
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, "x1,x2,label\n0.5,1.5,0\n");
        // No application scores here: the row gets no prediction within the second it may wait.
        Cli cli = run("predict", "audit-predict", "--model", "m", "--csv", csv.toString(), "--timeout", "1");
        assertThat(cli.err()).contains("1 of 1 rows got no prediction");
        assertThat(RecordingReporter.CLIENTS)
                .containsExactlyInAnyOrder(
                        ADMIN + " audit-predict", PRODUCER + " audit-predict", CONSUMER + " audit-predict");
    }
}
