package dev.eddy.core.stopping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.optim.Parameter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class NonFiniteGuardTest {

    private static List<Parameter> gradients(double... g) {
        return List.of(new Parameter("w", new double[g.length], g));
    }

    @Test
    void proceedsOnFiniteLossAndGradients() {
        NonFiniteGuard guard = new NonFiniteGuard(0.5, 3);
        assertThat(guard.check(1.0, gradients(1, -2, 1e300))).isEqualTo(NonFiniteGuard.Action.PROCEED);
        assertThat(guard.events()).isZero();
        assertThat(guard.learningRateScale()).isEqualTo(1);
    }

    @Test
    void backsOffOnNaNOrInfiniteLossOrGradient() {
        NonFiniteGuard guard = new NonFiniteGuard(0.5, 3);
        assertThat(guard.check(Double.NaN, gradients(1))).isEqualTo(NonFiniteGuard.Action.RESTORE_AND_BACK_OFF);
        assertThat(guard.check(1, gradients(1, Double.POSITIVE_INFINITY)))
                .isEqualTo(NonFiniteGuard.Action.RESTORE_AND_BACK_OFF);
        assertThat(guard.check(1, gradients(Double.NaN))).isEqualTo(NonFiniteGuard.Action.RESTORE_AND_BACK_OFF);
        assertThat(guard.learningRateScale()).isEqualTo(0.125);
        assertThat(guard.consecutiveEvents()).isEqualTo(3);
        assertThat(guard.check(Double.NEGATIVE_INFINITY, gradients(1))).isEqualTo(NonFiniteGuard.Action.GIVE_UP);
        assertThat(guard.events()).isEqualTo(4);
    }

    @Test
    void aGoodStepResetsTheConsecutiveCountButKeepsTheScale() {
        NonFiniteGuard guard = new NonFiniteGuard(0.1, 1);
        guard.check(Double.NaN, gradients(1));
        guard.check(0.5, gradients(1));
        assertThat(guard.consecutiveEvents()).isZero();
        assertThat(guard.check(Double.NaN, gradients(1))).isEqualTo(NonFiniteGuard.Action.RESTORE_AND_BACK_OFF);
        assertThat(guard.learningRateScale()).isEqualTo(0.1 * 0.1);
        assertThat(guard.events()).isEqualTo(2);
    }

    @Test
    void stateRoundTrips() throws IOException {
        NonFiniteGuard guard = new NonFiniteGuard(0.5, 2);
        guard.check(Double.NaN, gradients(1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        guard.saveState(new DataOutputStream(bytes));
        NonFiniteGuard loaded = new NonFiniteGuard(0.5, 2);
        loaded.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(loaded.events()).isEqualTo(1);
        assertThat(loaded.learningRateScale()).isEqualTo(0.5);
        assertThat(loaded.check(Double.NaN, gradients(1))).isEqualTo(guard.check(Double.NaN, gradients(1)));
        assertThat(loaded.check(Double.NaN, gradients(1))).isEqualTo(NonFiniteGuard.Action.GIVE_UP);
    }

    @Test
    void rejectsInvalidConfiguration() {
        assertThatThrownBy(() -> new NonFiniteGuard(1.0, 3)).hasMessage("backoffFactor must be in (0, 1), got 1.0");
        assertThatThrownBy(() -> new NonFiniteGuard(0.5, 0)).hasMessage("maxConsecutiveEvents must be >= 1, got 0");
    }

    @Test
    void aScaleThatUnderflowedToZeroStillRestores() throws IOException {
        NonFiniteGuard guard = new NonFiniteGuard(0.01, 3);
        for (int i = 0; i < 170; i++) { // 0.01^170 underflows; a good step between events keeps it training
            guard.check(Double.NaN, gradients(1));
            guard.check(1, gradients(1));
        }
        assertThat(guard.learningRateScale()).isZero();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        guard.saveState(new DataOutputStream(bytes));

        NonFiniteGuard restored = new NonFiniteGuard(0.01, 3);
        restored.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(restored.learningRateScale()).isZero();
        assertThat(restored.events()).isEqualTo(170);
    }
}
