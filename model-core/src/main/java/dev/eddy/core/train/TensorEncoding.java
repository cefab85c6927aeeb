package dev.eddy.core.train;

import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One weight array of the export format from version 2 on: dense, or sparse when that is smaller (a pruned kernel).
 *
 * <pre>
 * byte   0 dense:  int n, n doubles
 *        1 sparse: int n, int k, k int positions (strictly ascending, in [0, n)), int k, k doubles (the values)
 * </pre>
 *
 * The sparse form (12·k + 13 bytes against 8·n + 5) holds the elements whose bits are not those of +0.0, so a round
 * trip is bit-exact (−0.0 included); it is written when 12·k + 8 &lt; 8·n, i.e. below about 2/3 non-zeros.
 */
final class TensorEncoding {

    static final byte DENSE = 0;
    static final byte SPARSE = 1;

    private TensorEncoding() {}

    static void write(DataOutput out, double[] w) throws IOException {
        int k = 0;
        for (double v : w) {
            if (Double.doubleToRawLongBits(v) != 0L) {
                k++;
            }
        }
        if (12L * k + 8 >= 8L * w.length) {
            out.writeByte(DENSE);
            StateIo.writeDoubles(out, w);
            return;
        }
        int[] positions = new int[k];
        double[] values = new double[k];
        int e = 0;
        for (int i = 0; i < w.length; i++) {
            if (Double.doubleToRawLongBits(w[i]) != 0L) {
                positions[e] = i;
                values[e++] = w[i];
            }
        }
        out.writeByte(SPARSE);
        out.writeInt(w.length);
        out.writeInt(k);
        byte[] bytes = new byte[Integer.BYTES * k];
        ByteBuffer.wrap(bytes).asIntBuffer().put(positions);
        out.write(bytes);
        StateIo.writeDoubles(out, values);
    }

    /**
     * Reads either form, which must have {@code length} elements; a stored length other than that is refused before
     * anything is allocated.
     */
    static double[] read(DataInput in, int length, String what) throws IOException {
        byte form = in.readByte();
        if (form == DENSE) {
            return StateIo.readDoubles(in, length, what);
        }
        if (form != SPARSE) {
            throw new IOException(what + " has encoding " + form + ", expected 0 (dense) or 1 (sparse)");
        }
        int n = in.readInt();
        if (n != length) {
            throw new IOException(what + " has " + n + " elements, expected " + length);
        }
        int k = in.readInt();
        if (k < 0 || k > n) {
            throw new IOException(what + " has " + k + " stored elements of " + n);
        }
        byte[] bytes = new byte[Integer.BYTES * k];
        in.readFully(bytes);
        int[] positions = new int[k];
        ByteBuffer.wrap(bytes).asIntBuffer().get(positions);
        double[] values = StateIo.readDoubles(in, k, what + " values");
        double[] target = new double[n];
        int previous = -1;
        for (int e = 0; e < k; e++) {
            int i = positions[e];
            if (i <= previous || i >= n) {
                throw new IOException(
                        what + ": position " + i + " after " + previous + " is not ascending in [0, " + n + ")");
            }
            target[i] = values[e];
            previous = i;
        }
        return target;
    }
}
