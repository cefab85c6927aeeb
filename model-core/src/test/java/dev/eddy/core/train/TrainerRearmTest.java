package dev.eddy.core.train;

import static dev.eddy.core.train.TrainerTest.config;
import static org.assertj.core.api.Assertions.assertThat;

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
        t.rearm(2, false);
        assertThat(t.stopped()).isFalse();
        assertThat(t.learningRate()).isEqualTo(0.02);
        assertThat(t.predictions(probe)).as("weights kept").isEqualTo(before);
        data.next(8);
        t.step(data.x, data.y);
        assertThat(t.steps()).isEqualTo(4);
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
        t.rearm(1, true);
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
