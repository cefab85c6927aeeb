package dev.eddy.topology;

import static dev.eddy.topology.WarmStartTrainingTest.both;
import static dev.eddy.topology.WarmStartTrainingTest.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.config.EddyConfig;
import dev.eddy.lifecycle.SnapshotLog;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.serving.SnapshotModels;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.WarmStartSource;
import dev.eddy.state.WarmStartWait;
import dev.eddy.warmstart.ResolvedWarmStart;
import dev.eddy.warmstart.WarmStartResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model warm-started from a model of the same task that has no snapshot yet, through the production topology: it
 * waits, holds its inputs in order, starts from the source's first snapshot when the source publishes it and trains on
 * the held inputs once, before anything newer; exactly across a restart while it waits; bounded.
 */
class WarmStartWaitTest {

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    /** The examples of src up to its first snapshot (one step of 4 examples), and that snapshot v0. */
    private static final List<Example> SOURCE = TrainingFixture.blobs(4, 1, "src");

    private static ModelSnapshot first;

    @BeforeAll
    static void theSourcesFirstSnapshot() {
        try (TrainingFixture f = new TrainingFixture(source(), shared.resolve("src"))) {
            f.pipe(SOURCE);
            first = f.snapshots.readValuesToList().get(0);
        }
        assertThat(first.getVersion()).isZero();
    }

    private static List<Example> target(int n, long seed) {
        return TrainingFixture.blobs(n, seed, "tgt");
    }

    /** The reference: tgt warm-started from src's first snapshot as if it had been on the topic at the start. */
    private static Map<String, ResolvedWarmStart> fromTheFirstSnapshot() {
        return Map.of(
                "tgt",
                new ResolvedWarmStart(
                        "warm-start.from=src",
                        WarmStartSource.snapshot("src", 0),
                        SnapshotModels.inferenceModel(first),
                        true));
    }

    @Test
    void theStartReportsTheWaitInItsTaskAndAcrossTasks() throws InterruptedException {
        List<String> report = new ArrayList<>();
        assertThat(new WarmStartResolver(EddyConfig.of(both()), () -> new SnapshotLog(List.of(), 0), report::add)
                        .resolve())
                .isEmpty();
        assertThat(report)
                .containsExactly("model tgt: warm start from model src, which trains in this application and has no"
                        + " snapshot on topic eddy.model-snapshots yet; 1 of 2 layers copied, frozen-layers=1,"
                        + " standardizer copy; without state, tgt waits for the first snapshot of src and holds its"
                        + " inputs meanwhile, at most 10000 (model.tgt.warm-start.max-held-examples; each one beyond"
                        + " goes to the dead-letter topic)");

        int count = 2;
        while (new ModelPartitions(count).of("src") == new ModelPartitions(count).of("tgt")) {
            count++;
        }
        ModelPartitions apart = new ModelPartitions(count);
        report.clear();
        assertThat(new WarmStartResolver(EddyConfig.of(both()), apart, () -> new SnapshotLog(List.of(), 0), report::add)
                        .resolve())
                .isEmpty();
        assertThat(report)
                .containsExactly("model tgt: warm start from model src, which trains in this application (in the task"
                        + " of partition " + apart.of("src") + ", tgt in that of partition " + apart.of("tgt")
                        + " of " + count + ": the snapshot reaches tgt's task through the topic) and has no snapshot"
                        + " on topic eddy.model-snapshots yet; 1 of 2 layers copied, frozen-layers=1, standardizer"
                        + " copy; without state, tgt waits for the first snapshot of src and holds its inputs"
                        + " meanwhile, at most 10000 (model.tgt.warm-start.max-held-examples; each one beyond goes to"
                        + " the dead-letter topic)");

        Map<String, String> wider = both();
        wider.put("model.tgt.input-size", "3");
        assertThatThrownBy(() -> new WarmStartResolver(
                                EddyConfig.of(wider), () -> new SnapshotLog(List.of(), 0), line -> {})
                        .resolve())
                .hasMessageStartingWith("model.tgt.warm-start.from=src resolves to the first snapshot of model src"
                        + " (awaited), but cannot warm-start from a model with input size 2");
    }

