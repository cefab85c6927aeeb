package dev.eddy.core.stopping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.monitor.Mode;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

    /** Feeds values until it has stopped; returns the early stopping for inspection. */
    private static EarlyStopping run(EarlyStopping stopping, double... values) {
        for (int i = 0; i < values.length && !stopping.stopped(); i++) {
            stopping.update(values[i]);
        }
        return stopping;
    }

    @Test
    void stopsWhenPatienceEvaluationsDidNotImprove() {
        EarlyStopping s = run(new EarlyStopping(Mode.MIN, 0, 2, null, 0, true), 1.0, 0.8, 0.9, 0.85, 0.7);
        assertThat(s.stopped()).isTrue();
        assertThat(s.stopIndex()).hasValue(3);
        assertThat(s.bestIndex()).hasValue(1);
        assertThat(s.bestValue()).hasValue(0.8);
        assertThat(s.restoredIndex()).hasValue(1);
        assertThat(s.evaluations())
                .as("the evaluation after the stop is not consumed")
                .isEqualTo(4);
    }

    @Test
    void tiesAreNotImprovementsSoTheFirstEqualValueStaysBest() {
        EarlyStopping s = run(new EarlyStopping(Mode.MIN, 0, 3, null, 0, true), 0.5, 0.4, 0.4, 0.4, 0.4);
        assertThat(s.stopIndex()).hasValue(4);
        assertThat(s.bestIndex()).hasValue(1);
    }

    @Test
    void aBaselineNeverBeatenNeverResetsTheWaitButImprovementsContinue() {
        EarlyStopping s = new EarlyStopping(Mode.MAX, 0, 2, 0.9, 0, false);
        assertThat(s.update(0.5)).isEqualTo(new EarlyStopping.Decision(true, false));
        assertThat(s.update(0.6)).isEqualTo(new EarlyStopping.Decision(true, false));
        assertThat(s.update(0.7))
                .as("improving evaluations never stop")
                .isEqualTo(new EarlyStopping.Decision(true, false));
        assertThat(s.waitCount()).isEqualTo(3);
        assertThat(s.update(0.65)).isEqualTo(new EarlyStopping.Decision(false, true));
        assertThat(s.restoredIndex()).as("restoreBestWeights is off").isEmpty();
        assertThat(s.bestIndex()).hasValue(2);
    }

    @Test
    void patienceZeroStopsAtTheFirstNonImprovingEvaluation() {
        EarlyStopping s = run(new EarlyStopping(Mode.MIN, 0.1, 0, null, 0, false), 1.0, 0.85, 0.8);
        assertThat(s.stopIndex()).hasValue(2);
        assertThat(s.bestValue()).hasValue(0.85);
    }

    @Test
    void warmUpEvaluationsAreIgnoredEntirely() {
        EarlyStopping s = new EarlyStopping(Mode.MIN, 0, 1, null, 2, true);
        assertThat(s.update(0.1)).isEqualTo(new EarlyStopping.Decision(false, false));
        assertThat(s.update(0.2)).isEqualTo(new EarlyStopping.Decision(false, false));
        assertThat(s.bestIndex()).isEmpty();
        assertThat(s.bestValue()).isEmpty();
        assertThat(s.restoredIndex()).isEmpty();
        assertThat(s.update(0.5).improved())
                .as("first monitored evaluation is the first best")
                .isTrue();
        assertThat(s.update(0.6).stop()).isTrue();
        assertThat(s.stopIndex()).hasValue(3);
        assertThat(s.bestIndex()).hasValue(2);
    }

    @Test
    void doesNotStopAtIndexZeroEvenWithPatienceZero() {
        EarlyStopping s = new EarlyStopping(Mode.MIN, 0, 0, 0.0, 0, false);
        assertThat(s.update(1.0)).isEqualTo(new EarlyStopping.Decision(true, false));
        assertThat(s.stopIndex()).isEqualTo(OptionalInt.empty());
    }

    @Test
    void refusesEvaluationsAfterTheStopUntilReset() {
        EarlyStopping s = run(new EarlyStopping(Mode.MIN, 0, 0, null, 0, true), 1.0, 2.0);
        assertThatThrownBy(() -> s.update(0.5))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already stopped after evaluation 1");
        s.reset();
        assertThat(s.stopped()).isFalse();
        assertThat(s.update(3.0).improved()).isTrue();
        assertThat(s.bestIndex()).hasValue(0);
    }

    @Test
    void rejectsInvalidHyperParametersAndNaN() {
        assertThatThrownBy(() -> new EarlyStopping(Mode.MIN, -1, 0, null, 0, false))
                .hasMessage("minDelta must be finite and >= 0, got -1.0");
        assertThatThrownBy(() -> new EarlyStopping(Mode.MIN, 0, -2, null, 0, false))
                .hasMessage("patience must be >= 0, got -2");
        assertThatThrownBy(() -> new EarlyStopping(Mode.MIN, 0, 0, null, -1, false))
                .hasMessage("startFromEpoch must be >= 0, got -1");
        assertThatThrownBy(() -> new EarlyStopping(Mode.MIN, 0, 0, Double.NaN, 0, false))
                .hasMessage("baseline must be finite or null, got NaN");
        EarlyStopping s = new EarlyStopping(Mode.MIN, 0, 0, null, 0, false);
        assertThatThrownBy(() -> s.update(Double.NaN)).hasMessage("monitored value of evaluation 0 must not be NaN");
    }
}
