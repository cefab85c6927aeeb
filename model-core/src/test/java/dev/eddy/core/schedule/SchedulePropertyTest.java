package dev.eddy.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.Size;

class SchedulePropertyTest {

    @Property
    void exponentialDecayNeverIncreases(
            @ForAll @DoubleRange(min = 1e-6, max = 10) @Scale(8) double initial,
            @ForAll @DoubleRange(min = 0.01, max = 0.999) @Scale(3) double decayRate,
            @ForAll @LongRange(min = 1, max = 1000) long decaySteps,
            @ForAll boolean staircase,
            @ForAll @LongRange(min = 0, max = 100_000) long t) {
        ExponentialDecay schedule = new ExponentialDecay(initial, decayRate, decaySteps, staircase);
        assertThat(schedule.rate(t + 1)).isLessThanOrEqualTo(schedule.rate(t));
        assertThat(schedule.rate(0)).isEqualTo(initial);
    }

    @Property
    void staircaseHoldsTheRateWithinEachDecayPeriod(
            @ForAll @LongRange(min = 1, max = 1000) long decaySteps, @ForAll @LongRange(min = 0, max = 50) long k) {
        ExponentialDecay schedule = new ExponentialDecay(1, 0.5, decaySteps, true);
        long start = k * decaySteps;
        assertThat(schedule.rate(start + decaySteps - 1)).isEqualTo(schedule.rate(start));
        assertThat(schedule.rate(start)).isEqualTo(Math.pow(0.5, k));
    }

    @Property
    void powerDecayNeverIncreasesAndHalvesAtDecayStepsWithPowerOne(
            @ForAll @DoubleRange(min = 1e-6, max = 10) @Scale(8) double initial,
            @ForAll @LongRange(min = 1, max = 1000) long decaySteps,
            @ForAll @DoubleRange(min = 0, max = 4) double power,
            @ForAll @LongRange(min = 0, max = 100_000) long t) {
        PowerDecay schedule = new PowerDecay(initial, decaySteps, power);
        assertThat(schedule.rate(t + 1)).isLessThanOrEqualTo(schedule.rate(t));
        assertThat(new PowerDecay(initial, decaySteps, 1).rate(decaySteps)).isEqualTo(initial / 2);
    }

    @Property
    void piecewiseWithDecreasingValuesNeverIncreases(
            @ForAll @Size(min = 1, max = 8) long[] gaps,
            @ForAll @DoubleRange(min = 0.1, max = 0.9) double shrink,
            @ForAll @LongRange(min = 0, max = 10_000) long t) {
        long[] boundaries = new long[gaps.length];
        double[] values = new double[gaps.length + 1];
        values[0] = 1;
        long b = -1;
        for (int i = 0; i < gaps.length; i++) {
            b += 1 + Math.floorMod(gaps[i], 1000);
            boundaries[i] = b;
            values[i + 1] = values[i] * shrink;
        }
        PiecewiseConstant schedule = new PiecewiseConstant(boundaries, values);
        assertThat(schedule.rate(t + 1)).isLessThanOrEqualTo(schedule.rate(t));
        for (int i = 0; i < boundaries.length; i++) {
            assertThat(schedule.rate(boundaries[i]))
                    .as("t equal to a boundary keeps the earlier value")
                    .isEqualTo(values[i]);
            assertThat(schedule.rate(boundaries[i] + 1)).isEqualTo(values[i + 1]);
        }
    }

    @Property
    void oneCycleRisesThenFallsThenAnnealsWithinItsBounds(
            @ForAll @DoubleRange(min = 1e-4, max = 10) @Scale(6) double maxLr,
            @ForAll @IntRange(min = 10, max = 2000) int totalSteps,
            @ForAll @DoubleRange(min = 0.15, max = 0.45) double pctStart,
            @ForAll @DoubleRange(min = 2, max = 100) double divFactor,
            @ForAll @DoubleRange(min = 2, max = 1e5) double finalDivFactor) {
        OneCycle schedule = new OneCycle(maxLr, totalSteps, pctStart, divFactor, finalDivFactor);
        double lrInit = maxLr / divFactor;
        double lrMin = lrInit / finalDivFactor;
        double e1 = pctStart * totalSteps - 1;
        double e2 = 2 * pctStart * totalSteps - 2;
        double slack = 1e-12 * maxLr;
        assertThat(schedule.rate(0)).isCloseTo(lrInit, within(slack));
        for (long t = 0; t < totalSteps - 1; t++) {
            double now = schedule.rate(t);
            double next = schedule.rate(t + 1);
            assertThat(now).isBetween(lrMin - slack, maxLr + slack);
            if (t + 1 <= e1) {
                assertThat(next).as("warm-up at t=%d", t).isGreaterThan(now);
            } else if (t >= e1 && t + 1 <= e2) {
                assertThat(next).as("cool-down at t=%d", t).isLessThan(now);
            } else if (t > e2) {
                assertThat(next).as("annealing at t=%d", t).isLessThan(now);
                assertThat(now).isLessThanOrEqualTo(lrInit + slack);
            }
        }
        assertThat(schedule.rate(totalSteps - 1)).isCloseTo(lrMin, within(slack));
        assertThat(schedule.rate(totalSteps + 5L)).isEqualTo(lrMin);
    }

    @Property
    void constantRateIsConstant(@ForAll @DoubleRange(min = 0, max = 10) double lr, @ForAll @LongRange(min = 0) long t) {
        assertThat(new ConstantRate(lr).rate(t)).isEqualTo(lr);
    }

    @Property
    void piecewiseCopiesItsArrays(@ForAll @DoubleRange(min = 0, max = 1) double v) {
        long[] boundaries = {5};
        double[] values = {v, v / 2};
        PiecewiseConstant schedule = new PiecewiseConstant(boundaries, values);
        values[0] = 99;
        boundaries[0] = 0;
        assertThat(schedule.rate(3)).isEqualTo(v);
        assertThat(Arrays.equals(schedule.values(), new double[] {v, v / 2})).isTrue();
    }
}
