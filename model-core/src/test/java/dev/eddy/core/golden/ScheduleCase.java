package dev.eddy.core.golden;

import static dev.eddy.core.golden.GoldenJson.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.core.monitor.Mode;
import dev.eddy.core.schedule.ExponentialDecay;
import dev.eddy.core.schedule.LearningRateSchedule;
import dev.eddy.core.schedule.OneCycle;
import dev.eddy.core.schedule.PiecewiseConstant;
import dev.eddy.core.schedule.PowerDecay;
import dev.eddy.core.schedule.ReduceLrOnPlateau;
import java.util.List;

/** Kind {@code schedule} (README §6): step schedules lr(t) and ReduceLROnPlateau. */
final class ScheduleCase {
    private ScheduleCase() {}

    static void run(JsonNode root, Comparison cmp) {
        String name = text(root, "schedule");
        JsonNode p = field(root, "params");
        if (name.equals("reduce_on_plateau")) {
            expectFields(
                    root, "schedule case", GoldenConformanceTest.withCommon("schedule", "params", "values", "lrs"));
            expectFields(
                    p,
                    "params",
                    List.of("initial_lr", "mode", "factor", "patience", "min_delta", "cooldown", "min_lr"));
            ReduceLrOnPlateau plateau = new ReduceLrOnPlateau(
                    real(p, "initial_lr"),
                    Mode.parse(text(p, "mode")),
                    real(p, "factor"),
                    intValue(p, "patience"),
                    real(p, "min_delta"),
                    intValue(p, "cooldown"),
                    real(p, "min_lr"));
            double[] values = vector(root, "values");
            double[] expected = vector(root, "lrs");
            double[] lrs = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                lrs[i] = plateau.update(values[i]);
            }
            cmp.vector("lrs", expected, lrs, lrs.length);
            return;
        }
        expectFields(root, "schedule case", GoldenConformanceTest.withCommon("schedule", "params", "num_steps", "lrs"));
        LearningRateSchedule schedule = stepSchedule(name, p);
        int steps = intValue(root, "num_steps");
        double[] lrs = new double[steps];
        for (int t = 0; t < steps; t++) {
            lrs[t] = schedule.rate(t);
        }
        cmp.vector("lrs", vector(root, "lrs"), lrs, steps);
    }

    private static LearningRateSchedule stepSchedule(String name, JsonNode p) {
        switch (name) {
            case "exponential":
                expectFields(p, "params", List.of("initial_learning_rate", "decay_rate", "decay_steps", "staircase"));
                return new ExponentialDecay(
                        real(p, "initial_learning_rate"),
                        real(p, "decay_rate"),
                        integer(p, "decay_steps"),
                        bool(p, "staircase"));
            case "power":
                expectFields(p, "params", List.of("initial_learning_rate", "decay_steps", "power"));
                return new PowerDecay(real(p, "initial_learning_rate"), integer(p, "decay_steps"), real(p, "power"));
            case "piecewise_constant":
                expectFields(p, "params", List.of("boundaries", "values"));
                return new PiecewiseConstant(integers(p, "boundaries"), vector(p, "values"));
            case "one_cycle":
                expectFields(
                        p,
                        "params",
                        List.of(
                                "max_lr",
                                "total_steps",
                                "pct_start",
                                "div_factor",
                                "final_div_factor",
                                "anneal_strategy",
                                "three_phase"));
                if (!text(p, "anneal_strategy").equals("linear") || !bool(p, "three_phase")) {
                    throw new GoldenFormatException(
                            "one_cycle supports anneal_strategy \"linear\" with three_phase " + "true only, got " + p);
                }
                return new OneCycle(
                        real(p, "max_lr"),
                        integer(p, "total_steps"),
                        real(p, "pct_start"),
                        real(p, "div_factor"),
                        real(p, "final_div_factor"));
            default:
                throw new GoldenFormatException("unknown schedule '" + name
                        + "', expected exponential, power, piecewise_constant, one_cycle or reduce_on_plateau");
        }
    }
}
