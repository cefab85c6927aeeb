package dev.eddy.history;

import dev.eddy.schema.TrainingMetrics;

/**
 * One training-metrics record of a model as a point of its curves, along {@code examples} (examples trained on so
 * far). Missing figures are NaN: no holdout evaluation in the record, no prequential score yet, a non-finite step's
 * loss. {@code snapshotVersion} is -1 before the first snapshot; a point whose version differs from the point before
 * it marks a snapshot, one whose {@code paused} turned true an early stop.
 *
 * @param seq the record's number in its model's history (1 for the first record read, counting events too)
 */
public record HistoryPoint(
        long seq,
        long examples,
        long step,
        double trainLoss,
        double holdoutLoss,
        double holdoutMetric,
        double prequential,
        double prequentialWindow,
        double learningRate,
        double examplesPerSecond,
        long snapshotVersion,
        boolean paused,
        int earlyStoppingWait,
        long timeMs) {

    static HistoryPoint of(long seq, TrainingMetrics m) {
        return new HistoryPoint(
                seq,
                m.getExamplesSeen(),
                m.getStep(),
                m.getTrainLoss(),
                orNaN(m.getHoldoutLoss()),
                orNaN(m.getHoldoutMetricValue()),
                orNaN(m.getPrequentialMetric()),
                orNaN(m.getPrequentialWindowMetric()),
                m.getLearningRate(),
                m.getExamplesPerSecond(),
                m.getSnapshotVersion() == null ? -1 : m.getSnapshotVersion(),
                m.getPaused(),
                m.getEarlyStoppingWait(),
                m.getTime().toEpochMilli());
    }

    private static double orNaN(Double v) {
        return v == null ? Double.NaN : v;
    }
}
