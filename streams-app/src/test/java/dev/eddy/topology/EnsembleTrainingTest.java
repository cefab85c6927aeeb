package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.drift.DriftState;
import dev.eddy.core.ensemble.Ensemble;
import dev.eddy.core.ensemble.MemberState;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.core.train.Learners;
import dev.eddy.metrics.TrainingMetricsBinder;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.serving.SnapshotModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An ensemble model through the production topology: restarts, snapshots, serving and a live set. */
class EnsembleTrainingTest {

    @TempDir
    Path dir;

    private static Map<String, String> settings(String kind) {
        Map<String, String> s = TrainingFixture.logisticModel("m");
        s.put("model.m.layers", "4:relu,1:sigmoid");
        s.put("model.m.standardize", "true");
        s.put("model.m.ensemble", kind);
        s.put("model.m.ensemble.size", "3");
        s.put("snapshot-every", "5");
        return s;
    }

    /**
     * At batch size 1 with two members, a step can draw k = 0 for both: no member updates and the step has no loss,
     * which the model's last train loss and its interval mean must not take (they were NaN from then on).
     */
    @Test
    void aStepInWhichNoMemberUpdatedLeavesTheTrainLossAlone() {
        Map<String, String> s = settings("bagging");
        s.put("model.m.batch-size", "1");
        s.put("model.m.ensemble.size", "2");
        s.put("model.m.eval-every", "1000000");
        s.put("holdout.fraction", "0");
        try (TrainingFixture f = new TrainingFixture(s, dir.resolve("none"))) {
            f.pipe(TrainingFixture.blobs(200, 1, "m"));
            assertThat(f.status("m").lastTrainLoss()).isFinite();
            assertThat(f.status("m").intervalLossSum()).isFinite();
            assertThat(f.status("m").intervalSteps()).isLessThan(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bagging", "leveraging-bagging", "boosting"})
    void aRestartedEnsembleIsBitIdenticalAndItsSnapshotsServeItsMembers(String kind) {
        List<Example> input = TrainingFixture.blobs(90, 5, "m");
        List<TrainingFixture.Segment> segments = List.of(
                new TrainingFixture.Segment(input.subList(0, 13), List.of()),
                new TrainingFixture.Segment(input.subList(13, 40), List.of("set m learning-rate 0.05")),
                new TrainingFixture.Segment(input.subList(40, 90), List.of()));
        TrainingFixture.Run whole = TrainingFixture.run(settings(kind), dir.resolve("whole"), segments, false, "m");
        TrainingFixture.Run pieces = TrainingFixture.run(settings(kind), dir.resolve("pieces"), segments, true, "m");
        assertThat(pieces.trainerState()).isEqualTo(whole.trainerState());
        assertThat(pieces.snapshots()).hasSameSizeAs(whole.snapshots()).isNotEmpty();

        Ensemble ensemble = (Ensemble) Learners.restore(whole.trainerState());
        assertThat(ensemble.examplesSeen())
                .isEqualTo(whole.status().examplesTrained())
                .isGreaterThan(60);
        assertThat(ensemble.config().learningRate()).isEqualTo(0.05);
        ModelSnapshot last = whole.snapshots().get(whole.snapshots().size() - 1);
        InferenceModel served = SnapshotModels.inferenceModel(last);
        assertThat(served.members()).isEqualTo(3);
        assertThat(served.votes().isPresent()).isEqualTo(kind.equals("boosting"));
        assertThat(served.toBytes()).isEqualTo(ensemble.inferenceModel().toBytes());
        double[][] probe = {{1, 1}, {-1, -1}, {0.3, -0.2}};
        assertThat(served.predict(probe))
                .isDeepEqualTo(ensemble.inferenceModel().predict(probe));

        List<MemberState> members = whole.status().members();
        assertThat(members)
                .hasSize(3)
                .isEqualTo(ensemble.members())
                .isEqualTo(pieces.status().members());
        for (int m = 0; m < 3; m++) {
            assertThat(members.get(m).member()).isEqualTo(m);
            assertThat(members.get(m).metric()).isEqualTo("accuracy");
            assertThat(members.get(m).score()).isBetween(0.5, 1.0);
        }
    }

    @Test
    void theMembersAreMetersTaggedMember() {
        EddyConfig config = EddyConfig.of(settings("leveraging-bagging"));
        TrainingMetricsBinder binder = new TrainingMetricsBinder(config.models());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        binder.bindTo(registry);
        binder.onMembers(
                "m",
                List.of(
                        new MemberState(0, 2, DriftState.NONE, "accuracy", 0.75),
                        new MemberState(1, 0, DriftState.NONE, "accuracy", 0.5),
                        new MemberState(2, 1, DriftState.DRIFT, "accuracy", 0.25)));
        assertThat(registry.get("eddy.ensemble.member.accuracy")
                        .tags("model", "m", "member", "2")
                        .gauge()
                        .value())
                .isEqualTo(0.25);
        assertThat(registry.get("eddy.ensemble.member.resets")
                        .tags("model", "m", "member", "0")
                        .gauge()
                        .value())
                .isEqualTo(2.0);
    }
}
