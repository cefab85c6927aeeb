package dev.eddy.topology;

import dev.eddy.core.loss.ExampleWeights;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import java.util.List;

/** The checks an example must pass for one model. */
final class ExampleCheck {

    /** Why the example fails, with a human-readable detail. */
    record Failure(DeadLetterReason reason, String detail) {}

    private ExampleCheck() {}

    /**
     * Checks: feature count = {@code input-size}, every feature finite and within {@link FeatureRange}; for a
     * classification model a class k ∈ [0, K) with K = output units (K = 2 for one sigmoid unit) and no target; for
     * regression a finite target within the same bound and no class; the example weight absent (1), 0 or in [10⁻¹⁰⁰,
     * 10¹⁰⁰] ({@link ExampleWeights#MAX}: the sums of a batch stay finite and positive).
     *
     * @return null when the example is valid for {@code model}
     */
    static Failure check(Example example, TrainerConfig model) {
        List<Double> x = example.getFeatures();
        if (x.size() != model.inputSize()) {
            return new Failure(
                    DeadLetterReason.WRONG_FEATURE_COUNT,
                    "expected " + model.inputSize() + " features, got " + x.size());
        }
        for (int j = 0; j < x.size(); j++) {
            double v = x.get(j);
            if (!Double.isFinite(v)) {
                return new Failure(DeadLetterReason.NON_FINITE_FEATURE, "feature " + j + " is " + v);
            }
            String outOfRange = FeatureRange.problem(j, v, model.precision(), model.standardize());
            if (outOfRange != null) {
                return new Failure(DeadLetterReason.FEATURE_OUT_OF_RANGE, outOfRange);
            }
        }
        Integer k = example.getClassLabel();
        Double y = example.getTarget();
        if (k != null && y != null) {
            return new Failure(DeadLetterReason.AMBIGUOUS_LABEL, "both classLabel and target are set");
        }
        if (model.classification()) {
            int classes = model.outputSize() == 1 ? 2 : model.outputSize();
            if (k == null) {
                return new Failure(
                        DeadLetterReason.MISSING_LABEL,
                        (y == null ? "" : "has target " + y + " but ")
                                + "classification model needs classLabel in [0, " + classes + ")"
                                + (y == null ? "" : " (eddy produce: --label-kind class)"));
            }
            if (k < 0 || k >= classes) {
                return new Failure(
                        DeadLetterReason.LABEL_OUT_OF_RANGE, "classLabel must be in [0, " + classes + "), got " + k);
            }
        } else {
            if (y == null) {
                return new Failure(
                        DeadLetterReason.MISSING_LABEL,
                        k == null
                                ? "regression model needs a target"
                                : "has classLabel " + k + " but regression model needs a target (eddy produce:"
                                        + " --label-kind target)");
            }
            double max = FeatureRange.max(model.precision(), model.standardizeTarget());
            if (!(Math.abs(y) <= max)) {
                String bound = max < Double.MAX_VALUE
                        ? " and within ±" + max + " (" + FeatureRange.why(model.precision(), model.standardizeTarget())
                                + ")"
                        : "";
                return new Failure(DeadLetterReason.LABEL_OUT_OF_RANGE, "target must be finite" + bound + ", got " + y);
            }
        }
        String badWeight = example.getWeight() == null ? null : ExampleWeights.problem(example.getWeight());
        if (badWeight != null) {
            return new Failure(DeadLetterReason.BAD_WEIGHT, "weight " + badWeight);
        }
        return null;
    }
}
