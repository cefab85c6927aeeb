package dev.eddy.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.monitor.Mode;
import org.junit.jupiter.api.Test;

class ReduceLrOnPlateauTest {

    @Test
    void reducesAfterPatienceNonImprovingEvaluationsThenCoolsDown() {
        ReduceLrOnPlateau plateau = new ReduceLrOnPlateau(1.0, Mode.MIN, 0.5, 2, 0, 2, 0.1);
        double[] values = {5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4};
        double[] lrs = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            lrs[i] = plateau.update(values[i]);
        }
        // wait 1, 2 → reduce at i=3 (counter 2); i=4 in cooldown (counter 1); at i=5 the counter drops to
        // 0 before the test, so i=5 already counts: wait 1, 2 → reduce at i=6; ...
        assertThat(lrs).containsExactly(1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125);
        assertThat(plateau.learningRate()).isEqualTo(0.125);
    }

    @Test
    void aCooldownOfOneHasNoEffectBecauseTheCounterIsDecrementedFirst() {
        ReduceLrOnPlateau plateau = new ReduceLrOnPlateau(1.0, Mode.MIN, 0.5, 2, 0, 1, 0.1);
        double[] lrs = new double[11];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = plateau.update(i < 2 ? 5 - i : 4);
        }
        assertThat(lrs).containsExactly(1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.1, 0.1);
    }

    @Test
    void stopsAtMinLrAndImprovementsResetTheWait() {
        ReduceLrOnPlateau plateau = new ReduceLrOnPlateau(1.0, Mode.MAX, 0.1, 0, 0.25, 0, 0.05);
        assertThat(plateau.update(2.5)).isEqualTo(1);
        assertThat(plateau.update(2.75))
                .as("better by exactly minDelta is no improvement")
                .isEqualTo(0.1);
        assertThat(plateau.update(3.0)).as("improvement").isEqualTo(0.1);
        assertThat(plateau.best()).isEqualTo(3.0);
        assertThat(plateau.update(1.0)).isEqualTo(0.05);
        assertThat(plateau.update(1.0)).isEqualTo(0.05);
    }

    @Test
    void rejectsInvalidHyperParametersAndNaN() {
        assertThatThrownBy(() -> new ReduceLrOnPlateau(0.1, Mode.MIN, 1.0, 1, 0, 0, 0))
                .hasMessage("factor must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> new ReduceLrOnPlateau(0.1, Mode.MIN, 0.5, -1, 0, 0, 0))
                .hasMessage("patience must be >= 0, got -1");
        assertThatThrownBy(() -> new ReduceLrOnPlateau(0.1, Mode.MIN, 0.5, 1, -0.1, 0, 0))
                .hasMessage("minDelta must be finite and >= 0, got -0.1");
        assertThatThrownBy(() -> new ReduceLrOnPlateau(0.1, null, 0.5, 1, 0, 0, 0))
                .hasMessage("mode must be MIN or MAX, got null");
        ReduceLrOnPlateau plateau = new ReduceLrOnPlateau(0.1, Mode.MIN, 0.5, 1, 0, 0, 0);
        assertThatThrownBy(() -> plateau.update(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