    /**
     * tgt's examples arrive before src has published anything: they are held (no tgt snapshot, status "waiting");
     * src's first snapshot releases tgt, which then holds exactly the trainer state of a tgt warm-started from that
     * snapshot at the start and fed the same examples: each held example trained once, in arrival order.
     */
    @Test
    void waitsHoldsAndTrainsTheHeldExamplesOnceFromTheSourcesFirstSnapshot() {
        List<Example> held = target(10, 2);
        List<Example> later = target(6, 3);
        byte[] waited;
        List<ModelSnapshot> waitedSnapshots;
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("waited"), Map.of())) {
            f.pipe(held);
            f.command("resume tgt");
            assertThat(f.snapshots.readValuesToList()).isEmpty();
            assertThat(f.status("tgt")).isEqualTo(ModelStatus.waiting("tgt", new WarmStartWait("src", 11, 10_000)));
            assertThat(f.storedSlots(TrainingTopology.TRAINER_STATE_STORE, "tgt/warm-start-wait"))
                    .isEqualTo(11);

            f.pipe(SOURCE);
            List<ModelSnapshot> published = f.snapshots.readValuesToList();
            assertThat(published.get(0).getModelId()).isEqualTo("src");
            assertThat(published.get(0).getParameters()).isEqualTo(first.getParameters());
            // released right after src's step: 8 of the 10 held examples trained (two steps), 2 in the batch
            assertThat(published).extracting(ModelSnapshot::getModelId).containsExactly("src", "tgt", "tgt");
            ModelStatus released = f.status("tgt");
            assertThat(released.waiting()).isNull();
            assertThat(released.examplesTrained()).isEqualTo(8);
            assertThat(released.warmStart()).isEqualTo(WarmStartSource.snapshot("src", 0));
            f.snapshots.readValuesToList();

            assertThat(f.storedSlots(TrainingTopology.TRAINER_STATE_STORE, "tgt/warm-start-wait"))
                    .isZero();
            f.pipe(later);
            waited = f.trainerState("tgt");
            waitedSnapshots = f.snapshots.readValuesToList();
            assertThat(f.status("tgt").examplesTrained()).isEqualTo(16);
            assertThat(waitedSnapshots)
                    .hasSize(2)
                    .allSatisfy(s -> assertThat(s.getWarmStart().getVersion()).isZero());
        }
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("reference"), fromTheFirstSnapshot())) {
            f.pipe(held);
            f.command("resume tgt");
            List<ModelSnapshot> beforeLater = f.snapshots.readValuesToList();
            f.pipe(later);
            assertThat(f.trainerState("tgt")).isEqualTo(waited);
            List<ModelSnapshot> reference = f.snapshots.readValuesToList();
            assertThat(reference).hasSameSizeAs(waitedSnapshots);
            for (int i = 0; i < reference.size(); i++) {
                assertThat(waitedSnapshots.get(i).getParameters())
                        .isEqualTo(reference.get(i).getParameters());
            }
            assertThat(beforeLater).hasSize(2);
        }
    }

    /**
     * A restart while tgt waits (its held examples and its waiting status restored from the changelogs) ends in the
     * same trainer state and snapshots as the run that never stopped; nothing stays held.
     */
    @Test
    void aRestartWhileWaitingContinuesExactly() {
        List<Example> before = target(7, 4);
        List<Example> after = target(9, 5);
        byte[] whole;
        List<ModelSnapshot> wholeSnapshots;
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("whole"), Map.of())) {
            f.pipe(before);
            f.pipe(SOURCE);
            f.pipe(after);
            whole = f.trainerState("tgt");
            wholeSnapshots = f.snapshots.readValuesToList();
        }
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        List<ModelSnapshot> pieces = new ArrayList<>();
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("first"), Map.of())) {
            f.pipe(before);
            pieces.addAll(f.snapshots.readValuesToList());
            changelogs = f.changelogs();
        }
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("second"), Map.of())) {
            f.restore(changelogs);
            assertThat(f.status("tgt").waiting()).isEqualTo(new WarmStartWait("src", 7, 10_000));
            f.pipe(SOURCE);
            f.pipe(after);
            assertThat(f.trainerState("tgt")).isEqualTo(whole);
            assertThat(f.storedSlots(TrainingTopology.TRAINER_STATE_STORE, "tgt/warm-start-wait"))
                    .as("held inputs left")
                    .isZero();
            pieces.addAll(f.snapshots.readValuesToList());
        }
        assertThat(pieces).hasSameSizeAs(wholeSnapshots);
        for (int i = 0; i < pieces.size(); i++) {
            assertThat(pieces.get(i).getModelId())
                    .isEqualTo(wholeSnapshots.get(i).getModelId());
            assertThat(pieces.get(i).getParameters())
                    .isEqualTo(wholeSnapshots.get(i).getParameters());
        }
    }

    /**
     * After a restart while tgt waits, with no input of tgt since, src's first snapshot releases tgt right after the
     * record that caused it, as in the run that never stopped: not at the next look at the wall clock, which would put
     * tgt's snapshots after later ones of src.
     */
    @Test
    void aRestartWhileWaitingReleasesRightAfterTheSourcesFirstSnapshot() {
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("first"), Map.of())) {
            f.pipe(target(7, 4));
            changelogs = f.changelogs();
        }
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("second"), Map.of())) {
            f.restore(changelogs);
            f.pipe(SOURCE);
            assertThat(f.status("tgt").waiting()).as("tgt's wait").isNull();
            assertThat(f.storedSlots(TrainingTopology.TRAINER_STATE_STORE, "tgt/warm-start-wait"))
                    .as("held inputs left")
                    .isZero();
            assertThat(f.status("tgt").examplesTrained())
                    .as("one batch of 4, 3 in the partial batch")
                    .isEqualTo(4);
        }
    }

    /**
     * Beyond {@code warm-start.max-held-examples} each input goes to the dead-letter topic with the reason; the held
     * ones are trained on once the source publishes.
     */
    @Test
    void inputsBeyondTheBoundGoToTheDeadLetterTopic() {
        try (TrainingFixture f = new TrainingFixture(
                both("model.tgt.warm-start.max-held-examples", "3"), dir.resolve("bound"), Map.of())) {
            f.pipe(target(5, 6));
            List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertThat(dead)
                    .extracting(r -> TrainingFixture.header(r, "eddy.dlq.reason"))
                    .containsExactly("warm-start-wait", "warm-start-wait");
            assertThat(TrainingFixture.header(dead.get(0), "eddy.dlq.detail"))
                    .isEqualTo("model 'tgt' waits for the first snapshot of model 'src' and holds 3 inputs already"
                            + " (model.tgt.warm-start.max-held-examples=3)");
            assertThat(f.events).containsExactly("dead-letter warm-start-wait", "dead-letter warm-start-wait");
            assertThat(f.status("tgt").waiting()).isEqualTo(new WarmStartWait("src", 3, 3));

            f.pipe(SOURCE);
            f.pipe(target(1, 7));
            assertThat(f.status("tgt").examplesTrained()).isEqualTo(4);
            assertThat(f.deadLetters.readRecordsToList()).isEmpty();
        }
    }

    /**
     * A model that has state (trained cold) when its warm start from src is configured does not take src's first
     * snapshot: it keeps its state, and a reset starts it cold, in every run alike.
     */
    @Test
    void aModelWithStateDoesNotTakeTheSourcesFirstSnapshot() {
        Map<String, String> cold = both();
        cold.remove("model.tgt.warm-start.from");
        cold.remove("model.tgt.frozen-layers");
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        try (TrainingFixture f = new TrainingFixture(cold, dir.resolve("cold"), Map.of())) {
            f.pipe(target(4, 10));
            changelogs = f.changelogs();
        }
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("configured"), Map.of())) {
            f.restore(changelogs);
            f.pipe(SOURCE);
            assertThat(f.driver
                            .<String, byte[]>getKeyValueStore(TrainingTopology.TRAINER_STATE_STORE)
                            .get("tgt/warm-start"))
                    .isNull();
            f.command("reset tgt");
            f.pipe(target(4, 11));
            assertThat(f.status("tgt").warmStart()).isNull();
            assertThat(f.status("tgt").examplesTrained()).isEqualTo(4);
        }
    }

    /** A waiting model whose warm start is removed from the configuration starts cold and trains what it held. */
    @Test
    void withoutTheWarmStartKeyAWaitingModelStartsColdWithItsHeldInputs() {
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("waiting"), Map.of())) {
            f.pipe(target(3, 8));
            assertThat(f.status("tgt").waiting()).isEqualTo(new WarmStartWait("src", 3, 10_000));
            changelogs = f.changelogs();
        }
        Map<String, String> cold = both();
        cold.remove("model.tgt.warm-start.from");
        cold.remove("model.tgt.frozen-layers");
        try (TrainingFixture f = new TrainingFixture(cold, dir.resolve("cold"), Map.of())) {
            f.restore(changelogs);
            f.pipe(target(1, 9));
            ModelStatus s = f.status("tgt");
            assertThat(s.waiting()).isNull();
            assertThat(s.warmStart()).isNull();
            assertThat(s.examplesTrained()).isEqualTo(4);
            assertThat(f.storedSlots(TrainingTopology.TRAINER_STATE_STORE, "tgt/warm-start-wait"))
                    .isZero();
        }
    }
}
