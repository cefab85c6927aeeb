package dev.eddy.serving;

import dev.eddy.core.train.InferenceModel;
import dev.eddy.schema.Prediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One accepted snapshot ready to score: immutable apart from the {@link InferenceModel}'s own (synchronized) work
 * buffers, so the scorer can swap to a newer one between two records by replacing a reference.
 *
 * <p>The prediction read from the outputs ŷ: K &gt; 1 outputs → class argmax_k ŷ_k; one output of a
 * {@code binary_crossentropy} model → class 1 iff ŷ ≥ 0.5; of a {@code hinge} model → class 1 iff ŷ ≥ 0; of an
 * {@code mse} model → the value ŷ.
 *
 * @param modelId the model
 * @param version the snapshot version
 * @param trial under a search, the champion trial that produced the snapshot ({@code <id>~tNN}); null otherwise
 * @param model the network with the snapshot's input standardization
 */
public record ServingModel(String modelId, long version, String trial, InferenceModel model) {

    /** A model that is not a search's champion. */
    public ServingModel(String modelId, long version, InferenceModel model) {
        this(modelId, version, null, model);
    }

    /** Scores one feature vector of {@link InferenceModel#inputSize()} finite values. */
    public Prediction score(String id, double[] features, long scoreTimeMs) {
        double[] y = model.predict(new double[][] {features})[0];
        List<Double> outputs = new ArrayList<>(y.length);
        for (double v : y) {
            outputs.add(v);
        }
        Prediction.Builder p = Prediction.newBuilder()
                .setId(id)
                .setModelId(modelId)
                .setModelVersion(version)
                .setOutputs(outputs)
                .setPredictedClass(null)
                .setPredictedValue(null)
                .setScoreTime(Instant.ofEpochMilli(scoreTimeMs))
                .setTrial(trial);
        switch (model.loss()) {
            case "mse" -> p.setPredictedValue(y[0]);
            case "hinge" -> p.setPredictedClass(y.length > 1 ? argmax(y) : y[0] >= 0 ? 1 : 0);
            default -> p.setPredictedClass(y.length > 1 ? argmax(y) : y[0] >= 0.5 ? 1 : 0);
        }
        return p.build();
    }

    /**
     * Why {@code p}, scored by this model, cannot be served: its first output that is NaN or infinite; null when every
     * output is finite. Finite features in range can still overflow inside the model: a float32 model's feature
     * standardized beyond the float range (x' = (x − x̄)/σ with a small σ), or a float64 layer's h·W beyond the double
     * range, after which the next layer adds +∞ and −∞ (NaN). Such an output would be read as class 0 (NaN ≥ 0.5 is
     * false).
     */
    public String nonFiniteOutput(Prediction p) {
        List<Double> y = p.getOutputs();
        for (int k = 0; k < y.size(); k++) {
            if (!Double.isFinite(y.get(k))) {
                return "output " + k + " is " + y.get(k) + " (a value overflowed in the "
                        + model.precision().spelling() + " model)";
            }
        }
        return null;
    }

    private static int argmax(double[] y) {
        int best = 0;
        for (int k = 1; k < y.length; k++) {
            if (y[k] > y[best]) {
                best = k;
            }
        }
        return best;
    }
}
