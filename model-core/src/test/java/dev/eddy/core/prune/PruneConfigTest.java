package dev.eddy.core.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.train.TrainerConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PruneConfigTest {

    private static TrainerConfig trainer(String... keyValues) {
        Map<String, String> p = new HashMap<>(Map.of("input-size", "4", "layers", "8:relu,3:softmax"));
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return TrainerConfig.fromProperties(p);
    }

    @Test
    void noPruneKeyNoPruning() {
        assertThat(trainer().prune()).isEmpty();
        assertThat(trainer().toProperties().keySet()).noneMatch(k -> k.startsWith("prune."));
    }

    @Test
    void defaultsAndCanonicalKeys() {
        TrainerConfig c = trainer("prune.target-sparsity", "0.9", "prune.end-step", "1000");
        assertThat(c.prune())
                .contains(new PruneConfig(
                        0.9, 0, 0, OptionalLong.of(1000), 100, PruneConfig.Schedule.POLYNOMIAL, PruningScope.LAYER));
        assertThat(c.toProperties())
                .containsEntry("prune.target-sparsity", "0.9")
                .containsEntry("prune.initial-sparsity", "0.0")
                .containsEntry("prune.begin-step", "0")
                .containsEntry("prune.end-step", "1000")
                .containsEntry("prune.frequency", "100")
                .containsEntry("prune.schedule", "polynomial")
                .containsEntry("prune.scope", "layer");
        // The canonical form reads back to the same configuration.
        assertThat(TrainerConfig.fromProperties(c.toProperties()).prune()).isEqualTo(c.prune());
    }

    @Test
    void constantNeedsNoEndStep() {
        PruneConfig c = trainer("prune.target-sparsity", "0.5", "prune.schedule", "constant", "prune.scope", "global")
                .prune()
                .orElseThrow();
        assertThat(c.endStep()).isEmpty();
        assertThat(c.scope()).isEqualTo(PruningScope.GLOBAL);
        assertThat(c.toProperties()).doesNotContainKeys("prune.initial-sparsity", "prune.end-step");
    }

    @Test
    void badInputNamesTheKey() {
        assertThatThrownBy(() -> trainer("prune.target-sparsity", "1", "prune.end-step", "10"))
                .hasMessage("prune.target-sparsity must be a number in [0, 1), got '1'");
        assertThatThrownBy(() -> trainer("prune.target-sparsity", "-0.1", "prune.end-step", "10"))
                .hasMessage("prune.target-sparsity must be a number in [0, 1), got '-0.1'");
        assertThatThrownBy(() -> trainer("prune.target-sparsity", "ninety", "prune.end-step", "10"))
                .hasMessage("prune.target-sparsity must be a number in [0, 1), got 'ninety'");
        assertThatThrownBy(() -> trainer("prune.target-sparsity", "0.9"))
                .hasMessageStartingWith("prune.end-step is required with prune.schedule=polynomial");
        assertThatThrownBy(() ->
                        trainer("prune.target-sparsity", "0.9", "prune.begin-step", "500", "prune.end-step", "400"))
                .hasMessage("prune.end-step 400 must be after prune.begin-step 500");
        assertThatThrownBy(() -> trainer("prune.end-step", "400"))
                .hasMessageStartingWith(
                        "prune.target-sparsity is required when any prune.* key is set (got" + " prune.end-step)");
        assertThatThrownBy(() ->
                        trainer("prune.target-sparsity", "0.5", "prune.initial-sparsity", "0.6", "prune.end-step", "9"))
                .hasMessage("prune.initial-sparsity 0.6 is above prune.target-sparsity 0.5: the sparsity only grows");
        assertThatThrownBy(() -> trainer("prune.target-sparsity", "0.5", "prune.schedule", "cubic"))
                .hasMessage("prune.schedule must be one of [polynomial, constant], got 'cubic'");
        assertThatThrownBy(() ->
                        trainer("prune.target-sparsity", "0.5", "prune.schedule", "constant", "prune.frequency", "0"))
                .hasMessage("prune.frequency must be an integer >= 1, got 0");
        assertThatThrownBy(() ->
                        trainer("prune.target-sparsity", "0.5", "prune.schedule", "constant", "prune.begin-step", "-1"))
                .hasMessage("prune.begin-step must be an integer >= 0, got -1");
        assertThatThrownBy(
                        () -> trainer("prune.target-sparsity", "0.5", "prune.scope", "tensor", "prune.end-step", "9"))
                .hasMessage("prune.scope must be one of [layer, global], got 'tensor'");
    }

    @Test
    void polynomialFollowsZhuAndGupta() {
        PruningSchedule s = new PruningSchedule(new PruneConfig(
                0.9, 0.1, 100, OptionalLong.of(500), 100, PruneConfig.Schedule.POLYNOMIAL, PruningScope.LAYER));
        // s_t = 0.9 + (0.1 − 0.9)·(1 − (t − 100)/400)³, by hand.
        assertThat(s.sparsity(100)).isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-15));
        assertThat(s.sparsity(200)).isCloseTo(0.9 - 0.8 * 0.421875, org.assertj.core.api.Assertions.within(1e-15));
        assertThat(s.sparsity(300)).isCloseTo(0.9 - 0.8 * 0.125, org.assertj.core.api.Assertions.within(1e-15));
        assertThat(s.sparsity(500)).isEqualTo(0.9);
        assertThat(s.sparsity(900)).isEqualTo(0.9);
        assertThat(s.isPruningStep(99)).isFalse();
        assertThat(s.isPruningStep(100)).isTrue();
        assertThat(s.isPruningStep(150)).isFalse();
        assertThat(s.isPruningStep(400)).isTrue();
        assertThat(s.isPruningStep(600)).isFalse();
    }

    @Test
    void theEndStepIsAPruningStepOffTheFrequency() {
        PruningSchedule s = new PruningSchedule(new PruneConfig(
                0.8, 0, 0, OptionalLong.of(250), 100, PruneConfig.Schedule.POLYNOMIAL, PruningScope.LAYER));
        assertThat(s.isPruningStep(200)).isTrue();
        assertThat(s.isPruningStep(250)).isTrue();
        assertThat(s.isPruningStep(300)).isFalse();
        PruningSchedule constant = new PruningSchedule(new PruneConfig(
                0.8, 0, 10, OptionalLong.empty(), 5, PruneConfig.Schedule.CONSTANT, PruningScope.LAYER));
        assertThat(constant.isPruningStep(10_000_000_005L)).isTrue();
        assertThat(constant.isPruningStep(7)).isFalse();
        assertThat(constant.sparsity(10)).isEqualTo(0.8);
    }
}
