package dev.eddy.state;

/**
 * What a model's drift handling has done, for the status API.
 *
 * @param detector the {@code drift.detector} in force ({@code none}: no drift handling)
 * @param warning whether the detector is in its warning zone
 * @param warnings rises to a warning so far
 * @param detections drifts detected so far
 * @param lastDetectionExample the training examples counted at the last detection, −1 before the first
 * @param challenger whether a challenger network is running
 */
public record DriftStatus(
        String detector,
        boolean warning,
        long warnings,
        long detections,
        long lastDetectionExample,
        boolean challenger) {

    /** The status of a model whose stored status predates drift handling. */
    public static final DriftStatus UNKNOWN = new DriftStatus("none", false, 0, 0, -1, false);
}
