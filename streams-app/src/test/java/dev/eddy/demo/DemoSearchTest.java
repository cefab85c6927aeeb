package dev.eddy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code eddy demo --search}: the leaderboard live on the embedded broker, the strategy's default and its check. */
class DemoSearchTest {

    @Test
    void searchDemoShowsTheLeaderboardWithItsChampion(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new DemoCommand())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(
                        "--search",
                        "--examples",
                        "2500",
                        "--report",
                        dir.resolve("report").toString(),
                        "--metrics-port",
                        "0");

        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString())
                .as("a leaderboard row of a trial, and the champion marked")
                .containsPattern("(?m)^  demo~t[0-9]{2} +(running|paused|completed) ")
                .containsPattern(
                        "(?m)^\\* demo~t[0-9]{2} +(running|completed) +[-0-9]+ +[0-9.]+ +[0-9,]+  batch=[0-9]+ layers=")
                .containsPattern("(?m)^search asha over 16 trials: champion demo~t[0-9]{2} \\(batch=");
    }

    @Test
    void strategyDefaultsToAsha() {
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs("--search", "--examples", "10");
        assertThat(demo.search).isEqualTo("asha");
        new CommandLine(demo).parseArgs("--search", "pbt");
        assertThat(demo.search).isEqualTo("pbt");
    }

    @Test
    void unknownStrategyIsAUsageError() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new DemoCommand())
                .setErr(new PrintWriter(err, true))
                .execute("--search", "nonsense");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString())
                .contains("--search must be one of grid, random, zoom, asha, hyperband, pbt, got 'nonsense'");
    }
}
