package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Bad values of {@code eddy stream}'s flags are usage errors (exit 2) naming the flag, refused before any broker. */
class StreamUsageTest {

    @Test
    void aNegativeRateIsAUsageError() {
        Cli stream = Cli.run("stream", "--model", "m", "--rate", "-1", "--bootstrap-servers", "127.0.0.1:1");
        assertThat(stream.exitCode()).as(stream.err()).isEqualTo(Eddy.EXIT_USAGE);
        assertThat(stream.err()).contains("--rate", "-1");
    }

    @Test
    void aNegativeExampleCountIsAUsageError() {
        Cli stream = Cli.run("stream", "--model", "m", "--examples", "-1", "--bootstrap-servers", "127.0.0.1:1");
        assertThat(stream.exitCode()).as(stream.err()).isEqualTo(Eddy.EXIT_USAGE);
        assertThat(stream.err()).contains("--examples", "-1");
    }

    @Test
    void anUnknownDatasetIsAUsageError() {
        Cli stream = Cli.run("stream", "--model", "m", "--dataset", "mnist", "--bootstrap-servers", "127.0.0.1:1");
        assertThat(stream.exitCode()).as(stream.err()).isEqualTo(Eddy.EXIT_USAGE);
        assertThat(stream.err()).contains("mnist", "digits, breast-cancer");
    }
}
