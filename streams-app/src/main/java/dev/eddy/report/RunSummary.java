package dev.eddy.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The figures of a finished training run.
 *
 * @param dataset what was streamed, e.g. {@code digits}
 * @param model the network, e.g. {@code 256:relu,256:relu,10:softmax}
 * @param examples training examples seen by the trainer
 * @param steps optimizer steps
 * @param evaluations evaluations on the holdout buffer
 * @param snapshotVersion newest snapshot version (−1: none)
 * @param metric the monitored holdout metric, e.g. {@code accuracy}
 * @param bestMetric its best value (max for accuracy-like metrics, min for losses and errors)
 * @param bestAtExamples examples seen at the best evaluation
 * @param finalMetric its value at the last evaluation
 * @param prequential the last test-then-train metric on the training stream (NaN when not reported)
 * @param stoppedEarly whether early stopping stopped training
 * @param stoppedAtExamples examples seen when it stopped (−1: it did not)
 * @param stoppedAtStep step at which it stopped (−1: it did not)
 * @param examplesPerSecond examples / trainingSeconds
 * @param trainingSeconds wall time from the first example sent to the last evaluation
 * @param driftDetections examples seen at each drift the model's detector found, in order
 * @param sparsity the last reported fraction of kernel weights that are 0 (NaN: the model is not pruned)
 * @param memberScores an ensemble's members' test-then-train accuracy (RMSE for regression) at the end, in member
 *     order; empty for one network
 */
public record RunSummary(
        String dataset,
        String model,
        long examples,
        long steps,
        int evaluations,
        long snapshotVersion,
        String metric,
        double bestMetric,
        long bestAtExamples,
        double finalMetric,
        double prequential,
        boolean stoppedEarly,
        long stoppedAtExamples,
        long stoppedAtStep,
        double examplesPerSecond,
        double trainingSeconds,
        List<Long> driftDetections,
        double sparsity,
        List<Double> memberScores) {

    public RunSummary {
        driftDetections = List.copyOf(driftDetections);
        memberScores = List.copyOf(memberScores);
    }

    /** Holdout metrics for which smaller is better. */
    private static final Set<String> MINIMIZED = Set.of("loss", "mae", "rmse");

    /**
     * Summarizes recorded evaluations.
     *
     * @param points the run's evaluations in order (may be empty)
     * @param trainingSeconds wall time from the first example sent to the last evaluation
     */
    public static RunSummary of(String dataset, String model, List<TrainingPoint> points, double trainingSeconds) {
        String metric = points.stream()
                .map(TrainingPoint::holdoutMetricName)
                .filter(n -> !n.isEmpty())
                .findFirst()
                .orElse("");
        boolean minimize = MINIMIZED.contains(metric);
        double best = Double.NaN;
        long bestAt = -1;
        double last = Double.NaN;
        double prequential = Double.NaN;
        double sparsity = Double.NaN;
        long stoppedAtExamples = -1;
        long stoppedAtStep = -1;
        List<Long> drifts = new ArrayList<>();
        int evaluations = 0;
        for (TrainingPoint p : points) {
            if (p.event().equals("drift")) {
                drifts.add(p.examples());
            }
            if (Double.isFinite(p.sparsity())) {
                sparsity = p.sparsity();
            }
            if (!p.event().isEmpty()) {
                continue; // an event's record is not an evaluation
            }
            evaluations++;
            double v = p.holdoutMetric();
            if (Double.isFinite(v)) {
                last = v;
                if (Double.isNaN(best) || (minimize ? v < best : v > best)) {
                    best = v;
                    bestAt = p.examples();
                }
            }
            if (Double.isFinite(p.prequential())) {
                prequential = p.prequential();
            }
            if (p.paused() && stoppedAtStep < 0) {
                stoppedAtExamples = p.examples();
                stoppedAtStep = p.step();
            }
        }
        TrainingPoint end = points.isEmpty() ? null : points.get(points.size() - 1);
        long examples = end == null ? 0 : end.examples();
        return new RunSummary(
                dataset,
                model,
                examples,
                end == null ? 0 : end.step(),
                evaluations,
                end == null ? -1 : end.version(),
                metric,
                best,
                bestAt,
                last,
                prequential,
                stoppedAtStep >= 0,
                stoppedAtExamples,
                stoppedAtStep,
                trainingSeconds > 0 ? examples / trainingSeconds : Double.NaN,
                trainingSeconds,
                drifts,
                sparsity,
                List.of());
    }

    /** The same summary with an ensemble's members' scores (see {@link #memberScores}). */
    public RunSummary withMemberScores(List<Double> scores) {
        return new RunSummary(
                dataset,
                model,
                examples,
                steps,
                evaluations,
                snapshotVersion,
                metric,
                bestMetric,
                bestAtExamples,
                finalMetric,
                prequential,
                stoppedEarly,
                stoppedAtExamples,
                stoppedAtStep,
                examplesPerSecond,
                trainingSeconds,
                driftDetections,
                sparsity,
                scores);
    }

    /** The same summary with the newest snapshot version as observed elsewhere (e.g. the status store). */
    public RunSummary withSnapshotVersion(long version) {
        return new RunSummary(
                dataset,
                model,
                examples,
                steps,
                evaluations,
                Math.max(version, snapshotVersion),
                metric,
                bestMetric,
                bestAtExamples,
                finalMetric,
                prequential,
                stoppedEarly,
                stoppedAtExamples,
                stoppedAtStep,
                examplesPerSecond,
                trainingSeconds,
                driftDetections,
                sparsity,
                memberScores);
    }
}
