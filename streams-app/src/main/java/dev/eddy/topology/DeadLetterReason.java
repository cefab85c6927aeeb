package dev.eddy.topology;

import java.util.Locale;

/** Why a record went to the dead-letter topic; {@link #code()} is the value of the {@code eddy.dlq.reason} header. */
public enum DeadLetterReason {
    /**
     * The value is not an Avro single-object {@code Example}, or an internal record does not decode (a fan-out copy
     * from an unknown source, a spread search's message or the status, snapshot or model it carries). A command that
     * cannot be parsed is {@link #BAD_COMMAND}.
     */
    UNDECODABLE,
    /** The record has no value. */
    NULL_VALUE,
    /**
     * The example names a model that is not configured, or a trainer-input record belongs to a model that is no
     * longer configured.
     */
    UNKNOWN_MODEL,
    /** The feature vector's length differs from the model's {@code input-size}. */
    WRONG_FEATURE_COUNT,
    /** A feature is NaN or infinite. */
    NON_FINITE_FEATURE,
    /** Neither {@code classLabel} (classification model) nor {@code target} (regression model) is set. */
    MISSING_LABEL,
    /** Both {@code classLabel} and {@code target} are set. */
    AMBIGUOUS_LABEL,
    /** The class is outside [0, K), or the target is NaN, infinite or beyond the bound of {@link #FEATURE_OUT_OF_RANGE}. */
    LABEL_OUT_OF_RANGE,
    /**
     * The example weight is negative, NaN or infinite (a weight multiplies the example's loss: it must be finite and
     * ≥ 0). Was {@code unsupported-weight} (any weight ≠ 1) before weights were honoured; same position in the enum.
     */
    BAD_WEIGHT,
    /** A command record that cannot be parsed, names an unknown command or model, or sets a bad value. */
    BAD_COMMAND,
    /**
     * An example that does not fit the configuration the model's stored state was written under: the configuration
     * changed in non-live keys and the model was not {@code reset}.
     */
    STALE_CONFIG,
    /**
     * With {@code routing=direct} on input topics of several partitions, an example names a model but its record key
     * is not that model id (or it sits in another partition than a record keyed by the model id would): the model
     * trains in the task of its own partition, which never sees this record.
     */
    WRONG_KEY,
    /**
     * The model waits for the first snapshot of its warm-start source (a model of the same application) and already
     * holds {@code warm-start.max-held-examples} inputs.
     */
    WARM_START_WAIT,
    /**
     * A feature is finite but larger in magnitude than the model takes ({@link FeatureRange}): beyond ±10¹⁵⁰ with
     * {@code standardize} (its square would overflow the standardization's variance), or beyond the float range for
     * a {@code precision=float32} model.
     */
    FEATURE_OUT_OF_RANGE;

    /** The lower-case, dash-separated name, e.g. {@code wrong-feature-count}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
