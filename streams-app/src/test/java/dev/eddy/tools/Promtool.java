package dev.eddy.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** {@code promtool check metrics} on a scrape, where promtool is on the PATH; the test is skipped otherwise. */
public final class Promtool {

    private Promtool() {}

    /**
     * Asserts that {@code promtool check metrics} accepts {@code scrape} (exit 1: the exposition does not parse; 3: lint
     * findings, one per line of its report); aborts the test when promtool is not on the PATH. Call it last, so that
     * without promtool only this check is skipped.
     *
     * @param dir a directory for the scrape and promtool's report
     */
    public static void checkMetrics(String scrape, Path dir) throws Exception {
        Optional<Path> promtool = Executables.onPath("promtool");
        Assumptions.assumeTrue(
                promtool.isPresent(),
                "promtool not on the PATH (Debian package prometheus): `promtool check metrics` not run");
        Path input = dir.resolve("scrape.txt");
        Files.writeString(input, scrape, StandardCharsets.UTF_8);
        Path report = dir.resolve("promtool.txt");
        Process p = new ProcessBuilder(promtool.get().toString(), "check", "metrics")
                .redirectInput(input.toFile())
                .redirectErrorStream(true)
                .redirectOutput(report.toFile())
                .start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            List<String> findings = Files.readAllLines(report, StandardCharsets.UTF_8);
            assertThat(p.exitValue())
                    .as("promtool check metrics:%n%s", findings)
                    .isZero();
        } finally {
            p.destroyForcibly();
        }
    }
}
