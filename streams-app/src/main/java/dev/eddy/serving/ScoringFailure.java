package dev.eddy.serving;

import java.util.Locale;

/** Why a feature record was not scored; {@link #code()} is the value of the {@code eddy.dlq.reason} header. */
public enum ScoringFailure {
    /** The record has no value. */
    NULL_VALUE,
    /** The value is neither an Avro single-object {@code Example} nor a JSON object of the expected form. */
    UNDECODABLE,
    /**
     * No version of the model is served: no accepted snapshot of it has come yet (the detail says whether the
     * application trains the model at all), or the ones that came cannot be served (the detail says why).
     */
    NO_SNAPSHOT,
    /** The feature vector's length differs from the served model's input size. */
    WRONG_FEATURE_COUNT,
    /** A feature is NaN or infinite. */
    NON_FINITE_FEATURE,
    /** A feature is finite but beyond what the served model takes ({@link dev.eddy.topology.FeatureRange}). */
    FEATURE_OUT_OF_RANGE,
    /**
     * The features are in range, but an output of the served model is NaN or infinite: a value overflowed on the way
     * through it ({@link ServingModel#nonFiniteOutput}).
     */
    NON_FINITE_OUTPUT;

    /** The lower-case, dash-separated name, e.g. {@code no-snapshot}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
