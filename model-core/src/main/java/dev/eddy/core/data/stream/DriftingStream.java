package dev.eddy.core.data.stream;

import dev.eddy.core.data.LabeledRow;
import java.util.Iterator;
import java.util.List;

/**
 * An endless, seeded stream of labeled examples whose concept (the rule from features to label) changes over time:
 * the synthetic drifting streams of the stream-learning literature. The same constructor arguments give the same
 * sequence of examples.
 *
 * <p>Each {@link #next()} returns a fresh {@link LabeledRow} whose {@code lineNumber} is its 1-based position in the
 * stream and whose label is a class index in {0, …, {@link #classes()} − 1}.
 */
public interface DriftingStream extends Iterator<LabeledRow> {

    /** Names of the feature columns, in order. */
    List<String> featureNames();

    /** Number of classes K. */
    int classes();

    /** Examples generated so far. */
    long position();

    /** A drifting stream never ends. */
    @Override
    default boolean hasNext() {
        return true;
    }
}
