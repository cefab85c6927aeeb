package dev.eddy.topology;

import static dev.eddy.topology.WarmStartTrainingTest.both;
import static dev.eddy.topology.WarmStartTrainingTest.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.serving.SnapshotModels;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.WarmStartSource;
import dev.eddy.state.WarmStartWait;
import dev.eddy.warmstart.ResolvedWarmStart;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model warm-started from a model of the same application that trains in another task, through the production
 * topology: the source's first snapshot reaches the waiting model's task only through the snapshot topic (piped in
 * here, as the source's task would publish it; the source gets no input in this driver), which the trainer reads from
 * the global snapshot store, on the model's next input or on its wall-clock look. It then starts from that snapshot and
 * trains on its held inputs once, in order: the same trainer state as a model warm-started from that snapshot at the
 * start and fed the same inputs; across a restart while it waits as well.
 */
class WarmStartAcrossTasksTest {

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private static ModelSnapshot first;

    @BeforeAll
    static void theSourcesFirstSnapshot() {
        try (TrainingFixture f = new TrainingFixture(source(), shared.resolve("src"))) {
            f.pipe(TrainingFixture.blobs(4, 1, "src"));
            first = f.snapshots.readValuesToList().get(0);
        }
        assertThat(first.getVersion()).isZero();
    }

    private static List<Example> target(int n, long seed) {
        return TrainingFixture.blobs(n, seed, "tgt");
    }

    /** The reference: tgt warm-started from src's first snapshot at the start, fed {@code examples}. */
    private byte[] reference(List<Example> examples) {
        Map<String, ResolvedWarmStart> warm = Map.of(
                "tgt",
                new ResolvedWarmStart(
                        "warm-start.from=src",
                        WarmStartSource.snapshot("src", 0),
                        SnapshotModels.inferenceModel(first),
                        true));
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("reference"), warm)) {
            f.pipe(examples);
            return f.trainerState("tgt");
        }
    }

    private static List<Example> concat(List<Example> a, List<Example> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    /** The snapshot on the topic is taken when the next input of the waiting model arrives, before that input. */
    @Test
    void theNextInputFindsTheSnapshotOnTheTopic() {
        List<Example> held = target(10, 2);
        List<Example> next = target(1, 3);
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("input"), Map.of())) {
            f.pipe(held);
            assertThat(f.status("tgt")).isEqualTo(ModelStatus.waiting("tgt", new WarmStartWait("src", 10, 10_000)));
            f.snapshotsIn.pipeInput("src", first);
            assertThat(f.status("tgt").waiting()).as("nothing looked yet").isNotNull();

            f.pipe(next);
            ModelStatus released = f.status("tgt");
            assertThat(released.waiting()).isNull();
            assertThat(released.warmStart()).isEqualTo(WarmStartSource.snapshot("src", 0));
            assertThat(released.examplesTrained()).isEqualTo(8); // 11 examples in batches of 4: two steps
            assertThat(f.storedSlots(TrainingTopology.TRAINER_STATE_STORE, "tgt/warm-start-wait"))
                    .isZero();
            assertThat(f.snapshots.readValuesToList())
                    .extracting(ModelSnapshot::getModelId)
                    .containsExactly("tgt", "tgt");
            assertThat(f.trainerState("tgt")).isEqualTo(reference(concat(held, next)));
        }
    }

    /** With no further input, the wall-clock look releases the held inputs within a second. */
    @Test
    void theWallClockLookReleasesTheHeldInputsWithoutANewInput() {
        List<Example> held = target(9, 4);
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("look"), Map.of())) {
            f.pipe(held);
            f.driver.advanceWallClockTime(TrainerProcessor.LOOK_INTERVAL);
            assertThat(f.status("tgt").waiting())
                    .as("no snapshot on the topic yet")
                    .isNotNull();

            f.snapshotsIn.pipeInput("src", first);
            f.driver.advanceWallClockTime(TrainerProcessor.LOOK_INTERVAL);
            ModelStatus released = f.status("tgt");
            assertThat(released.waiting()).isNull();
            assertThat(released.warmStart()).isEqualTo(WarmStartSource.snapshot("src", 0));
            assertThat(released.examplesTrained()).isEqualTo(8);
            List<ModelSnapshot> published = f.snapshots.readValuesToList();
            assertThat(published).hasSize(2).allSatisfy(s -> {
                assertThat(s.getModelId()).isEqualTo("tgt");
                assertThat(s.getWarmStart().getModel()).isEqualTo("src");
                assertThat(s.getWarmStart().getVersion()).isZero();
            });
            assertThat(f.trainerState("tgt")).isEqualTo(reference(held));
        }
    }

    /**
     * A restart while waiting restores the held inputs from the changelogs; the snapshot found after it releases
     * them once; a second restart after the release restores the pin and the state, and more examples then continue
     * exactly: every held example trained once in all.
     */
    @Test
    void restartsBeforeAndAfterTheReleaseLoseAndRepeatNothing() {
        List<Example> before = target(7, 5);
        List<Example> after = target(5, 6);
        Map<String, List<KeyValue<byte[], byte[]>>> waiting;
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("first"), Map.of())) {
            f.pipe(before);
            waiting = f.changelogs();
        }
        Map<String, List<KeyValue<byte[], byte[]>>> released;
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("second"), Map.of())) {
            f.restore(waiting);
            assertThat(f.status("tgt").waiting()).isEqualTo(new WarmStartWait("src", 7, 10_000));
            f.snapshotsIn.pipeInput("src", first);
            f.driver.advanceWallClockTime(TrainerProcessor.LOOK_INTERVAL);
            assertThat(f.status("tgt").examplesTrained()).isEqualTo(4);
            released = concatenated(waiting, f.changelogs());
        }
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("third"), Map.of())) {
            f.restore(released);
            // the topic now holds a newer snapshot of src: the pinned v0 stays the warm start
            f.snapshotsIn.pipeInput(
                    "src", ModelSnapshot.newBuilder(first).setVersion(1).build());
            f.pipe(after);
            assertThat(f.status("tgt").waiting()).isNull();
            assertThat(f.status("tgt").warmStart()).isEqualTo(WarmStartSource.snapshot("src", 0));
            assertThat(f.status("tgt").examplesTrained()).isEqualTo(12);
            assertThat(f.trainerState("tgt")).isEqualTo(reference(concat(before, after)));
        }
    }

    /** The changelog records of a first driver followed by those of the one restored from them. */
    private static Map<String, List<KeyValue<byte[], byte[]>>> concatenated(
            Map<String, List<KeyValue<byte[], byte[]>>> a, Map<String, List<KeyValue<byte[], byte[]>>> b) {
        Map<String, List<KeyValue<byte[], byte[]>>> out = new HashMap<>();
        a.forEach((store, records) -> out.put(
                store, Stream.concat(records.stream(), b.get(store).stream()).toList()));
        return out;
    }
}
