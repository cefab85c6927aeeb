package dev.eddy.core.drift;

import java.util.Map;

/** The validated configuration of one detector, read from its own {@code drift.*} keys. */
public sealed interface DetectorConfig permits AdwinConfig, PageHinkleyConfig, DdmConfig, KswinConfig {

    /** The {@code drift.detector} name. */
    String detector();

    /** The canonical keys: every key of this detector with its value, defaults filled in, sorted. */
    Map<String, String> toProperties();

    /** A detector in its initial state. */
    DriftDetector newDetector();
}
