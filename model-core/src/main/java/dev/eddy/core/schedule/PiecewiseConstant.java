package dev.eddy.core.schedule;

import dev.eddy.core.optim.HyperParameters;
import java.util.Arrays;

/**
 * Keras {@code PiecewiseConstantDecay}: with boundaries b_0 &lt; … &lt; b_{n−1} and n + 1 values,
 *
 * <pre>
 * lr(t) = values[i],  i = |{ j : t &gt; b_j }|
 * </pre>
 *
 * so a step equal to a boundary still gets the earlier value.
 */
public final class PiecewiseConstant implements LearningRateSchedule {

    private final long[] boundaries;
    private final double[] values;

    /**
     * @param boundaries n ≥ 1 strictly increasing step counts
     * @param values n + 1 rates, each ≥ 0
     */
    public PiecewiseConstant(long[] boundaries, double[] values) {
        if (boundaries.length < 1) {
            throw new IllegalArgumentException("boundaries must have at least 1 element, got 0");
        }
        if (values.length != boundaries.length + 1) {
            throw new IllegalArgumentException("values must have boundaries.length + 1 = " + (boundaries.length + 1)
                    + " elements, got " + values.length);
        }
        for (int j = 1; j < boundaries.length; j++) {
            if (boundaries[j] <= boundaries[j - 1]) {
                throw new IllegalArgumentException(
                        "boundaries must be strictly increasing, got " + Arrays.toString(boundaries));
            }
        }
        for (int i = 0; i < values.length; i++) {
            HyperParameters.nonNegative("values[" + i + "]", values[i]);
        }
        this.boundaries = boundaries.clone();
        this.values = values.clone();
    }

    @Override
    public double rate(long t) {
        int i = 0;
        while (i < boundaries.length && t > boundaries[i]) {
            i++;
        }
        return values[i];
    }

    public long[] boundaries() {
        return boundaries.clone();
    }

    public double[] values() {
        return values.clone();
    }
}
