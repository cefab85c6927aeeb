package dev.eddy.topology;

import dev.eddy.core.ensemble.MemberState;
import dev.eddy.core.train.Evaluation;
import dev.eddy.core.train.StepResult;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.state.ModelStatus;
import java.util.List;

/**
 * Observer of the training topology, called synchronously on the stream thread that processes the record (keep it
 * cheap and non-blocking; Micrometer counters and gauges are fine). Every method has a no-op default.
 *
 * <p>Calls are not exactly-once: after a crash, records re-processed from the last commit call the listener again.
 * The topics (snapshots, metrics, dead letters) are exact.
 */
public interface TrainingListener {

    /** Listens to nothing. */
    TrainingListener NONE = new TrainingListener() {};

    /**
     * A training example reached the trainer of {@code modelId}.
     *
     * @param trained false when training is paused (early stop): the example is counted but not trained on
     */
    default void onExample(String modelId, boolean trained) {}

    /** A held-out example was added to the holdout buffer of {@code modelId}. */
    default void onHoldoutExample(String modelId) {}

    /**
     * One optimizer step ran.
     *
     * @param examplesSeen examples trained on so far
     * @param nanos wall time of the step (forward, backward, update)
     */
    default void onStep(String modelId, StepResult step, long examplesSeen, long nanos) {}

    /**
     * A metrics record was published to the metrics topic: at an evaluation (every {@code eval-every} steps), or
     * after a non-finite step, whose record has a non-finite {@code trainLoss} or {@code gradientNorm} and the
     * backed-off learning rate (and no holdout scores).
     */
    default void onEvaluation(String modelId, TrainingMetrics metrics) {}

    /**
     * The holdout buffer was evaluated, with every metric of the model's kind (the metrics record, passed next to
     * {@link #onEvaluation}, carries only the monitored one).
     */
    default void onHoldoutEvaluation(String modelId, Evaluation evaluation) {}

    /**
     * Examples were scored before they were used (test-then-train): the rows of a full batch right before its step, or
     * one held-out example, or one training example while training is paused, each when it arrived.
     *
     * @param predicted per row the predicted class index (classification) or value (regression)
     * @param labels per row the actual class index or target
     * @param metric the prequential accuracy or RMSE since the start (or the last reset), these rows included
     * @param windowMetric the same over the last {@code prequential.window} examples
     */
    default void onPrequential(
            String modelId, double[] predicted, double[] labels, double metric, double windowMetric) {}

    /**
     * The drift detector of {@code modelId} observed training examples; {@code warning} says whether it is in its
     * warning zone now. (Detections themselves are metrics records with an {@code event}, heard by
     * {@link #onEvaluation}.)
     */
    default void onDriftState(String modelId, boolean warning) {}

    /** A snapshot with this version was published. */
    default void onSnapshot(String modelId, long version, SnapshotReason reason) {}

    /** A record went to the dead-letter topic. */
    default void onDeadLetter(DeadLetterReason reason) {}

    /** Training of {@code modelId} paused (early stop) or was re-armed (resume, reset). */
    default void onPaused(String modelId, boolean paused) {}

    /** After each step of an ensemble: every member's resets, detector state and prequential score. */
    default void onMembers(String modelId, List<MemberState> members) {}

    /**
     * The model was opened from its stored state (a restart, a rebalance): {@code status} is where it stands, so that
     * what is only said when it changes (paused, the version, the last losses) is known before it next changes.
     *
     * @param metric its prequential metric so far and {@code windowMetric} that of its restored window (accuracy
     *     for classification, RMSE for regression), NaN before the first scored example
     */
    default void onRestored(String modelId, ModelStatus status, double metric, double windowMetric) {}
}
