package dev.eddy.core.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Binary encoding shared by every stateful training component (optimizers, schedules, early
 * stopping, standardization): a header naming the component and its format version, then primitive
 * values and arrays written in bulk (big-endian IEEE-754 bits, so a round trip is bit-exact).
 */
public final class StateIo {

    /** Doubles copied per chunk: bounds the temporary buffer of a bulk write or read to 64 KiB. */
    private static final int CHUNK = 8192;

    private StateIo() {}

    /** Writes the header: {@code tag} (the component's name) and {@code version}. */
    public static void writeHeader(DataOutput out, String tag, int version) throws IOException {
        out.writeUTF(tag);
        out.writeInt(version);
    }

    /** Reads a header written by {@link #writeHeader} and fails unless it has this tag and version. */
    public static void readHeader(DataInput in, String tag, int version) throws IOException {
        String found = in.readUTF();
        if (!found.equals(tag)) {
            throw new IOException("expected " + tag + " state, found " + found + " state");
        }
        int foundVersion = in.readInt();
        if (foundVersion != version) {
            throw new IOException(
                    tag + " state has format version " + foundVersion + ", this build reads version " + version);
        }
    }

    /**
     * Reads a header written by {@link #writeHeader} and fails unless it has this tag and a version from {@code oldest}
     * to {@code newest}.
     *
     * @return the version found
     */
    public static int readHeader(DataInput in, String tag, int oldest, int newest) throws IOException {
        String found = in.readUTF();
        int version = in.readInt();
        if (!found.equals(tag) || version < oldest || version > newest) {
            throw new IOException("expected " + tag + " state of format version " + oldest + " to " + newest
                    + ", found " + found + " state of version " + version);
        }
        return version;
    }

    /** Writes the length of {@code values} and then every element in bulk. */
    public static void writeDoubles(DataOutput out, double[] values) throws IOException {
        out.writeInt(values.length);
        byte[] bytes = new byte[Math.min(values.length, CHUNK) * Double.BYTES];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        for (int from = 0; from < values.length; from += CHUNK) {
            int n = Math.min(CHUNK, values.length - from);
            buffer.clear();
            buffer.asDoubleBuffer().put(values, from, n);
            out.write(bytes, 0, n * Double.BYTES);
        }
    }

    /** Reads an array written by {@link #writeDoubles}. */
    public static double[] readDoubles(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("corrupt state: negative array length " + length);
        }
        double[] values = new double[length];
        readInto(in, values);
        return values;
    }

    /** Reads an array written by {@link #writeDoubles} and fails unless it has {@code expectedLength}. */
    public static double[] readDoubles(DataInput in, int expectedLength, String what) throws IOException {
        int length = in.readInt();
        if (length != expectedLength) {
            throw new IOException(what + " has " + length + " elements in the saved state, expected " + expectedLength);
        }
        double[] values = new double[length];
        readInto(in, values);
        return values;
    }

    private static void readInto(DataInput in, double[] values) throws IOException {
        byte[] bytes = new byte[Math.min(values.length, CHUNK) * Double.BYTES];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        for (int from = 0; from < values.length; from += CHUNK) {
            int n = Math.min(CHUNK, values.length - from);
            in.readFully(bytes, 0, n * Double.BYTES);
            buffer.clear();
            buffer.asDoubleBuffer().get(values, from, n);
        }
    }
}
