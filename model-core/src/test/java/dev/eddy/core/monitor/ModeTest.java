package dev.eddy.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModeTest {

    @Test
    void improvementsAreStrictAndNeedMoreThanMinDelta() {
        assertThat(Mode.MIN.improves(0.9, 1.0, 0)).isTrue();
        assertThat(Mode.MIN.improves(1.0, 1.0, 0)).isFalse();
        assertThat(Mode.MIN.improves(2.5, 2.75, 0.25)).isFalse();
        assertThat(Mode.MIN.improves(2.4, 2.75, 0.25)).isTrue();
        assertThat(Mode.MAX.improves(2.75, 2.5, 0.25)).isFalse();
        assertThat(Mode.MAX.improves(2.8, 2.5, 0.25)).isTrue();
        assertThat(Mode.MAX.improves(0.9, 1.0, 0)).isFalse();
    }

    @Test
    void parsesTheKerasSpelling() {
        assertThat(Mode.parse("min")).isEqualTo(Mode.MIN);
        assertThat(Mode.parse("MAX")).isEqualTo(Mode.MAX);
        assertThatThrownBy(() -> Mode.parse("auto")).hasMessage("mode must be \"min\" or \"max\", got \"auto\"");
    }
}
