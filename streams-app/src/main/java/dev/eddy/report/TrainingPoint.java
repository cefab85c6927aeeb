package dev.eddy.report;

import dev.eddy.schema.TrainingMetrics;

/**
 * One evaluation of a training run, as recorded for the report (a {@link TrainingMetrics} record in plain numbers;
 * NaN where a value is absent, version −1 before the first snapshot).
 *
 * @param examples training examples seen
 * @param step optimizer steps taken
 * @param trainLoss mean mini-batch loss since the previous evaluation
 * @param holdoutLoss loss on the holdout buffer
 * @param holdoutMetricName the monitored holdout metric, e.g. {@code accuracy} or {@code loss}; empty if none
 * @param holdoutMetric its value
 * @param learningRate learning rate in force
 * @param examplesPerSecond training throughput since the previous evaluation
 * @param version newest snapshot version
 * @param earlyStoppingWait evaluations since the monitored metric last improved
 * @param paused whether early stopping has stopped training
 * @param prequential test-then-train metric on the training stream
 * @param event the kind of the record's drift event ({@code drift}, {@code challenger-swap}, ...), empty if none
 * @param sparsity fraction of the kernel weights that are 0 (models pruned during training; NaN otherwise)
 */
public record TrainingPoint(
        long examples,
        long step,
        double trainLoss,
        double holdoutLoss,
        String holdoutMetricName,
        double holdoutMetric,
        double learningRate,
        double examplesPerSecond,
        long version,
        int earlyStoppingWait,
        boolean paused,
        double prequential,
        String event,
        double sparsity) {

    /** The point of a metrics record. */
    public static TrainingPoint of(TrainingMetrics m) {
        return new TrainingPoint(
                m.getExamplesSeen(),
                m.getStep(),
                m.getTrainLoss(),
                orNaN(m.getHoldoutLoss()),
                m.getHoldoutMetricName() == null ? "" : m.getHoldoutMetricName().toString(),
                orNaN(m.getHoldoutMetricValue()),
                m.getLearningRate(),
                m.getExamplesPerSecond(),
                m.getSnapshotVersion() == null ? -1 : m.getSnapshotVersion(),
                m.getEarlyStoppingWait(),
                m.getPaused(),
                orNaN(m.getPrequentialMetric()),
                m.getEvent() == null ? "" : m.getEvent().getKind(),
                orNaN(m.getSparsity()));
    }

    /** The same point with the throughput measured by the caller (e.g. on the wall clock of a live run). */
    public TrainingPoint withExamplesPerSecond(double rate) {
        return new TrainingPoint(
                examples,
                step,
                trainLoss,
                holdoutLoss,
                holdoutMetricName,
                holdoutMetric,
                learningRate,
                rate,
                version,
                earlyStoppingWait,
                paused,
                prequential,
                event,
                sparsity);
    }

    private static double orNaN(Double d) {
        return d == null ? Double.NaN : d;
    }
}
