package dev.eddy.core.train;

import dev.eddy.core.drift.DriftResponse;
import dev.eddy.core.ensemble.MemberState;
import dev.eddy.core.prune.Sparsity;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the trainer task drives: one network ({@link Trainer}) or an ensemble of them ({@code
 * dev.eddy.core.ensemble.Ensemble}), created and restored by {@link Learners}. Mini-batch steps, prequential
 * predictions, holdout evaluations feeding early stopping, live changes and one versioned state; the model it serves
 * is {@link #inferenceModel()}.
 */
public interface Learner {

    /** The model's configuration in force (live changes included). */
    TrainerConfig config();

    /**
     * One step on one mini-batch with a weight per example (see {@link Trainer#step(double[][], double[], double[])}).
     *
     * @throws IllegalStateException if training has stopped (see {@link #resume()})
     * @throws IllegalArgumentException naming the first bad row, label or weight
     */
    StepResult step(double[][] features, double[] labels, double[] weights);

    /** Per row the predicted class or value of the model as it is now, in inference mode; changes nothing. */
    double[] predictions(double[][] features);

    /** Holdout loss and metrics of the served prediction, in inference mode; changes nothing. */
    Evaluation evaluate(double[][] features, double[] labels);

    /** Feeds an evaluation to reduce-on-plateau and early stopping (Keras semantics, evaluations as epochs). */
    EvaluationOutcome onEvaluation(Evaluation evaluation);

    /** Early stopping's best monitored value and its evaluation index, if any evaluation improved. */
    Optional<Map.Entry<Integer, Double>> best();

    /** Re-arms a stopped learner (see {@link Trainer#resume()}). */
    void resume();

    /** A drift was detected: re-arms as {@code response} says, as for a new stream (see {@link Trainer#rearm}). */
    void rearm(DriftResponse response);

    /** Changes a live hyper-parameter ({@link TrainerConfig#LIVE_KEYS}), validated like the configuration. */
    void set(String key, String value);

    /** The learning rate the next update will use. */
    double learningRate();

    /** Updates made so far. */
    long steps();

    /** Examples passed to {@link #step} so far. */
    long examplesSeen();

    boolean stopped();

    Optional<StopReason> stopReason();

    /** The model to serve and export: architecture, weights and input standardization. */
    InferenceModel inferenceModel();

    /** Each ensemble member's state, in member order; empty for one network. */
    default List<MemberState> members() {
        return List.of();
    }

    /** Σ_l zeros(W_l) / Σ_l |W_l| over the kernels of the model served, every network of it ({@link Sparsity}). */
    default double sparsity() {
        return Sparsity.overall(inferenceModel().networks());
    }

    /** The complete training state, in one versioned binary form that {@link Learners#restore} reads. */
    byte[] state();
}
