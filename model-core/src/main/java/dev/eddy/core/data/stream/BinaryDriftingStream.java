package dev.eddy.core.data.stream;

import dev.eddy.core.data.LabeledRow;
import java.util.SplittableRandom;

/**
 * What the two-class generators share: one seeded source of all random draws, label noise (a label is flipped with
 * probability noise) and the position counter.
 */
abstract class BinaryDriftingStream implements DriftingStream {

    /** Every draw of the stream comes from here, in a fixed order, so a seed fixes the sequence. */
    protected final SplittableRandom random;

    private final double noise;
    private long position;

    /**
     * @param noise probability in [0, 1) that a label is flipped
     * @param seed seed of all random draws
     */
    BinaryDriftingStream(double noise, long seed) {
        this.noise = Probabilities.checkNoise(noise);
        this.random = new SplittableRandom(seed);
    }

    /** The next example: x with label y, flipped with probability noise (one draw). */
    protected final LabeledRow emit(double[] x, int y) {
        int label = random.nextDouble() < noise ? 1 - y : y;
        position++;
        return new LabeledRow(position, x, label);
    }

    @Override
    public final int classes() {
        return 2;
    }

    @Override
    public final long position() {
        return position;
    }
}
