package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.config.EddyConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.state.ModelStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Same input → bit-identical snapshots; stop, restore the stores from their changelogs in a new driver and continue
 * → the same as never stopping.
 */
class RestoreAndDeterminismTest {

    @TempDir
    Path dir;

    /** Adam, standardization, dropout, holdout split, evaluations and snapshots: most of the state is exercised. */
    private static Map<String, String> settings(String routing) {
        Map<String, String> s = new HashMap<>(TrainingFixture.logisticModel("m"));
        s.put("routing", routing);
        s.put("model.m.layers", "8:relu:dropout=0.2,1:sigmoid");
        s.put("model.m.optimizer", "adam");
        s.put("model.m.learning-rate", "0.01");
        s.put("model.m.standardize", "true");
        s.put("model.m.eval-every", "2");
        s.put("holdout.fraction", "0.25");
        s.put("holdout.buffer-size", "5");
        s.put("snapshot-every", "3");
        return s;
    }

    private record Run(List<ModelSnapshot> snapshots, List<TrainingMetrics> metrics, ModelStatus status) {}

    /** Runs the segments one after the other, each in a new driver restored from the previous one's changelogs. */
    private static Run run(Path stateDir, List<List<Example>> segments) {
        return run(stateDir, segments, "repartition");
    }

    private static Run run(Path stateDir, List<List<Example>> segments, String routing) {
        List<ModelSnapshot> snapshots = new ArrayList<>();
        List<TrainingMetrics> metrics = new ArrayList<>();
        ModelStatus status = null;
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs = null;
        for (List<Example> segment : segments) {
            try (TrainingFixture f = new TrainingFixture(settings(routing), stateDir)) {
                if (changelogs != null) {
                    f.restore(changelogs);
                }
                f.pipe(segment);
                snapshots.addAll(f.snapshots.readValuesToList());
                metrics.addAll(f.metrics.readValuesToList());
                status = f.status("m");
                changelogs = f.changelogs();
            }
        }
        return new Run(snapshots, metrics, status);
    }

    @Test
    void twoRunsOnTheSameInputGiveBitIdenticalSnapshots() {
        List<Example> input = TrainingFixture.blobs(120, 7, "m");
        Run a = run(dir.resolve("a"), List.of(input));
        Run b = run(dir.resolve("b"), List.of(input));
        assertThat(a.snapshots()).isNotEmpty();
        assertThat(a.snapshots()).hasSameSizeAs(b.snapshots());
        for (int i = 0; i < a.snapshots().size(); i++) {
            assertThat(a.snapshots().get(i).getParameters())
                    .isEqualTo(b.snapshots().get(i).getParameters());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"repartition", "direct"})
    void restartRestoredFromTheChangelogsContinuesExactly(String routing) {
        List<Example> input = TrainingFixture.blobs(120, 11, "m");
        Run whole = run(dir.resolve("whole"), List.of(input), routing);
        // Cut in the middle of a batch (holdout examples make the cut position in the batch irregular).
        Run pieces = run(
                dir.resolve("pieces"),
                List.of(input.subList(0, 37), input.subList(37, 81), input.subList(81, input.size())),
                routing);

        assertThat(pieces.status()).isEqualTo(whole.status());
        assertThat(pieces.snapshots())
                .extracting(ModelSnapshot::getVersion)
                .containsExactlyElementsOf(whole.snapshots().stream()
                        .map(ModelSnapshot::getVersion)
                        .toList());
        assertThat(pieces.snapshots().get(pieces.snapshots().size() - 1).getParameters())
                .isEqualTo(whole.snapshots().get(whole.snapshots().size() - 1).getParameters());
        assertThat(pieces.metrics())
                .extracting(TrainingMetrics::getHoldoutLoss)
                .containsExactlyElementsOf(whole.metrics().stream()
                        .map(TrainingMetrics::getHoldoutLoss)
                        .toList());
        assertThat(whole.status().holdoutReceived()).isPositive();
        assertThat(whole.status().steps()).isGreaterThan(10);
    }

    @Test
    void directRoutingTrainsExactlyAsTheTrainerInputTopic() {
        List<Example> input = TrainingFixture.blobs(120, 13, "m");
        Run repartitioned = run(dir.resolve("repartition"), List.of(input), "repartition");
        Run direct = run(dir.resolve("direct"), List.of(input), "direct");

        assertThat(direct.status()).isEqualTo(repartitioned.status());
        assertThat(direct.snapshots()).hasSameSizeAs(repartitioned.snapshots()).isNotEmpty();
        for (int i = 0; i < direct.snapshots().size(); i++) {
            assertThat(direct.snapshots().get(i))
                    .isEqualTo(repartitioned.snapshots().get(i));
        }
        assertThat(direct.metrics()).isEqualTo(repartitioned.metrics());
        assertThat(TrainingTopology.build(EddyConfig.of(settings("direct")), TrainingListener.NONE)
                        .describe()
                        .toString())
                .as("no trainer-input topic")
                .doesNotContain(TrainingTopology.TRAINER_INPUT);
        assertThat(TrainingTopology.build(EddyConfig.of(settings("repartition")), TrainingListener.NONE)
                        .describe()
                        .toString())
                .contains(TrainingTopology.TRAINER_INPUT);
    }
}
