package dev.eddy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Precedence of the shared {@code --config}/{@code --set} options: flag, then --set, then the file, then the default. */
class ConfigOptionsTest {

    @TempDir
    Path dir;

    @Command(name = "host")
    static final class Host {
        @Mixin
        ConfigOptions options;
    }

    private ConfigOptions parse(String... args) {
        Host host = new Host();
        new CommandLine(host).parseArgs(args);
        return host.options;
    }

    private Path file(String... lines) throws Exception {
        Path f = dir.resolve("eddy.properties");
        Files.write(f, List.of(lines));
        return f;
    }

    @Test
    void aFlagWinsOverSetWhichWinsOverTheFileWhichWinsOverTheDefault() throws Exception {
        Path f = file("topic.examples=from-file", "bootstrap.servers=file:9092");
        List<String> withFileAndSet = List.of("--config", f.toString(), "--set", "topic.examples=from-set");
        Map<String, String> flag = ConfigOptions.flags("topic.examples", "from-flag");
        Map<String, String> noFlag = ConfigOptions.flags("topic.examples", null);

        assertThat(parse(withFileAndSet.toArray(String[]::new))
                        .clients(flag)
                        .topics()
                        .examples())
                .isEqualTo("from-flag");
        assertThat(parse(withFileAndSet.toArray(String[]::new))
                        .clients(noFlag)
                        .topics()
                        .examples())
                .isEqualTo("from-set");
        assertThat(parse("--config", f.toString()).clients(noFlag).topics().examples())
                .isEqualTo("from-file");
        assertThat(parse().clients(noFlag).topics().examples()).isEqualTo("eddy.examples");

        EddyConfig fromFile = parse("--config", f.toString()).clients(noFlag);
        assertThat(fromFile.bootstrapServers()).isEqualTo("file:9092");
        assertThat(fromFile.isSet("bootstrap.servers")).isTrue();
        assertThat(parse().clients(noFlag).isSet("bootstrap.servers")).isFalse();
        assertThat(parse("--set", "bootstrap.servers=set:9092").clients(noFlag).isSet("bootstrap.servers"))
                .as("no embedded broker for run, topics and produce")
                .isTrue();
    }

    @Test
    void clientsReadTheApplicationsFileIgnoringItsModels() throws Exception {
        Path f = file(
                "bootstrap.servers=b:9092",
                "snapshot.max-bytes=2097152",
                "topic.snapshots=snaps",
                "kafka.security.protocol=SASL_SSL",
                "model.m.input-size=2",
                "model.m.layers=1:sigmoidx");
        ConfigOptions options = parse("--config", f.toString());

        EddyConfig clients = options.clients(Map.of());
        assertThat(clients.models()).isEmpty();
        assertThat(clients.snapshotMaxBytes()).isEqualTo(2_097_152);
        assertThat(clients.topics().snapshots()).isEqualTo("snaps");
        assertThat(clients.topicNamed("eddy.model-snapshots")).isEqualTo("snaps");
        assertThat(clients.clientProperties())
                .containsEntry("bootstrap.servers", "b:9092")
                .containsEntry("security.protocol", "SASL_SSL");
        // The application validates the models the clients ignore.
        assertThatThrownBy(() -> options.application(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sigmoidx");
        // No model is needed by a client, but every other key is checked as for the application.
        assertThat(parse().clients(Map.of()).models()).isEmpty();
        assertThatThrownBy(() -> parse("--set", "topic.exampels=x").clients(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown key 'topic.exampels'")
                .hasMessageContaining("topic.examples");
    }

    @Test
    void flagsLeaveOutTheFlagsNotGiven() {
        assertThat(ConfigOptions.flags("a", "1", "b", null)).isEqualTo(Map.of("a", "1"));
        assertThatThrownBy(() -> ConfigOptions.flags("a"))
                .hasMessageContaining("expected key, value pairs, got 1 strings");
    }
}
