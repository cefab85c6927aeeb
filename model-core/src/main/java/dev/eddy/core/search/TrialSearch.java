package dev.eddy.core.search;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;

/**
 * A search strategy over a fixed set of trials {@code 0..n−1}, all training from example 0 on the same examples:
 * it says which trials train ({@link #status}), when each reports its metric ({@link #nextMilestone}, in examples
 * trained) and what follows from a report ({@link #report}). Every decision depends only on the sequence of
 * reports, never on wall-clock time, and the state is saved exactly, so a restored search takes the same decisions.
 */
public sealed interface TrialSearch permits AllTrials, Asha, Hyperband, Pbt, Zoom {

    /** The number of trials. */
    int trials();

    /** Where {@code trial} stands: running and completed trials are live (they train and may serve). */
    Asha.Status status(int trial);

    /** The highest rung {@code trial} was recorded in, −1 for none (and always for a strategy without rungs). */
    int rung(int trial);

    /** The example count at which {@code trial} reports next; empty when it does not report (paused, completed). */
    OptionalLong nextMilestone(int trial);

    /**
     * Records that {@code trial} has trained {@code examples} examples with {@code metric} and returns the decisions,
     * the reporting trial's first.
     */
    List<Asha.Decision> report(int trial, long examples, double metric);

    /** Writes the complete state. */
    void saveState(DataOutput out) throws IOException;

    /** Restores a state written by {@link #saveState} of a search with the same configuration. */
    void loadState(DataInput in) throws IOException;

    /** Whether {@code trial} trains and may serve (not paused). */
    default boolean live(int trial) {
        return status(trial) != Asha.Status.PAUSED;
    }

    /**
     * The strategy of {@code config} over its {@link SearchConfig#initialTrials}: {@link AllTrials} for grid and
     * random, {@link Asha}, {@link Hyperband}, {@link Zoom}, {@link Pbt}.
     *
     * @param maximize whether a larger metric is better ({@link SearchConfig#maximize})
     */
    static TrialSearch of(SearchConfig config, boolean maximize) {
        return switch (config.strategy()) {
            case "grid", "random" -> new AllTrials(config.trials());
            case "asha" -> new Asha(
                    (AshaConfig) config.settings().orElseThrow(), config.trials(), maximize, config.switchMargin());
            case "hyperband" -> new Hyperband(
                    (AshaConfig) config.settings().orElseThrow(), config.trials(), maximize, config.switchMargin());
            case "zoom" -> new Zoom(
                    (ZoomConfig) config.settings().orElseThrow(),
                    config.space(),
                    config.initialTrials(),
                    config.seed(),
                    maximize);
            case "pbt" -> new Pbt(
                    (PbtConfig) config.settings().orElseThrow(),
                    config.space(),
                    config.initialTrials(),
                    config.seed(),
                    maximize);
            default -> throw new IllegalArgumentException(
                    "search.strategy=" + config.strategy() + " is not one of " + SearchConfig.STRATEGIES);
        };
    }
}
