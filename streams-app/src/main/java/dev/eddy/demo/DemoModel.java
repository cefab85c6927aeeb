package dev.eddy.demo;

import dev.eddy.core.data.LabelKind;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo's default model: deliberately wide for the small bundled datasets, so it memorizes the training rows,
 * the holdout loss turns up, and early stopping (patience counted in evaluations) visibly stops training within a
 * minute or two. Classification monitors holdout accuracy, regression holdout loss. On an endless drifting stream
 * early stopping pauses the model within a concept and the drift detector re-arms it at the next concept change:
 * the demo runs on through pauses there, and the progress line and the report show the detections.
 */
final class DemoModel {

    private DemoModel() {}

    /** Trainer keys (without the {@code model.<id>.} prefix) for a stream of this shape. */
    static Map<String, String> defaults(int features, LabelKind kind, int classes) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("input-size", Integer.toString(features));
        String output = kind == LabelKind.TARGET ? "1:linear" : classes == 2 ? "1:sigmoid" : classes + ":softmax";
        keys.put("layers", "256:relu,256:relu," + output);
        keys.put("optimizer", "adam");
        keys.put("learning-rate", "0.001");
        keys.put("batch-size", "32");
        keys.put("eval-every", "10");
        keys.put("early-stopping.monitor", kind == LabelKind.TARGET ? "holdout_loss" : "holdout_accuracy");
        keys.put("early-stopping.patience", "15");
        keys.put("early-stopping.restore-best-weights", "true");
        return keys;
    }
}
