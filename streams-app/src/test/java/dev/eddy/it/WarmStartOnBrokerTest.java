package dev.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.app.RunCommand;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.serde.AvroSerdes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Warm start end to end with {@code eddy run} on a broker: an application trains model src on elec2 rows 1–20,000 and
 * stops (FINAL snapshot); a second application trains tgt, warm-started from src's newest snapshot with its first
 * layer frozen, and cold, the same network from a random initialization, on rows 20,001–21,000. The accuracy of each
 * on these first 1,000 examples (prequential: every example scored before the step on its batch) is printed side by
 * side, and warm must beat cold; tgt's status and snapshots name their source. Before that, starts with a bad source
 * (a version the topic does not hold, a model it has no snapshot of, a file that is not an export) fail naming it,
 * and leave nothing behind.
 */
class WarmStartOnBrokerTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    private static final int SOURCE_ROWS = 20_000;
    private static final int TARGET_ROWS = 1_000;
    private static final Duration STARTED = Duration.ofSeconds(120);
    private static final Duration CAUGHT_UP = Duration.ofSeconds(240);

    @TempDir
    Path dir;

    private static void model(Map<String, String> s, String id) {
        s.put("model." + id + ".input-size", "8");
        s.put("model." + id + ".layers", "32:relu,16:relu,1:sigmoid");
        s.put("model." + id + ".loss", "binary_crossentropy");
        s.put("model." + id + ".optimizer", "adam"); // at its default rate, 0.001
        s.put("model." + id + ".batch-size", "10");
        s.put("model." + id + ".eval-every", "100");
        s.put("model." + id + ".early-stopping.enabled", "false");
        // A drift's fresh challenger could replace tgt by a cold network: the comparison is of the starts alone.
        s.put("model." + id + ".drift.detector", "none");
        s.put("model." + id + ".seed", "7");
    }

    /** An application of its own examples topic, no holdout (every example trains), snapshots only when it stops. */
    private static Map<String, String> application(String id) {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", id);
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put("topic.examples", id + ".examples");
        s.put("topic.metrics", id + ".metrics");
        s.put("topic.dead-letters", id + ".dead-letters");
        s.put("topic.commands", id + ".commands");
        s.put("holdout.fraction", "0");
        s.put("snapshot-every", "0");
        s.put("serving.enabled", "false");
        return s;
    }

    /** tgt warm-starts from {@code source} with its first layer frozen; cold is the same network, cold. */
    private static Map<String, String> target(String key, String source) {
        Map<String, String> s = application("ws-target");
        model(s, "tgt");
        model(s, "cold");
        s.put("model.tgt." + key, source);
        s.put("model.tgt.frozen-layers", "1");
        s.put("model.tgt.warm-start.timeout-ms", "0");
        return s;
    }

    @Test
    void aWarmStartedModelBeatsAColdStartOnItsFirstExamplesAndNamesItsSource() throws Exception {
        assumeTrue(Files.exists(TrainingStreams.ELEC2), "elec2 is not at " + TrainingStreams.ELEC2.toAbsolutePath());
        List<Example> rows =
                TrainingStreams.elec2(SOURCE_ROWS + TARGET_ROWS, null).examples();

        Map<String, String> source = application("ws-source");
        model(source, "src");
        try (AppProcess app = AppProcess.start(
                dir.resolve("source.log"), Runs.STATE_LOGGING, Runs.args(source, dir.resolve("source-state")))) {
            app.awaitMetricsUri(STARTED); // the topics exist
            new TrainingStreams("elec2 rows 1-20,000", 8, rows.subList(0, SOURCE_ROWS))
                    .produce(kafka.bootstrapServers(), "ws-source.examples");
            Runs.awaitCaughtUp(kafka.admin(), "ws-source", "ws-source.examples", CAUGHT_UP, app);
            assertThat(app.stop(Duration.ofSeconds(60))).as(app.log()).isEqualTo(AppProcess.EXIT_SIGTERM);
        }
        List<ModelSnapshot> sourceSnapshots = Runs.snapshots(kafka.bootstrapServers(), "eddy.model-snapshots");
        assertThat(sourceSnapshots).extracting(ModelSnapshot::getModelId).containsOnly("src");
        long version = sourceSnapshots.get(sourceSnapshots.size() - 1).getVersion();

        Path notAnExport = dir.resolve("rows.csv");
        Files.writeString(notAnExport, "date,day,label\n0.1,2,1\n");
        assertThat(refusedStart(target("warm-start.from", "src@" + (version + 5))))
                .contains("model.tgt.warm-start.from=src@" + (version + 5) + ": version " + (version + 5)
                        + " of model 'src' is not on topic eddy.model-snapshots")
                .contains("versions there: "
                        + sourceSnapshots.stream()
                                .map(ModelSnapshot::getVersion)
                                .toList());
        assertThat(refusedStart(target("warm-start.from", "nope")))
                .contains("model.tgt.warm-start.from=nope: no snapshot of model 'nope' on topic eddy.model-snapshots"
                        + " after waiting 0 ms (model.tgt.warm-start.timeout-ms); models with snapshots there: [src]");
        assertThat(refusedStart(target("warm-start.file", notAnExport.toString())))
                .contains("model.tgt.warm-start.file=" + notAnExport + ": not a model in the 'eddy export' format");
        // Nothing of tgt was trained or published by the refused starts.
        assertThat(Runs.snapshots(kafka.bootstrapServers(), "eddy.model-snapshots"))
                .extracting(ModelSnapshot::getModelId)
                .containsOnly("src");
        assertThat(Runs.statuses(kafka.bootstrapServers(), "ws-target")).isEmpty();

        Map<String, String> target = target("warm-start.from", "src");
        String warmStartJson;
        try (AppProcess app = AppProcess.start(
                dir.resolve("target.log"), Runs.STATE_LOGGING, Runs.args(target, dir.resolve("target-state")))) {
            URI metrics = app.awaitMetricsUri(STARTED);
            new TrainingStreams("elec2 rows 20,001-21,000", 8, rows.subList(SOURCE_ROWS, SOURCE_ROWS + TARGET_ROWS))
                    .produce(kafka.bootstrapServers(), "ws-target.examples");
            assertThat(app.log())
                    .contains("model tgt: warm start from model src v" + version + "; 3 of 3 layers copied,"
                            + " frozen-layers=1, standardizer copy; applied when tgt has no state yet and on 'reset"
                            + " tgt'");
            Runs.awaitCaughtUp(kafka.admin(), "ws-target", "ws-target.examples", CAUGHT_UP, app);
            warmStartJson =
                    status(metrics.resolve("/models/tgt")).get("warmStart").toString();
            assertThat(app.stop(Duration.ofSeconds(60))).as(app.log()).isEqualTo(AppProcess.EXIT_SIGTERM);
        }
        assertThat(warmStartJson).isEqualTo("{\"model\":\"src\",\"version\":" + version + "}");
        List<ModelSnapshot> targetSnapshots =
                new ArrayList<>(Runs.snapshots(kafka.bootstrapServers(), "eddy.model-snapshots"));
        targetSnapshots.removeIf(s -> !s.getModelId().equals("tgt"));
        assertThat(targetSnapshots).isNotEmpty().allSatisfy(s -> {
            assertThat(s.getWarmStart().getModel()).isEqualTo("src");
            assertThat(s.getWarmStart().getVersion()).isEqualTo(version);
        });

        double warm = accuracyAfter(TARGET_ROWS, "tgt");
        double cold = accuracyAfter(TARGET_ROWS, "cold");
        System.out.printf(
                "elec2 rows 20,001-21,000, prequential accuracy on the first %d examples: warm-started from src v%d"
                        + " (trained on rows 1-20,000; frozen-layers=1) %.3f, cold %.3f%n",
                TARGET_ROWS, version, warm, cold);
        assertThat(warm).isGreaterThan(cold);
    }

    /** Runs {@code eddy run} in this JVM with {@code settings}; it must fail at start. Returns its error output. */
    private String refusedStart(Map<String, String> settings) throws Exception {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new RunCommand())
                .setOut(new PrintWriter(new StringWriter(), true))
                .setErr(new PrintWriter(err, true))
                .execute(Runs.args(settings, dir.resolve("refused-state")).toArray(String[]::new));
        assertThat(exit).as(err.toString()).isNotZero();
        return err.toString();
    }

    /** The prequential accuracy of {@code modelId} over its first {@code examples} examples (metrics topic). */
    private static double accuracyAfter(int examples, String modelId) {
        for (var r : KafkaReads.readAll(
                kafka.bootstrapServers(),
                "ws-target.metrics",
                new StringDeserializer(),
                AvroSerdes.trainingMetrics().deserializer())) {
            TrainingMetrics m = r.value();
            if (m.getModelId().equals(modelId) && m.getExamplesSeen() == examples && m.getEvent() == null) {
                return m.getPrequentialMetric();
            }
        }
        throw new AssertionError("no metrics record of " + modelId + " at " + examples + " examples");
    }

    private static JsonNode status(URI uri) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }
}
