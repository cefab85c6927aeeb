package dev.eddy.core.train;

import static dev.eddy.core.train.TrainerTest.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.drift.DriftResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerRearmTest {

    @Test
    void aDriftResumesAModelStoppedByItsBudgetWithTheRateScaledAndItsWeightsKept() {
        Trainer t = Trainer.create(config("budget.max-steps", "3", "learning-rate", "0.01"));
        TrainerTest.Batches data = new TrainerTest.Batches(1, 6, 2);
        for (int i = 0; i < 3; i++) {
            data.next(8);
            t.step(data.x, data.y);
        }
        assertThat(t.stopReason()).contains(StopReason.BUDGET);
        double[][] probe = data.x.clone();
        double[] before = t.predictions(probe);
        t.rearm(DriftResponse.fromProperties(Map.of("drift.lr-factor", "2")));
        assertThat(t.stopped()).isFalse();
        assertThat(t.learningRate()).isEqualTo(0.02);
        assertThat(t.predictions(probe)).as("weights kept").isEqualTo(before);
        data.next(8);
        t.step(data.x, data.y);
        assertThat(t.steps()).isEqualTo(4);
    }

    @Test
    void aDriftRestartsTheScheduleUnlessTold() {
        // lr_t = 0.1 / (1 + t/2): 0.02 after 8 steps
        TrainerConfig decaying =
                config("learning-rate", "0.1", "schedule", "power", "schedule.decay-steps", "2", "schedule.power", "1");
        Trainer restarted = Trainer.create(decaying);
        Trainer kept = Trainer.create(decaying);
        TrainerTest.Batches data = new TrainerTest.Batches(1, 6, 2);
        for (int i = 0; i < 8; i++) {
            data.next(8);
            restarted.step(data.x, data.y);
            kept.step(data.x, data.y);
        }
        assertThat(restarted.learningRate()).isEqualTo(0.1 / 5);
        restarted.rearm(DriftResponse.fromProperties(Map.of()));
        kept.rearm(DriftResponse.fromProperties(Map.of("drift.restart-schedule", "false")));
        assertThat(restarted.learningRate()).as("t - t_drift = 0").isEqualTo(0.1);
        assertThat(kept.learningRate()).isEqualTo(0.1 / 5);
        data.next(8);
        restarted.step(data.x, data.y);
        assertThat(restarted.learningRate()).isEqualTo(0.1 / 1.5);
        Trainer restored = Trainer.restore(restarted.state());
        assertThat(restored.learningRate())
                .as("the schedule's start is part of the state")
                .isEqualTo(0.1 / 1.5);
        assertThat(restored.state()).isEqualTo(restarted.state());
        assertThat(Trainer.create(decaying).continuingFrom(restarted).learningRate())
                .isEqualTo(0.1 / 1.5);
    }

    @Test
    void aModelStoppedByTheNonFiniteGuardStaysStopped() {
        Trainer t = Trainer.create(
                config("layers", "4:relu,1:linear", "standardize", "false", "nonfinite.max-consecutive", "2"));
        TrainerTest.Batches data = new TrainerTest.Batches(3, 6, 0);
        for (int i = 0; i < 3; i++) {
            data.next(4);
            data.y[0] = -1e300; // a squared error that overflows
            t.step(data.x, data.y);
        }
        assertThat(t.stopReason()).contains(StopReason.NON_FINITE);
        t.rearm(DriftResponse.fromProperties(Map.of("drift.reset-optimizer", "true")));
        assertThat(t.stopReason()).contains(StopReason.NON_FINITE);
    }

    @Test
    void aFreshNetworkContinuingAnotherKeepsItsCounters() {
        Trainer model = Trainer.create(config());
        TrainerTest.Batches data = new TrainerTest.Batches(3, 6, 2);
        for (int i = 0; i < 5; i++) {
            data.next(4);
            model.step(data.x, data.y);
        }
        Trainer fresh = Trainer.create(config()).continuingFrom(model);
        assertThat(fresh.steps()).isEqualTo(5);
        assertThat(fresh.examplesSeen()).isEqualTo(20);
        assertThat(Trainer.restore(fresh.state()).examplesSeen()).isEqualTo(20);
    }
}
