package dev.eddy.config;

/**
 * The topics the training topology reads and writes.
 *
 * @param examples labeled examples (Avro {@code Example}), the training input
 * @param holdout held-out examples, read only in {@link HoldoutMode#TOPIC}
 * @param snapshots versioned {@code ModelSnapshot}s, compacted, key = model id
 * @param metrics one {@code TrainingMetrics} record per evaluation
 * @param deadLetters records that failed validation, original bytes plus reason headers
 * @param commands control records ({@code resume}, {@code reset}, {@code set})
 */
public record EddyTopics(
        String examples, String holdout, String snapshots, String metrics, String deadLetters, String commands) {}
