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
import dev.eddy.topology.ModelPartitions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end on a real broker, through {@link EddyApp}: model tgt warm-starts from model src of the same application,
 * which has no snapshot at the start. The start goes on and says so; tgt's examples, produced before any of src's, are
 * held (tgt's committed status says it waits); src's first snapshot releases tgt, which starts from it and trains on
 * every held example once. Both models train in one task (one input partition), or in different tasks of two input
 * partitions, where tgt's task reads src's snapshot from the snapshot topic (with serving off through the global
 * store the training topology adds, with serving on through the scoring topology's).
 */
class WarmStartWaitOnBrokerTest {

    private static final int PARTITIONS = 2;

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    @TempDir
    Path dir;

    private Map<String, String> settings(String app, boolean serving) {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", app);
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put("state.dir", dir.resolve(app).toString());
        for (String topic :
                List.of("examples", "snapshots", "metrics", "dead-letters", "commands", "features", "predictions")) {
            s.put("topic." + topic, app + "." + topic);
        }
        s.put("serving.enabled", Boolean.toString(serving));
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
        holdsThenTrainsItsHeldExamplesOnce(
                app,
                false,
                "model tgt: warm start from model src, which trains in this application and has no snapshot on topic "
                        + app + ".snapshots yet");
    }

    /**
     * @param serving whether the application also serves: tgt's task then reads the scoring topology's global
     *     snapshot store, else the one the training topology adds for it
     */
    @ParameterizedTest(name = "serving.enabled={0}")
    @ValueSource(booleans = {false, true})
    void theTargetInAnotherTaskTakesTheSourcesFirstSnapshotFromTheTopicAndTrainsItsHeldExamplesOnce(boolean serving)
            throws Exception {
        String app = "wait-across-" + serving;
        ModelPartitions placed = new ModelPartitions(PARTITIONS);
        assertThat(placed.of("src")).as("src and tgt in different tasks").isNotEqualTo(placed.of("tgt"));
        kafka.admin()
                .createTopics(List.of(
                        new NewTopic(app + ".examples", PARTITIONS, (short) 1),
                        new NewTopic(app + ".commands", PARTITIONS, (short) 1)))
                .all()
                .get();
        holdsThenTrainsItsHeldExamplesOnce(
                app,
                serving,
                "model tgt: warm start from model src, which trains in this application (in the task of partition "
                        + placed.of("src") + ", tgt in that of partition " + placed.of("tgt")
                        + " of 2: the snapshot reaches tgt's task through the topic) and has no snapshot on topic "
                        + app + ".snapshots yet");
    }

    /**
     * Starts application {@code app}, checks that its start line begins with {@code startLine}, produces 200 examples
     * of tgt (held: nothing trains) then 100 of src, and checks that tgt trained on exactly its held examples from
     * src's v0.
     */
    private void holdsThenTrainsItsHeldExamplesOnce(String app, boolean serving, String startLine) throws Exception {
        List<String> progress = new CopyOnWriteArrayList<>();
        TrainingStreams target = TrainingStreams.breastCancer(200, "tgt");
        TrainingStreams source = TrainingStreams.breastCancer(100, "src");
        try (EddyApp eddy = EddyApp.start(
                EddyConfig.of(settings(app, serving)), new InetSocketAddress("127.0.0.1", 0), progress::add)) {
            assertThat(progress)
                    .anySatisfy(line ->
                            assertThat(line).startsWith(startLine).contains("tgt waits for the first snapshot of src"));
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
