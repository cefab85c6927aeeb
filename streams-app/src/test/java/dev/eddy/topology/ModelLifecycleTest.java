package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.config.EddyConfig;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.serving.QualityGate;
import dev.eddy.serving.ServingListener;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands and stops of a plain model: what each does to its budget, its pause and the scores its snapshots carry. */
class ModelLifecycleTest {

    @TempDir
    Path dir;

    @Test
    void aBatchSizeTheHeapCannotHoldIsABadCommandNotAFailedThread() {
        try (TrainingFixture f = new TrainingFixture(TrainingFixture.logisticModel("m"), dir)) {
            f.pipe(TrainingFixture.blobs(10, 1, "m"));
            f.command("set m batch-size 2000000000");

            var letters = f.deadLetters.readRecordsToList();
            assertThat(letters).hasSize(1);
            assertThat(TrainingFixture.header(letters.get(0), "eddy.dlq.reason"))
                    .isEqualTo("bad-command");
            assertThat(TrainingFixture.header(letters.get(0), "eddy.dlq.detail"))
                    .contains("batch-size must be an integer in [1, 65536]");
        }
    }

    @Test
    void resumeLeavesARunningModelItsStepBudget() {
        Map<String, String> p = new HashMap<>(TrainingFixture.logisticModel("m"));
        p.put("model.m.budget.max-steps", "10");
        p.put("holdout.fraction", "0");
        try (TrainingFixture f = new TrainingFixture(p, dir)) {
            f.pipe(TrainingFixture.blobs(36, 1, "m")); // 9 steps of 4
            f.command("resume m");
            f.pipe(TrainingFixture.blobs(80, 2, "m"));

            assertThat(f.status("m").steps()).isEqualTo(10);
            assertThat(f.status("m").paused()).isTrue();
        }
    }

    @Test
    void aBudgetStopAtAnImprovingEvaluationPausesWithAnEarlyStopSnapshot() {
        Map<String, String> p = new HashMap<>(TrainingFixture.logisticModel("m"));
        p.put("model.m.budget.max-steps", "10");
        p.put("model.m.eval-every", "10");
        p.put("model.m.early-stopping.enabled", "true");
        p.put("holdout.fraction", "0.2");
        try (TrainingFixture f = new TrainingFixture(p, dir)) {
            f.pipe(TrainingFixture.blobs(200, 1, "m"));

            assertThat(f.status("m").paused()).isTrue();
            assertThat(f.events).contains("paused m");
            List<ModelSnapshot> snapshots = f.snapshots.readValuesToList();
            assertThat(snapshots.get(snapshots.size() - 1).getReason()).isEqualTo(SnapshotReason.EARLY_STOP);
        }
    }

    @Test
    void afterAResetSnapshotsCarryNoScoreOfTheReplacedModel() {
        Map<String, String> p = new HashMap<>(TrainingFixture.logisticModel("m"));
        p.put("model.m.eval-every", "10");
        p.put("snapshot-every", "2");
        p.put("holdout.fraction", "0.2");
        p.put("gate.enabled", "true");
        QualityGate gate = QualityGate.of(EddyConfig.of(p));
        try (TrainingFixture f = new TrainingFixture(p, dir, gate.supplier(ServingListener.NONE))) {
            f.pipe(TrainingFixture.blobs(400, 1, "m"));
            f.command("reset m");
            f.pipe(TrainingFixture.blobs(12, 2, "m"));

            List<ModelSnapshot> snapshots = f.snapshots.readValuesToList();
            ModelSnapshot last = snapshots.get(snapshots.size() - 1);
            assertThat(last.getStepsSeen()).isLessThan(10);
            assertThat(last.getHoldoutMetrics()).isEmpty();
            assertThat(last.getAccepted())
                    .as("an untrained model is not served over a scored one")
                    .isFalse();
            assertThat(f.status("m").lastHoldoutLoss()).isNaN();
        }
    }
}
