package dev.eddy.config;

/** Where held-out examples come from. */
public enum HoldoutMode {
    /** A deterministic fraction of the examples topic, chosen by a hash of the example id. */
    SPLIT,
    /** A separate holdout topic; the examples topic is trained on entirely. */
    TOPIC
}
