package dev.eddy.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void exponentialDecayUsesRealDivisionUnlessStaircase() {
        ExponentialDecay smooth = new ExponentialDecay(0.1, 0.5, 10, false);
        ExponentialDecay stairs = new ExponentialDecay(0.1, 0.5, 10, true);
        assertThat(smooth.rate(5)).isCloseTo(0.1 * Math.sqrt(0.5), within(1e-17));
        assertThat(stairs.rate(5)).isEqualTo(0.1);
        assertThat(stairs.rate(10)).isEqualTo(0.05);
        assertThat(smooth.rate(20)).isCloseTo(0.025, within(1e-17));
    }

    @Test
    void powerDecayFollowsTheInverseTimeFormula() {
        assertThat(new PowerDecay(0.1, 4, 2).rate(2)).isCloseTo(0.1 / 2.25, within(1e-17));
    }

    @Test
    void piecewiseGivesAStepOnABoundaryTheEarlierValue() {
        PiecewiseConstant schedule = new PiecewiseConstant(new long[] {3, 7}, new double[] {1, 0.5, 0.25});
        assertThat(new double[] {
                    schedule.rate(0), schedule.rate(3), schedule.rate(4), schedule.rate(7), schedule.rate(8)
                })
                .containsExactly(1, 1, 0.5, 0.5, 0.25);
    }

    @Test
    void oneCycleHandlesNonIntegralPhaseEnds() {
        // pctStart 0.25 of 30 steps: e1 = 6.5, e2 = 13, e3 = 29 (the torch example of golden README §6)
        OneCycle schedule = new OneCycle(0.1, 30, 0.25, 25, 1e4);
        assertThat(schedule.rate(0)).isEqualTo(0.004);
        assertThat(schedule.rate(6)).isCloseTo(0.004 + (0.1 - 0.004) * 6 / 6.5, within(1e-16));
        assertThat(schedule.rate(7)).isCloseTo(0.1 + (0.004 - 0.1) * 0.5 / 6.5, within(1e-16));
        assertThat(schedule.rate(13)).isCloseTo(0.004, within(1e-16));
        assertThat(schedule.rate(29)).isCloseTo(4e-7, within(1e-16));
    }

    @Test
    void invalidSchedulesNameTheBadValue() {
        assertThatThrownBy(() -> new ExponentialDecay(0.1, 0.5, 0, false)).hasMessage("decaySteps must be >= 1, got 0");
        assertThatThrownBy(() -> new ExponentialDecay(-0.1, 0.5, 1, false))
                .hasMessage("initial must be finite and >= 0, got -0.1");
        assertThatThrownBy(() -> new PowerDecay(0.1, 10, -1)).hasMessage("power must be finite and >= 0, got -1.0");
        assertThatThrownBy(() -> new PiecewiseConstant(new long[] {}, new double[] {1}))
                .hasMessage("boundaries must have at least 1 element, got 0");
        assertThatThrownBy(() -> new PiecewiseConstant(new long[] {5}, new double[] {1}))
                .hasMessage("values must have boundaries.length + 1 = 2 elements, got 1");
        assertThatThrownBy(() -> new PiecewiseConstant(new long[] {5, 5}, new double[] {1, 2, 3}))
                .hasMessage("boundaries must be strictly increasing, got [5, 5]");
        assertThatThrownBy(() -> new OneCycle(0.1, 100, 1.0, 25, 1e4))
                .hasMessage("pctStart must be in (0, 1), got 1.0");
        assertThatThrownBy(() -> new OneCycle(0.1, 10, 0.1, 25, 1e4))
                .hasMessage("pctStart * totalSteps must not be 1 (empty warm-up phase), got 0.1 * 10");
        assertThatThrownBy(() -> new OneCycle(0, 10, 0.3, 25, 1e4)).hasMessage("maxLr must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> new ConstantRate(Double.NaN)).hasMessage("lr must be finite and >= 0, got NaN");
    }
}
