package dev.eddy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.report.TrainingReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The demo end to end: embedded broker, the real application (its progress header names the live console's URL),
 * early stopping, summary and report.
 */
class DemoCommandTest {

    @Test
    void digitsDemoStopsEarlyAndWritesTheReport(@TempDir Path dir) throws Exception {
        // A smaller network and patience than the default, so the test stays short; the mechanism is the same.
        Path model = dir.resolve("model.properties");
        Files.writeString(model, "layers=64:relu,10:softmax\nearly-stopping.patience=4\nlearning-rate=0.003\n");
        Path report = dir.resolve("report");
        StringWriter out = new StringWriter();
        int code = new CommandLine(new DemoCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(new PrintWriter(out, true))
                .execute(
                        "--examples",
                        "40000",
                        "--model",
                        model.toString(),
                        "--report",
                        report.toString(),
                        "--metrics-port",
                        "0");

        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString()).contains("STOPPED EARLY", "early stopping fired at step", "bias/variance:");
        assertThat(out.toString())
                .as("the progress header points to the live console")
                .containsPattern("(?m)^console http://127\\.0\\.0\\.1:[1-9][0-9]*/ \\(live charts");
        JsonNode json =
                new ObjectMapper().readTree(report.resolve(TrainingReport.JSON).toFile());
        JsonNode summary = json.get("summary");
        assertThat(summary.get("stoppedEarly").asBoolean()).isTrue();
        assertThat(summary.get("examples").asLong()).isBetween(1L, 40_000L);
        assertThat(summary.get("metric").asText()).isEqualTo("accuracy");
        assertThat(summary.get("bestMetric").asDouble()).isGreaterThan(0.8);
        assertThat(json.get("evaluations").size())
                .isEqualTo(summary.get("evaluations").asInt());
        for (String png : new String[] {
            TrainingReport.LOSS_PLOT,
            TrainingReport.METRIC_PLOT,
            TrainingReport.LEARNING_RATE_PLOT,
            TrainingReport.THROUGHPUT_PLOT
        }) {
            assertThat(report.resolve(png)).isNotEmptyFile();
        }
    }
}
