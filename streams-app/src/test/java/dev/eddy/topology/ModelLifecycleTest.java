package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.config.EddyConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.serving.QualityGate;
import dev.eddy.serving.ServingListener;
import dev.eddy.state.ModelStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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

    /**
     * Repeated non-finite steps stop the model and bring back its best weights, as a budget stop does: the EARLY_STOP
     * snapshot carries their score (it carried the diverged weights' infinite loss, which a quality gate refuses).
     */
    @Test
    void aNonFiniteStopThatRestoresTheBestWeightsCarriesTheirScore() {
        Map<String, String> p = new HashMap<>();
        p.put("model.m.input-size", "2");
        p.put("model.m.layers", "1:linear");
        p.put("model.m.loss", "mse");
        p.put("model.m.optimizer", "sgd");
        p.put("model.m.learning-rate", "0.1");
        p.put("model.m.batch-size", "4");
        p.put("model.m.eval-every", "1");
        p.put("model.m.standardize", "false");
        p.put("model.m.standardize-target", "false");
        p.put("model.m.early-stopping.patience", "1000");
        p.put("model.m.nonfinite.max-consecutive", "1");
        p.put("model.m.drift.detector", "none");
        p.put("holdout.fraction", "0.2");
        try (TrainingFixture f = new TrainingFixture(p, dir)) {
            f.pipe(regression(200, 1, 1));
            double best = f.status("m").bestHoldoutLoss();
            f.snapshots.readValuesToList();
            f.pipe(regression(40, 2, 1e149)); // overflows the network: non-finite steps

            ModelStatus stopped = f.status("m");
            assertThat(stopped.paused()).isTrue();
            List<ModelSnapshot> snapshots = f.snapshots.readValuesToList();
            ModelSnapshot last = snapshots.get(snapshots.size() - 1);
            assertThat(last.getReason()).isEqualTo(SnapshotReason.EARLY_STOP);
            assertThat(last.getHoldoutMetrics()).containsEntry("loss", best);
            assertThat(stopped.lastHoldoutLoss()).isEqualTo(best);
        }
    }

    /** Regression rows y = x₀ + x₁ with x₀ of the given scale (0 as target beyond scale 1). */
    private static List<Example> regression(int n, long seed, double scale) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Example> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double a = random.nextGaussian() * scale;
            double b = random.nextGaussian();
            rows.add(Example.newBuilder()
                    .setId("r-" + seed + "-" + i)
                    .setModelId("m")
                    .setFeatures(List.of(a, b))
                    .setClassLabel(null)
                    .setTarget(scale == 1 ? a + b : 0.0)
                    .setEventTime(Instant.ofEpochMilli(i))
                    .setWeight(null)
                    .build());
        }
        return rows;
    }
}
