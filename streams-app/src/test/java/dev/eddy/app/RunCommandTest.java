package dev.eddy.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new RunCommand())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
    }

    @Test
    void helpListsEveryOption() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString())
                .startsWith("Usage: run ")
                .contains(
                        "--bootstrap-servers",
                        "--config",
                        "--set",
                        "--metrics-port",
                        "--metrics-host",
                        "--state-dir",
                        "Default: 9464",
                        "Default: 127.0.0.1");
    }

    @Test
    void aBadConfigurationKeyFailsBeforeAnythingStarts() {
        int code = run("--set", "model.m.input-size=2", "--set", "model.m.layers=1:sigmoid", "--set", "snapshots=1");
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("unknown key 'snapshots'");
        assertThat(out.toString()).doesNotContain("embedded");
    }

    @Test
    void aConfigurationWithoutModelsIsRefused() {
        assertThat(run("--bootstrap-servers", "127.0.0.1:1")).isNotZero();
        assertThat(err.toString()).contains("no model configured");
    }

    @Test
    void aMetricsPortOutOfRangeIsAUsageError() {
        assertThat(run("--metrics-port", "70000", "--set", "model.m.input-size=2", "--set", "model.m.layers=1:sigmoid"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--metrics-port must be in [0, 65535], got 70000");
    }
}
