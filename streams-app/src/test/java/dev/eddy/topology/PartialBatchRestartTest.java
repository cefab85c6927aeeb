package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.schema.Example;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The partial batch across restarts around {@code set batch-size} and {@code reset}, which change its size and its
 * generation: restarting between any two of these inputs gives the same as never stopping.
 */
class PartialBatchRestartTest {

    @TempDir
    Path dir;

    private static Map<String, String> settings() {
        Map<String, String> s = new HashMap<>(TrainingFixture.logisticModel("m"));
        s.put("holdout.fraction", "0");
        s.put("snapshot-every", "1");
        return s;
    }

    @Test
    void setBatchSizeAndResetBetweenRestartsContinueExactly() {
        List<Example> input = TrainingFixture.blobs(31, 5, "m");
        List<TrainingFixture.Segment> segments = List.of(
                // batch 4: two steps, two examples left
                new TrainingFixture.Segment(input.subList(0, 10), List.of("set m batch-size 8")),
                // six examples in a batch of 8, then a smaller size: one step on all six
                new TrainingFixture.Segment(input.subList(10, 14), List.of("set m batch-size 3")),
                // two examples left, then a fresh trainer keeps them
                new TrainingFixture.Segment(input.subList(14, 16), List.of("reset m")),
                new TrainingFixture.Segment(input.subList(16, 17), List.of()),
                new TrainingFixture.Segment(input.subList(17, 31), List.of()));
        TrainingFixture.Run whole = TrainingFixture.run(settings(), dir.resolve("whole"), segments, false, "m");
        TrainingFixture.Run pieces = TrainingFixture.run(settings(), dir.resolve("pieces"), segments, true, "m");

        // 4 + 4 + 6 before the reset; after it 2 + 15 examples in batches of 3.
        assertThat(whole.status().steps()).isEqualTo(5);
        assertThat(whole.status().examplesTrained()).isEqualTo(15);
        assertThat(pieces.status()).isEqualTo(whole.status());
        assertThat(pieces.snapshots()).hasSameSizeAs(whole.snapshots());
        for (int i = 0; i < whole.snapshots().size(); i++) {
            assertThat(pieces.snapshots().get(i).getParameters())
                    .isEqualTo(whole.snapshots().get(i).getParameters());
        }
    }
}
