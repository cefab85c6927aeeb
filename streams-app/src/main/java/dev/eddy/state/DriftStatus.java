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

    /**
     * No drift handling: the status of a model whose stored status predates it, or that has none (nothing is scored
     * before training for a detector to watch).
     */
    public static final DriftStatus NONE = new DriftStatus("none", false, 0, 0, -1, false);
}
