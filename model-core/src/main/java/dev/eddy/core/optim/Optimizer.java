package dev.eddy.core.optim;

import dev.eddy.core.kernel.Precision;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * A first-order update rule θ ← θ − f(g, state). Implementations follow torch.optim semantics as
 * written in the golden README §5.4. The parameter list must be the same (same order, same sizes)
 * on every call; per-parameter state (moments, accumulators) is allocated on the first step.
 */
public interface Optimizer {

    /** Applies one update to every parameter from its gradient, with the given learning rate, in float64. */
    default void step(List<Parameter> params, double learningRate) {
        step(params, learningRate, Precision.FLOAT64);
    }

    /**
     * Applies one update in {@code precision}: θ and every state array (moments, accumulators) are rounded to it
     * after the update, as torch keeps them in the parameter's dtype. The gradients must hold values of {@code
     * precision} (a float32 network's gradients are floats; whoever changes them afterwards rounds them again, as
     * the trainer does after clipping): the rule reads them as they are.
     */
    void step(List<Parameter> params, double learningRate, Precision precision);

    /**
     * Zeroes every state entry (moments, accumulators) of the elements of {@code parameter} where {@code pruned} is
     * set: with their gradients held at 0 such elements no longer move under any rule here (magnitude pruning). No
     * state yet (before the first step) or no state of that name: nothing changes.
     */
    void clearState(String parameter, boolean[] pruned);

    /** Number of updates applied so far (torch's {@code t} after the update). */
    long iterations();

    /** The rule's name in the golden files' spelling, e.g. {@code adam}, {@code rmsprop}. */
    String name();

    /** Writes the complete optimizer state (counters and every moment array) in a versioned form. */
    void saveState(DataOutput out) throws IOException;

    /** Restores state written by {@link #saveState}; afterwards updates continue bit-identically. */
    void loadState(DataInput in) throws IOException;
}
