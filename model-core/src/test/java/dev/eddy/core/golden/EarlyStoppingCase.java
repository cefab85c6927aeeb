package dev.eddy.core.golden;

import static dev.eddy.core.golden.GoldenJson.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.core.monitor.Mode;
import dev.eddy.core.stopping.EarlyStopping;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** Kind {@code early_stopping} (README §7): Keras 3 EarlyStopping over a sequence of evaluations. */
final class EarlyStoppingCase {
    private EarlyStoppingCase() {}

    static void run(JsonNode root, Comparison cmp) {
        expectFields(root, "early_stopping case", GoldenConformanceTest.withCommon("params", "values", "expected"));
        JsonNode p = field(root, "params");
        expectFields(
                p,
                "params",
                List.of("mode", "min_delta", "patience", "baseline", "start_from_epoch", "restore_best_weights"));
        JsonNode baseline = field(p, "baseline");
        EarlyStopping stopping = new EarlyStopping(
                Mode.parse(text(p, "mode")),
                real(p, "min_delta"),
                intValue(p, "patience"),
                baseline.isNull() ? null : realValue(baseline, "params.baseline"),
                intValue(p, "start_from_epoch"),
                bool(p, "restore_best_weights"));
        for (double v : vector(root, "values")) {
            if (stopping.update(v).stop()) {
                break; // evaluations after the stop are not consumed
            }
        }
        JsonNode e = field(root, "expected");
        expectFields(e, "expected", List.of("stop_index", "best_index", "best_value", "restored_index"));
        cmp.exact("stop_index", optionalIndex(e, "stop_index"), boxed(stopping.stopIndex()));
        cmp.exact("best_index", optionalIndex(e, "best_index"), boxed(stopping.bestIndex()));
        cmp.exact("restored_index", optionalIndex(e, "restored_index"), boxed(stopping.restoredIndex()));
        JsonNode best = field(e, "best_value");
        OptionalDouble actualBest = stopping.bestValue();
        if (best.isNull() || actualBest.isEmpty()) {
            cmp.exact("best_value", best.isNull() ? null : "a number", actualBest.isEmpty() ? null : "a number");
        } else {
            cmp.real("best_value", realValue(best, "expected.best_value"), actualBest.getAsDouble());
        }
    }

    private static Long optionalIndex(JsonNode node, String name) {
        return field(node, name).isNull() ? null : integer(node, name);
    }

    private static Long boxed(OptionalInt value) {
        return value.isPresent() ? Long.valueOf(value.getAsInt()) : null;
    }
}
