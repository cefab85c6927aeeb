package dev.eddy.core.layer;

import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.IOException;

/** Restores arrays written by {@link StateIo#writeDoubles} into the layer's existing arrays. */
final class SavedArrays {
    private SavedArrays() {}

    static void read(DataInput in, double[] target, String what) throws IOException {
        double[] read = StateIo.readDoubles(in, target.length, what);
        System.arraycopy(read, 0, target, 0, target.length);
    }
}
