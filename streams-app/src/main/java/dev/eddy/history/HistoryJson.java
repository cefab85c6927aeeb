package dev.eddy.history;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The JSON form of a model's history, the answer of {@code GET /models/{id}/history[?after=SEQ]}:
 *
 * <pre>
 * {"model": "m", "run": "9f2c...", "seq": 412, "holdoutMetricName": "accuracy",
 *  "points": [{"seq": 1, "examples": 320, "step": 10, "trainLoss": 0.69, "holdoutLoss": 0.68, "holdoutMetric": 0.55,
 *              "prequential": 0.51, "prequentialWindow": 0.52, "learningRate": 0.001, "examplesPerSecond": 5120.0,
 *              "snapshotVersion": 1, "paused": false, "earlyStoppingWait": 0, "time": 1767225600000}, ...],
 *  "events": [{"seq": 97, "examples": 20133, "step": 629, "kind": "drift", "detail": "...", "time": ...}, ...]}
 * </pre>
 *
 * Oldest first; unknown numbers (no holdout evaluation in that record, no prequential score yet, a non-finite loss)
 * and {@code snapshotVersion} before the first snapshot are {@code null}. {@code seq} is the number of the newest record
 * read; {@code run} changes when the application restarts (and the numbering with it).
 */
public final class HistoryJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private HistoryJson() {}

    /** The history of {@code modelId} after {@code seq}; an empty one for a model without records yet. */
    public static ObjectNode of(String modelId, String run, ModelHistory.Slice slice) {
        ObjectNode o = JSON.objectNode();
        o.put("model", modelId);
        o.put("run", run);
        o.put("seq", slice.seq());
        if (slice.holdoutMetricName() == null) {
            o.putNull("holdoutMetricName");
        } else {
            o.put("holdoutMetricName", slice.holdoutMetricName());
        }
        ArrayNode points = o.putArray("points");
        slice.points().forEach(p -> points.add(point(p)));
        ArrayNode events = o.putArray("events");
        for (HistoryEvent e : slice.events()) {
            events.addObject()
                    .put("seq", e.seq())
                    .put("examples", e.examples())
                    .put("step", e.step())
                    .put("kind", e.kind())
                    .put("detail", e.detail())
                    .put("time", e.timeMs());
        }
        return o;
    }

    /** An empty history: a model known to the application that has published no metrics record yet. */
    public static ObjectNode empty(String modelId, String run) {
        return of(modelId, run, new ModelHistory.Slice(List.of(), List.of(), 0, null));
    }

    /** One point as JSON. */
    public static ObjectNode point(HistoryPoint p) {
        ObjectNode o = JSON.objectNode();
        o.put("seq", p.seq());
        o.put("examples", p.examples());
        o.put("step", p.step());
        number(o, "trainLoss", p.trainLoss());
        number(o, "holdoutLoss", p.holdoutLoss());
        number(o, "holdoutMetric", p.holdoutMetric());
        number(o, "prequential", p.prequential());
        number(o, "prequentialWindow", p.prequentialWindow());
        number(o, "learningRate", p.learningRate());
        number(o, "examplesPerSecond", p.examplesPerSecond());
        if (p.snapshotVersion() < 0) {
            o.putNull("snapshotVersion");
        } else {
            o.put("snapshotVersion", p.snapshotVersion());
        }
        o.put("paused", p.paused());
        o.put("earlyStoppingWait", p.earlyStoppingWait());
        o.put("time", p.timeMs());
        return o;
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }
}
