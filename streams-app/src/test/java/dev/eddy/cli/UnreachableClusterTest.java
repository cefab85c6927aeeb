package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command that talks to Kafka, pointed at a closed port on loopback, fails (exit 1) within its bound on the
 * cluster's first answer, naming the address it tried and what to check, and not the secrets of its settings. The
 * Kafka clients alone waited up to a minute per call, then failed naming no address.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UnreachableClusterTest {

    /** Nothing listens here. */
    private static final String NO_BROKER = "127.0.0.1:1";

    private static final String SECRET = "eddy-secret-unreachable";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"topics", "produce", "stream", "snapshots", "export", "predict", "run"})
    void aCommandNamesTheClusterItCannotReach(String command) throws Exception {
        Path rows = Files.writeString(dir.resolve("rows.csv"), "x0,x1\n0.5,1.0\n");
        List<String> args = new ArrayList<>(List.of(command, "--bootstrap-servers", NO_BROKER));
        args.addAll(
                switch (command) {
                    case "produce" -> List.of("--dataset", "diabetes");
                    case "stream" -> List.of("--model", "m", "--examples", "1");
                    case "export" -> List.of(
                            "--model", "m", "--out", dir.resolve("m.bin").toString());
                    case "predict" -> List.of("--model", "m", "--csv", rows.toString());
                    case "run" -> List.of(
                            "--set",
                            "model.m.input-size=2",
                            "--set",
                            "model.m.layers=1:sigmoid",
                            "--metrics-port",
                            "0",
                            "--state-dir",
                            dir.resolve("state").toString());
                    default -> List.of();
                });
        // PLAINTEXT ignores the JAAS entry: the contact fails on the address alone
        args.addAll(List.of(
                "--set",
                "bootstrap.timeout-ms=2000",
                "--set",
                "kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"eddy\" password=\"" + SECRET + "\";"));
        Cli cli = Cli.run(args.toArray(String[]::new));
        assertThat(cli.exitCode()).as(cli.err()).isEqualTo(Eddy.EXIT_FAILURE);
        assertThat(cli.errLines().get(0))
                .startsWith("eddy " + command + ": error: no answer from the Kafka cluster at " + NO_BROKER
                        + " (bootstrap.servers) within 2000 ms: check the address and port, that a broker listens"
                        + " there, and the security settings");
        assertThat(cli.out() + cli.err()).doesNotContain(SECRET);
    }

    /** Without bootstrap.timeout-ms a command waits 15 s; a command's --timeout bounds the wait when shorter. */
    @Test
    void theWaitIsTheDefaultOrTheCommandsShorterTimeout() {
        Cli topics = Cli.run("topics", "--bootstrap-servers", NO_BROKER);
        assertThat(topics.exitCode()).as(topics.err()).isEqualTo(Eddy.EXIT_FAILURE);
        assertThat(topics.err()).contains("at " + NO_BROKER + " (bootstrap.servers) within 15000 ms");
        Cli snapshots = Cli.run("snapshots", "--bootstrap-servers", NO_BROKER, "--timeout", "1");
        assertThat(snapshots.exitCode()).as(snapshots.err()).isEqualTo(Eddy.EXIT_FAILURE);
        assertThat(snapshots.err()).contains("at " + NO_BROKER + " (bootstrap.servers) within 1000 ms");
    }
}
