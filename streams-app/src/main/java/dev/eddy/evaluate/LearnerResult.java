package dev.eddy.evaluate;

/**
 * The prequential figures of one learner on one stream (NaN where undefined; classification fills accuracy, kappa
 * and kappa-temporal, regression MAE and RMSE).
 *
 * @param position the stream positions (examples scored) of the windowed metric's points
 * @param window the windowed accuracy (classification) or RMSE (regression) at those positions
 * @param detections the stream positions (rows read, 1-based) at which the learner's drift detector found a drift
 */
public record LearnerResult(
        String name,
        double accuracy,
        double kappa,
        double kappaTemporal,
        double mae,
        double rmse,
        double examplesPerSecond,
        double[] position,
        double[] window,
        long[] detections) {}
