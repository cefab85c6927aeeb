package dev.eddy.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.config.EddyConfig;
import dev.eddy.it.EmbeddedKafka;
import dev.eddy.it.KafkaReads;
import dev.eddy.it.Runs;
import dev.eddy.it.TrainingStreams;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.WarmStartSource;
import dev.eddy.state.WarmStartWait;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a real broker, through {@link EddyApp}: model tgt warm-starts from model src of the same application,
 * which has no snapshot at the start. The start goes on and says so; tgt's examples, produced before any of src's, are
 * held (tgt's committed status says it waits); src's first snapshot releases tgt, which starts from it and trains on
 * every held example once.
 */
class WarmStartWaitOnBrokerTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    @TempDir
    Path dir;

    private Map<String, String> settings(String app) {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", app);
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put("state.dir", dir.resolve(app).toString());
        for (String topic : List.of("examples", "snapshots", "metrics", "dead-letters", "commands")) {
            s.put("topic." + topic, app + "." + topic);
        }
        s.put("serving.enabled", "false");
        s.put("holdout.fraction", "0");
        s.put("snapshot-every", "5");
        for (String model : List.of("src", "tgt")) {
            s.put("model." + model + ".input-size", "30");
            s.put("model." + model + ".layers", "8:relu,1:sigmoid");
            s.put("model." + model + ".batch-size", "16");
        }
        s.put("model.tgt.warm-start.from", "src");
        s.put("model.tgt.frozen-layers", "1");
        return s;
    }

    @Test
    void theTargetWaitsForTheSourcesFirstSnapshotAndTrainsItsHeldExamplesOnce() throws Exception {
        String app = "wait-a";
        List<String> progress = new CopyOnWriteArrayList<>();
        TrainingStreams target = TrainingStreams.breastCancer(200, "tgt");
        TrainingStreams source = TrainingStreams.breastCancer(100, "src");
        try (EddyApp eddy =
                EddyApp.start(EddyConfig.of(settings(app)), new InetSocketAddress("127.0.0.1", 0), progress::add)) {
            assertThat(progress).anySatisfy(line -> assertThat(line)
                    .startsWith("model tgt: warm start from model src, which trains in this application and"
                            + " has no snapshot on topic wait-a.snapshots yet")
                    .contains("tgt waits for the first snapshot of src"));
            assertThat(eddy.awaitRunning(Duration.ofSeconds(60))).isTrue();
            target.produce(kafka.bootstrapServers(), app + ".examples");
            KafkaReads.await(Duration.ofSeconds(60), "tgt holding 200 examples", () -> {
                ModelStatus s = Runs.statuses(kafka.bootstrapServers(), app).get("tgt");
                return s != null && new WarmStartWait("src", 200, 10_000).equals(s.waiting());
            });
            assertThat(Runs.counted(eddy)).as("nothing trained while waiting").isZero();
            assertThat(Runs.snapshots(kafka.bootstrapServers(), app + ".snapshots"))
                    .isEmpty();

            source.produce(kafka.bootstrapServers(), app + ".examples");
            KafkaReads.await(Duration.ofSeconds(60), "300 examples trained", () -> Runs.counted(eddy) == 300);
        }
        List<ModelSnapshot> snapshots = Runs.snapshots(kafka.bootstrapServers(), app + ".snapshots");
        List<ModelSnapshot> tgt =
                snapshots.stream().filter(s -> s.getModelId().equals("tgt")).toList();
        assertThat(tgt).isNotEmpty().allSatisfy(s -> {
            assertThat(s.getWarmStart().getModel()).isEqualTo("src");
            assertThat(s.getWarmStart().getVersion()).isZero();
        });
        // 200 held examples in batches of 16: 12 steps, 192 examples trained, 8 in the partial batch
        assertThat(tgt.get(tgt.size() - 1).getExamplesSeen()).isEqualTo(192);
        ModelStatus status = Runs.statuses(kafka.bootstrapServers(), app).get("tgt");
        assertThat(status.waiting()).isNull();
        assertThat(status.examplesTrained()).isEqualTo(192);
        assertThat(status.warmStart()).isEqualTo(WarmStartSource.snapshot("src", 0));
    }
}
