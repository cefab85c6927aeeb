package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.schema.Example;
import dev.eddy.schema.TrainingMetrics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pruning during training through the production topology: the metrics carry the sparsity; restarts are exact. */
class PruningTopologyTest {

    /** 2-8-1 with kernels of 16 and 8 weights pruned to 50% between steps 0 and 40, masks every 5 steps. */
    private static Map<String, String> settings() {
        Map<String, String> p = TrainingFixture.logisticModel("m");
        p.put("model.m.layers", "8:relu,1:sigmoid");
        p.put("model.m.optimizer", "adam");
        p.put("model.m.learning-rate", "0.01");
        p.put("model.m.eval-every", "10");
        p.put("model.m.prune.target-sparsity", "0.5");
        p.put("model.m.prune.end-step", "40");
        p.put("model.m.prune.frequency", "5");
        return p;
    }

    @Test
    void metricsRecordsCarryTheSparsity(@TempDir Path dir) {
        try (TrainingFixture f = new TrainingFixture(settings(), dir)) {
            f.pipe(TrainingFixture.blobs(400, 3, "m"));
            List<TrainingMetrics> records = f.metrics.readValuesToList();
            assertThat(records).isNotEmpty().allMatch(r -> r.getSparsity() != null);
            // Polynomial: s_10 = 0.5 − 0.5·(1 − 10/40)³ → 16 − round(16·(1 − s)) and 8 − round(8·(1 − s)) pruned.
            TrainingMetrics first = records.get(0);
            assertThat(first.getStep()).isEqualTo(10);
            double s10 = 0.5 - 0.5 * Math.pow(0.75, 3);
            double expected = ((16 - Math.round(16 * (1 - s10))) + (8 - Math.round(8 * (1 - s10)))) / 24.0;
            assertThat(first.getSparsity()).isEqualTo(expected);
            assertThat(records.get(records.size() - 1).getSparsity()).isEqualTo(0.5);
        }
    }

    @Test
    void anUnprunedModelsRecordsHaveNoSparsity(@TempDir Path dir) {
        Map<String, String> unpruned = TrainingFixture.logisticModel("m");
        unpruned.put("model.m.eval-every", "10");
        try (TrainingFixture f = new TrainingFixture(unpruned, dir)) {
            f.pipe(TrainingFixture.blobs(200, 3, "m"));
            assertThat(f.metrics.readValuesToList()).isNotEmpty().allMatch(r -> r.getSparsity() == null);
        }
    }

    /** Restarts from the changelogs mid-schedule (with masks set, and before the last pruning step) change nothing. */
    @Test
    void restartsMidScheduleAreBitIdentical(@TempDir Path straight, @TempDir Path restarted) {
        List<Example> all = TrainingFixture.blobs(480, 5, "m");
        List<TrainingFixture.Segment> segments = List.of(
                new TrainingFixture.Segment(all.subList(0, 70), List.of()),
                new TrainingFixture.Segment(all.subList(70, 150), List.of()),
                new TrainingFixture.Segment(all.subList(150, 480), List.of()));
        TrainingFixture.Run once = TrainingFixture.run(settings(), straight, segments, false, "m");
        TrainingFixture.Run twice = TrainingFixture.run(settings(), restarted, segments, true, "m");
        assertThat(twice.trainerState()).isEqualTo(once.trainerState());
        assertThat(twice.snapshots()).isEqualTo(once.snapshots());
    }
}
