package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.config.EddyConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.serving.QualityGate;
import dev.eddy.serving.ServingListener;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.ModelStatusSerde;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /**
     * A model that diverges stops on its non-finite steps, pauses with an EARLY_STOP snapshot, and a resume re-arms
     * it, an ensemble as a single network: the guard stopped every member of a bagging ensemble but the ensemble never
     * paused, published no EARLY_STOP snapshot, and a resume (of a model that was not paused) re-armed no member.
     */
    @ParameterizedTest
    @ValueSource(strings = {"none", "bagging"})
    void aModelWhoseNumbersDivergePausesAndResumes(String ensemble) {
        Map<String, String> p = TrainingFixture.logisticModel("m");
        p.put("model.m.layers", "8:relu,1:sigmoid");
        p.put("model.m.learning-rate", "1e300");
        p.put("model.m.nonfinite.max-consecutive", "3");
        if (!ensemble.equals("none")) {
            p.put("model.m.ensemble", ensemble);
            p.put("model.m.ensemble.size", "3");
        }
        p.put("holdout.fraction", "0");
        List<Example> input = TrainingFixture.blobs(400, 3, "m");
        try (TrainingFixture f = new TrainingFixture(p, dir)) {
            f.pipe(input.subList(0, 200));
            ModelStatus paused = f.status("m");
            assertThat(paused.paused()).isTrue();
            assertThat(f.snapshots.readValuesToList())
                    .extracting(ModelSnapshot::getReason)
                    .contains(SnapshotReason.EARLY_STOP);

            f.command("resume m");
            assertThat(f.status("m").paused()).isFalse();
            f.pipe(input.subList(200, 400));
            assertThat(f.status("m").examplesTrained()).as("trained again").isGreaterThan(paused.examplesTrained());
        }
    }

    /**
     * A model paused before this build holds its best weights but stored the last evaluation's scores: opened, it
     * makes them the best's (its FINAL snapshot carried the replaced weights' score after the upgrade).
     */
    @Test
    void aModelPausedByAnEarlierBuildCarriesItsBestWeightsScoreOnceOpened() throws Exception {
        Map<String, String> p = new HashMap<>(TrainingFixture.logisticModel("m"));
        p.put("snapshot-every", "0");
        p.put("holdout.fraction", "0.5");
        p.put("holdout.buffer-size", "8");
        p.put("model.m.eval-every", "1");
        p.put("model.m.early-stopping.enabled", "true");
        p.put("model.m.early-stopping.monitor", "holdout_loss");
        p.put("model.m.early-stopping.min-delta", "10"); // only the first evaluation improves
        p.put("model.m.early-stopping.patience", "1");
        p.put("model.m.early-stopping.restore-best-weights", "true");
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        double best;
        try (TrainingFixture f = new TrainingFixture(p, dir.resolve("a"))) {
            f.pipe(TrainingFixture.blobs(60, 4, "m"));
            assertThat(f.status("m").paused()).isTrue();
            best = f.status("m").bestHoldoutLoss();
            changelogs = f.changelogs();
        }
        // what the earlier build stored: the last evaluation's loss beside the restored best weights
        List<KeyValue<byte[], byte[]>> statuses = new ArrayList<>();
        ModelStatusSerde serde = new ModelStatusSerde();
        for (KeyValue<byte[], byte[]> kv : changelogs.get(TrainingTopology.STATUS_STORE)) {
            ModelStatus s = serde.deserialize("", kv.value);
            statuses.add(KeyValue.pair(kv.key, serde.serialize("", withLastHoldoutLoss(s, best + 1))));
        }
        changelogs.put(TrainingTopology.STATUS_STORE, statuses);
        try (TrainingFixture f = new TrainingFixture(p, dir.resolve("b"))) {
            f.restore(changelogs);
            f.finals.request();
            f.driver.advanceWallClockTime(FinalSnapshotTrigger.POLL_INTERVAL);

            ModelSnapshot atShutdown = f.snapshots.readValuesToList().get(0);
            assertThat(atShutdown.getReason()).isEqualTo(SnapshotReason.FINAL);
            assertThat(atShutdown.getHoldoutMetrics()).containsEntry("loss", best);
        }
    }

    private static ModelStatus withLastHoldoutLoss(ModelStatus s, double loss) throws Exception {
        RecordComponent[] components = ModelStatus.class.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = components[i].getName().equals("lastHoldoutLoss")
                    ? loss
                    : components[i].getAccessor().invoke(s);
        }
        return ModelStatus.class.getDeclaredConstructor(types).newInstance(values);
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
