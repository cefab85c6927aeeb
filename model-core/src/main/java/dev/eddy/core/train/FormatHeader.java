package dev.eddy.core.train;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The first eight bytes of a top-level binary form (a training state, an ensemble state, an exported model): a
 * four-letter magic such as "EDDT" as a big-endian int, then the format version. A reader takes every version from 1
 * to the one this build writes, and refuses anything else naming what it found and what it expected.
 *
 * @param tag the four ASCII letters of the magic
 * @param what what the form holds, as errors name it ("training state", "model", ...)
 * @param version the version this build writes, the newest it reads
 */
public record FormatHeader(String tag, String what, int version) {

    public FormatHeader {
        if (tag.length() != 4 || !StandardCharsets.US_ASCII.newEncoder().canEncode(tag)) {
            throw new IllegalArgumentException("a magic is four ASCII letters, got '" + tag + "'");
        }
    }

    /** The magic as the int that starts the form. */
    public int magic() {
        byte[] b = tag.getBytes(StandardCharsets.US_ASCII);
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** Writes the magic and {@link #version()}. */
    public void write(DataOutput out) throws IOException {
        out.writeInt(magic());
        out.writeInt(version);
    }

    /**
     * Reads the magic and the version.
     *
     * @return the version, from 1 to {@link #version()}
     * @throws IllegalArgumentException naming the magic found, or the version found and those this build reads
     */
    public int read(DataInput in) throws IOException {
        int found = in.readInt();
        if (found != magic()) {
            throw new IllegalArgumentException(String.format(
                    "not an Eddy %s: starts with 0x%08x, expected 0x%08x (\"%s\")", what, found, magic(), tag));
        }
        int v = in.readInt();
        if (v < 1 || v > version) {
            throw new IllegalArgumentException(what + " format version " + v + " is not supported; this build reads "
                    + (version == 1 ? "version 1" : "versions 1 to " + version));
        }
        return v;
    }

    /** Whether {@code bytes} start with this magic. */
    public boolean startsWith(byte[] bytes) {
        return bytes.length >= 4
                && ((bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff))
                        == magic();
    }
}
