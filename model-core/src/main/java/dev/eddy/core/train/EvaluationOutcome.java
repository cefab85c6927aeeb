package dev.eddy.core.train;

/**
 * What {@link Trainer#onEvaluation} did with one evaluation.
 *
 * @param evaluation index of this evaluation since the trainer was created or last re-armed (−1 when
 *     early stopping is disabled)
 * @param improved the monitored metric improved: these weights are the new best weights
 * @param stopped training stopped after this evaluation (early stopping)
 * @param restoredBestWeights the best weights were put back into the model (on stop, with {@code
 *     early-stopping.restore-best-weights})
 * @param learningRate the learning rate in force after this evaluation (reduce-on-plateau applied)
 */
public record EvaluationOutcome(
        int evaluation, boolean improved, boolean stopped, boolean restoredBestWeights, double learningRate) {}
