package dev.eddy.state;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Store encoding of one labeled example row: sequence number (int64), n (int32), x₁…xₙ, label, and for a row of the
 * partial batch the example weight (all float64), little-endian. The label is the class index as a double, or the
 * regression target. A row without the weight (the holdout buffer's, and partial-batch slots written before weights
 * were honoured) weighs 1; a reader that predates the weight ignores it.
 */
final class LabeledRow {

    private LabeledRow() {}

    static byte[] encode(long sequence, double[] features, double label) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 + 8 * features.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(sequence).putInt(features.length);
        for (double v : features) {
            b.putDouble(v);
        }
        return b.putDouble(label).array();
    }

    /** A row with its example weight (a partial-batch slot). */
    static byte[] encode(long sequence, double[] features, double label, double weight) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 + 8 * features.length + 8 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(sequence).putInt(features.length);
        for (double v : features) {
            b.putDouble(v);
        }
        return b.putDouble(label).putDouble(weight).array();
    }

    static long sequence(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /**
     * Decodes into {@code row} (length n) and returns the label.
     *
     * @throws IllegalStateException when the stored row has another length than {@code row}
     */
    static double decode(byte[] bytes, double[] row) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.getLong();
        int n = b.getInt();
        if (n != row.length) {
            throw new IllegalStateException("stored row has " + n + " features, the model expects " + row.length);
        }
        for (int j = 0; j < n; j++) {
            row[j] = b.getDouble();
        }
        return b.getDouble();
    }

    /** The example weight of a row: the one stored after the label, or 1 for a row without one. */
    static double weight(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int offset = 8 + 4 + 8 * b.getInt(8) + 8;
        return bytes.length >= offset + 8 ? b.getDouble(offset) : 1.0;
    }
}
