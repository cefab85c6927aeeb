package dev.eddy.core.search;

import java.util.List;
import java.util.Map;

/** The settings of one search strategy: its own keys, their defaults and their validation. */
public sealed interface StrategyConfig permits AshaConfig, PbtConfig, ZoomConfig {

    /** The keys of this strategy, sorted. */
    List<String> keys();

    /** The canonical keys and values, defaults included. */
    Map<String, String> toProperties();
}
