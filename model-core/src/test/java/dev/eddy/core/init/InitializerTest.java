package dev.eddy.core.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InitializerTest {
    private static final int FAN_IN = 300;
    private static final int FAN_OUT = 200;

    @ParameterizedTest
    @EnumSource(Initializer.class)
    void drawsHaveTheTargetVarianceAndBounds(Initializer init) {
        double[] w = new double[FAN_IN * FAN_OUT];
        init.fill(w, FAN_IN, FAN_OUT, new Xoshiro256(9L));
        double targetVariance =
                switch (init) {
                    case GLOROT_UNIFORM, GLOROT_NORMAL -> 2.0 / (FAN_IN + FAN_OUT);
                    case HE_UNIFORM, HE_NORMAL -> 2.0 / FAN_IN;
                    case LECUN_UNIFORM, LECUN_NORMAL -> 1.0 / FAN_IN;
                };
        double sum = 0;
        double sumSq = 0;
        double maxAbs = 0;
        for (double v : w) {
            sum += v;
            sumSq += v * v;
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        double mean = sum / w.length;
        double variance = sumSq / w.length - mean * mean;
        assertThat(mean).isCloseTo(0.0, within(0.02 * Math.sqrt(targetVariance)));
        assertThat(variance / targetVariance).isCloseTo(1.0, within(0.03));
        double bound = init.specName().endsWith("uniform")
                ? Math.sqrt(3 * targetVariance) // uniform limit
                : 2 * Math.sqrt(targetVariance) / 0.87962566103423978; // truncation at 2σ'
        assertThat(maxAbs).isLessThanOrEqualTo(bound).isGreaterThan(0.95 * bound);
    }

    @Test
    void namesRoundTripAndUnknownNamesFail() {
        for (Initializer init : Initializer.values()) {
            assertThat(Initializer.fromSpecName(init.specName())).isEqualTo(init);
        }
        assertThat(Initializer.HE_NORMAL.specName()).isEqualTo("he_normal");
        assertThatThrownBy(() -> Initializer.fromSpecName("orthogonal"))
                .hasMessageContaining("unknown initializer 'orthogonal'")
                .hasMessageContaining("glorot_uniform");
        assertThatThrownBy(() -> Initializer.HE_UNIFORM.fill(new double[5], 2, 3, new Xoshiro256(1)))
                .hasMessageContaining("expected fanIn*fanOut = 6");
    }
}
