package dev.eddy.topology;

import dev.eddy.warmstart.ResolvedWarmStart;
import java.nio.ByteBuffer;

/**
 * The warm start a model applied, pinned in its task's trainer-state store: the record {@code <model>/warm-start}
 * holds the chunk count and length (two ints) of {@link ResolvedWarmStart#toBytes()}, chunked under {@code
 * <model>/warm-start/<i>}, beside the state chunks {@code <model>/<i>}. Written in the transaction of the record being
 * processed, so a replay after a crash and a later {@code reset} start from the very same weights.
 */
final class PinnedWarmStart {

    private PinnedWarmStart() {}

    /** The warm start pinned for {@code modelId}, or null. */
    static ResolvedWarmStart read(ModelTraining.Stores stores, String modelId) {
        byte[] where = stores.trainerState().get(key(modelId));
        if (where == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(where);
        return ResolvedWarmStart.fromBytes(stores.chunks().read(key(modelId), b.getInt(), b.getInt()));
    }

    /** Pins {@code warmStart} for {@code modelId}, replacing what was pinned. */
    static void write(ModelTraining.Stores stores, String modelId, ResolvedWarmStart warmStart) {
        byte[] pinned = warmStart.toBytes();
        byte[] where = stores.trainerState().get(key(modelId));
        int previous = where == null ? 0 : ByteBuffer.wrap(where).getInt();
        int chunks = stores.chunks().write(key(modelId), pinned, previous);
        stores.trainerState()
                .put(
                        key(modelId),
                        ByteBuffer.allocate(8)
                                .putInt(chunks)
                                .putInt(pinned.length)
                                .array());
    }

    private static String key(String modelId) {
        return modelId + "/warm-start";
    }
}
