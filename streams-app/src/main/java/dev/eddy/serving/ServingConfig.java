package dev.eddy.serving;

import dev.eddy.config.EddyConfig;
import dev.eddy.config.EddyTopics;
import java.util.Arrays;
import java.util.List;

/**
 * What the scoring topology reads and writes.
 *
 * @param featuresTopic unlabeled feature records: Avro {@code Example} (label unset) or a JSON object
 * @param predictionsTopic {@code Prediction} records, key = the feature record's id
 * @param snapshotsTopic the model snapshots; only accepted ones are served
 * @param deadLettersTopic feature records that could not be scored, original bytes plus reason headers
 * @param defaultModel the model scoring a feature record that names none
 * @param models the models this application trains, sorted (it scores any model with an accepted snapshot)
 * @param featureOrder for JSON records without a {@code "features"} array: the field names read, in input order
 */
public record ServingConfig(
        String featuresTopic,
        String predictionsTopic,
        String snapshotsTopic,
        String deadLettersTopic,
        String defaultModel,
        List<String> models,
        List<String> featureOrder) {

    public ServingConfig {
        for (String[] named : new String[][] {
            {"featuresTopic", featuresTopic},
            {"predictionsTopic", predictionsTopic},
            {"snapshotsTopic", snapshotsTopic},
            {"deadLettersTopic", deadLettersTopic},
            {"defaultModel", defaultModel}
        }) {
            if (named[1] == null || named[1].isBlank()) {
                throw new IllegalArgumentException(named[0] + " must be a non-empty name, got '" + named[1] + "'");
            }
        }
        models = List.copyOf(models);
        featureOrder = List.copyOf(featureOrder);
    }

    /**
     * The configured topics ({@code topic.features}, {@code topic.predictions}, the snapshot and dead-letter topics),
     * {@code serving.feature-order} (comma-separated field names, empty for none), the configured models and the first
     * of them as the default model.
     */
    public static ServingConfig of(EddyConfig config) {
        EddyTopics topics = config.topics();
        String order = config.value("serving.feature-order");
        return new ServingConfig(
                config.value("topic.features"),
                config.value("topic.predictions"),
                topics.snapshots(),
                topics.deadLetters(),
                config.models().firstKey(),
                List.copyOf(config.models().keySet()),
                order.isBlank()
                        ? List.of()
                        : Arrays.stream(order.split(",")).map(String::strip).toList());
    }

    /** {@code serving.enabled}: whether the application scores features at all. */
    public static boolean enabled(EddyConfig config) {
        return Boolean.parseBoolean(config.value("serving.enabled"));
    }
}
