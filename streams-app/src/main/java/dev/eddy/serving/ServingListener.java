package dev.eddy.serving;

/** Told about serving events (scoring, swaps, quality-gate decisions), synchronously on the thread that has them. */
public interface ServingListener {

    /** A feature record was scored by {@code version} of {@code modelId}. */
    default void onPrediction(String modelId, long version) {}

    /** A feature record went to the dead-letter topic; {@code reason} is {@link ScoringFailure#code()}. */
    default void onDeadLetter(ScoringFailure reason) {}

    /** An accepted snapshot is now served (also on start-up, once per model). */
    default void onSwap(String modelId, long version) {}

    /** A snapshot was not served: refused by the quality gate, not newer than the served one, or unreadable. */
    default void onSnapshotSkipped(String modelId, long version, String why) {}

    /**
     * A snapshot record could not be served at all (undecodable, or a model this build cannot build from it): dropped,
     * also told as {@link #onSnapshotSkipped}; {@code modelId} is the record's key when the record did not decode.
     */
    default void onSnapshotUnservable(String modelId, long version, String why) {}

    /** The quality gate refused a snapshot; it is still published, with {@code reason}. */
    default void onRefused(String modelId, long version, String reason) {}

    ServingListener NONE = new ServingListener() {};
}
