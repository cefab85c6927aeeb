package dev.eddy.state;

import dev.eddy.core.ensemble.MemberState;
import java.util.List;

/**
 * The progress of one model's training, kept in the status store (key = model id) and readable through interactive
 * queries. It also records where the model's chunked trainer state is ({@link #stateChunks}, {@link #stateBytes}) and
 * the snapshot version counter, so it is written in the same transaction as the state it describes.
 *
 * @param modelId the model
 * @param snapshotVersion version of the newest published snapshot, before the first the highest version of the model
 *     id on the snapshot topic when the model opened (-1 when it had none); versions strictly increase
 * @param steps optimizer steps taken
 * @param examplesTrained examples passed to the optimizer
 * @param examplesWhilePaused training examples that arrived while training was paused (counted, not trained on)
 * @param holdoutReceived held-out examples received
 * @param holdoutCount examples currently in the holdout buffer
 * @param paused whether training is paused (early stop or another stop of the trainer)
 * @param lastTrainLoss loss of the last step (NaN before the first)
 * @param lastHoldoutLoss holdout loss of the weights the model holds: the last evaluation's, the best one's once a stop
 *     restored the best weights; NaN before the first evaluation and after a reset or a holdout flush
 * @param holdoutMetricName the monitored metric (early stopping's monitor), empty if none
 * @param holdoutMetricValue its value at the last evaluation (NaN before the first)
 * @param bestHoldoutLoss holdout loss at the best evaluation since the last resume or reset (NaN if none)
 * @param bestHoldoutMetricValue the monitored metric at that evaluation (NaN if none)
 * @param earlyStoppingWait evaluations since the monitored metric last improved
 * @param learningRate the learning rate the next step will use
 * @param intervalLossSum sum of step losses since the last evaluation (for the mean train loss of the metrics)
 * @param intervalSteps steps since the last evaluation
 * @param prequentialExamples n: training examples scored by the model right before the step on their batch
 *     (prequential, test-then-train evaluation; 0 when it is disabled), since the start or the last reset
 * @param prequentialSum for classification the number of those n predicted correctly (accuracy = sum / n), for
 *     regression Σ (ŷ − y)² over them (RMSE = √(sum / n))
 * @param stateChunks number of chunks of the trainer state in the trainer-state store
 * @param stateBytes length of the trainer state in bytes
 * @param drift what the drift handling has done
 * @param warmStart the source the model warm-started from at its start or last reset, or null (a cold start)
 * @param members an ensemble's members (resets, detector state, prequential score), empty for one network
 * @param waiting what the model waits for before it can start (its warm-start source's first snapshot), or null; a
 *     waiting model has no trainer state and every counter at its start value
 */
public record ModelStatus(
        String modelId,
        long snapshotVersion,
        long steps,
        long examplesTrained,
        long examplesWhilePaused,
        long holdoutReceived,
        int holdoutCount,
        boolean paused,
        double lastTrainLoss,
        double lastHoldoutLoss,
        String holdoutMetricName,
        double holdoutMetricValue,
        double bestHoldoutLoss,
        double bestHoldoutMetricValue,
        int earlyStoppingWait,
        double learningRate,
        double intervalLossSum,
        long intervalSteps,
        long prequentialExamples,
        double prequentialSum,
        int stateChunks,
        int stateBytes,
        DriftStatus drift,
        WarmStartSource warmStart,
        List<MemberState> members,
        WarmStartWait waiting) {

    public ModelStatus {
        members = List.copyOf(members);
    }

    /**
     * The status of a model that has not started because it waits (every counter at its start value, no trainer
     * state).
     */
    public static ModelStatus waiting(String modelId, WarmStartWait waiting) {
        return new ModelStatus(
                modelId,
                -1,
                0,
                0,
                0,
                0,
                0,
                false,
                Double.NaN,
                Double.NaN,
                "",
                Double.NaN,
                Double.NaN,
                Double.NaN,
                0,
                Double.NaN,
                0,
                0,
                0,
                0,
                0,
                0,
                DriftStatus.NONE,
                null,
                List.of(),
                waiting);
    }
}
