package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.train.Trainer;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.state.ChunkedBytes;
import dev.eddy.state.ModelStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ~1M-parameter Adam model (784-1024-256-10, 1,068,810 parameters, ~25 MB of training state): its state is
 * chunked into records under 1 MB, restored from the changelogs in a new driver, and continues bit-identically.
 */
class LargeModelStateTest {

    @TempDir
    Path dir;

    private static Map<String, String> settings() {
        Map<String, String> s = new HashMap<>();
        s.put("model.big.input-size", "784");
        s.put("model.big.layers", "1024:relu,256:relu,10:softmax");
        s.put("model.big.loss", "categorical_crossentropy");
        s.put("model.big.optimizer", "adam");
        s.put("model.big.batch-size", "2");
        s.put("model.big.eval-every", "1000");
        s.put("model.big.early-stopping.enabled", "false");
        s.put("holdout.fraction", "0");
        s.put("snapshot-every", "2");
        return s;
    }

    private static List<Example> digits(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Double> x = new ArrayList<>(784);
            for (int j = 0; j < 784; j++) {
                x.add(random.nextDouble());
            }
            out.add(Example.newBuilder()
                    .setId("d-" + seed + "-" + i)
                    .setModelId("big")
                    .setFeatures(x)
                    .setClassLabel(random.nextInt(10))
                    .setTarget(null)
                    .setEventTime(Instant.EPOCH)
                    .setWeight(null)
                    .build());
        }
        return out;
    }

    @Test
    void stateIsChunkedBelowTheRecordLimitAndRestoresBitIdentically() {
        List<Example> first = digits(3, 1);
        List<Example> second = digits(3, 2);
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        try (TrainingFixture f = new TrainingFixture(settings(), dir.resolve("a"))) {
            f.pipe(first);
            changelogs = f.changelogs();
        }
        List<KeyValue<byte[], byte[]>> stateRecords = changelogs.get(TrainingTopology.TRAINER_STATE_STORE);
        assertThat(stateRecords).isNotEmpty().allSatisfy(kv -> assertThat(kv.value.length)
                .isLessThanOrEqualTo(ChunkedBytes.DEFAULT_CHUNK_BYTES));

        Trainer reference = Trainer.create(EddyConfigs.model(settings(), "big"));
        List<Example> all = new ArrayList<>(first);
        all.addAll(second);
        for (int b = 0; b + 2 <= all.size(); b += 2) {
            List<Example> batch = all.subList(b, b + 2);
            reference.step(TrainingTopologyTest.features(batch), TrainingTopologyTest.labels(batch));
        }
        try (TrainingFixture f = new TrainingFixture(settings(), dir.resolve("b"))) {
            long start = System.nanoTime();
            f.restore(changelogs);
            f.pipe(second.subList(0, 1));
            long restoreMs = (System.nanoTime() - start) / 1_000_000;
            f.pipe(second.subList(1, 3));
            ModelStatus s = f.status("big");
            assertThat(s.steps()).isEqualTo(3);
            assertThat(s.stateChunks())
                    .isEqualTo(
                            (s.stateBytes() + ChunkedBytes.DEFAULT_CHUNK_BYTES - 1) / ChunkedBytes.DEFAULT_CHUNK_BYTES)
                    .isGreaterThan(40);
            KeyValueStore<String, byte[]> store = f.driver.getKeyValueStore(TrainingTopology.TRAINER_STATE_STORE);
            byte[] state = new ChunkedBytes(store, ChunkedBytes.DEFAULT_CHUNK_BYTES)
                    .read("big", s.stateChunks(), s.stateBytes());
            assertThat(state).isEqualTo(reference.state());
            List<ModelSnapshot> snapshots = f.snapshots.readValuesToList();
            assertThat(snapshots).extracting(ModelSnapshot::getStepsSeen).containsExactly(2L);
            // One snapshot record: 8.6 MB of float64 parameters, within the snapshot topic's record limit.
            int snapshotBytes = AvroSerdes.modelSnapshots().serializer().serialize("t", snapshots.get(0)).length;
            assertThat(snapshotBytes)
                    .isGreaterThan(8 * 1_068_810)
                    .isLessThan(Integer.parseInt(f.config.snapshotTopicConfig().get("max.message.bytes")));
            System.out.printf(
                    "1M-parameter model: state %d bytes in %d chunks; snapshot %d bytes; restore from changelog + first"
                            + " record %d ms%n",
                    s.stateBytes(), s.stateChunks(), snapshotBytes, restoreMs);
        }
    }
}
