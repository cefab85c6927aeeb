package dev.eddy.status;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.core.ensemble.MemberState;
import dev.eddy.state.DriftStatus;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.WarmStartSource;
import dev.eddy.state.WarmStartWait;
import java.util.Locale;

/**
 * The JSON form of one model's status:
 *
 * <pre>
 * {"model": "m", "instance": "10.0.0.5:9464", "state": "training"|"paused"|"waiting", "latestVersion": 7, "acceptedVersion": 6, "steps": 700,
 *  "examplesTrained": 22400, "examplesWhilePaused": 0, "holdoutReceived": 2500, "holdoutBuffered": 1000,
 *  "learningRate": 0.001, "lastTrainLoss": 0.31,
 *  "holdout": {"loss": 0.35, "metric": "accuracy", "value": 0.91, "bestLoss": 0.34, "bestValue": 0.92},
 *  "earlyStopping": {"wait": 2},
 *  "drift": {"detector": "adwin", "state": "none"|"warning", "warnings": 3, "detections": 1,
 *            "lastDetectionExample": 20133, "challenger": false},
 *  "warmStart": {"model": "src", "version": 12} | {"file": "/models/src.eddy", "sha256": "9f86…"} | null,
 *  "members": [{"member": 0, "resets": 1, "drift": "none"|"warning"|"drift", "accuracy"|"rmse": 0.87}, ...],
 *  "waitingFor": {"model": "src", "snapshot": "first", "held": 120, "maxHeld": 10000} | null}
 * </pre>
 *
 * {@code waitingFor} is set while the model waits for the first snapshot of its warm-start source, a model of this
 * application ({@code state} "waiting"): {@code held} of its inputs are held for it, at most {@code maxHeld}.
 *
 * <p>{@code members} is there for an ensemble only: each member's leveraging-bagging resets, its detector's state at the
 * last example, and its test-then-train accuracy (RMSE for regression) since its creation or last reset.
 *
 * A model that this instance serves but no instance it can reach trains (its training moved to another application
 * or left the configuration) is {@code {"model": "m", "state": "serving", "latestVersion": null, "acceptedVersion":
 * 7}}. Unknown numbers (NaN: no evaluation yet; version -1: none yet) are {@code null}. {@code acceptedVersion} is the
 * version the answering instance serves (the newest snapshot the quality gate accepted), {@code null} when not serving
 * it; {@code instance} is the status API of the instance that trains the model (absent for a model only served).
 */
final class ModelStatusJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ModelStatusJson() {}

    static ObjectNode of(String modelId, ModelStatus s, Long acceptedVersion, String instance) {
        ObjectNode o = JSON.objectNode();
        o.put("model", modelId);
        if (s == null) {
            o.put("state", "serving");
            o.putNull("latestVersion");
            o.put("acceptedVersion", acceptedVersion);
            return o;
        }
        o.put("instance", instance);
        o.put("state", s.waiting() != null ? "waiting" : s.paused() ? "paused" : "training");
        if (s.snapshotVersion() < 0) {
            o.putNull("latestVersion");
        } else {
            o.put("latestVersion", s.snapshotVersion());
        }
        o.put("acceptedVersion", acceptedVersion);
        o.put("steps", s.steps());
        o.put("examplesTrained", s.examplesTrained());
        o.put("examplesWhilePaused", s.examplesWhilePaused());
        o.put("holdoutReceived", s.holdoutReceived());
        o.put("holdoutBuffered", s.holdoutCount());
        number(o, "learningRate", s.learningRate());
        number(o, "lastTrainLoss", s.lastTrainLoss());
        ObjectNode holdout = o.putObject("holdout");
        number(holdout, "loss", s.lastHoldoutLoss());
        if (s.holdoutMetricName().isEmpty()) {
            holdout.putNull("metric");
        } else {
            holdout.put("metric", s.holdoutMetricName());
        }
        number(holdout, "value", s.holdoutMetricValue());
        number(holdout, "bestLoss", s.bestHoldoutLoss());
        number(holdout, "bestValue", s.bestHoldoutMetricValue());
        o.putObject("earlyStopping").put("wait", s.earlyStoppingWait());
        DriftStatus d = s.drift();
        ObjectNode drift = o.putObject("drift");
        drift.put("detector", d.detector());
        drift.put("state", d.warning() ? "warning" : "none");
        drift.put("warnings", d.warnings());
        drift.put("detections", d.detections());
        if (d.lastDetectionExample() < 0) {
            drift.putNull("lastDetectionExample");
        } else {
            drift.put("lastDetectionExample", d.lastDetectionExample());
        }
        drift.put("challenger", d.challenger());
        WarmStartSource w = s.warmStart();
        if (w == null) {
            o.putNull("warmStart");
        } else if (w.isSnapshot()) {
            o.putObject("warmStart").put("model", w.model()).put("version", w.version());
        } else {
            o.putObject("warmStart").put("file", w.file()).put("sha256", w.sha256());
        }
        if (!s.members().isEmpty()) {
            ArrayNode members = o.putArray("members");
            for (MemberState m : s.members()) {
                ObjectNode member = members.addObject();
                member.put("member", m.member());
                member.put("resets", m.resets());
                member.put("drift", m.drift().name().toLowerCase(Locale.ROOT));
                number(member, m.metric(), m.score());
            }
        }
        WarmStartWait wait = s.waiting();
        if (wait == null) {
            o.putNull("waitingFor");
        } else {
            o.putObject("waitingFor")
                    .put("model", wait.sourceModel())
                    .put("snapshot", "first")
                    .put("held", wait.held())
                    .put("maxHeld", wait.maxHeld());
        }
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
