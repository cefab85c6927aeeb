package dev.eddy.core.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The head of a trainer's state ({@link Trainer#state()}) as the tests that compare format versions read and rewrite
 * it: the magic number, the format version, the configuration's properties, the counters (steps, examples seen,
 * budget start; skipped steps from version 2; the schedule's start from version 4), then everything else unread.
 */
record StateLayout(int magic, int version, Map<String, String> properties, long[] counters, byte[] rest) {

    /** The number of counters a state of format {@code version} has. */
    static int counters(int version) {
        return version >= 4 ? 5 : version >= 2 ? 4 : 3;
    }

    static StateLayout of(byte[] state) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
        int magic = in.readInt();
        int version = in.readInt();
        Map<String, String> properties = new LinkedHashMap<>();
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            properties.put(in.readUTF(), in.readUTF());
        }
        long[] counters = new long[counters(version)];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = in.readLong();
        }
        return new StateLayout(magic, version, properties, counters, in.readAllBytes());
    }

    /** The same state as format {@code version}: its counters cut to that version's (the later ones are dropped). */
    StateLayout asVersion(int older) {
        long[] kept = new long[counters(older)];
        System.arraycopy(counters, 0, kept, 0, kept.length);
        return new StateLayout(magic, older, properties, kept, rest);
    }

    /** The bytes {@link #of} reads back (properties in the order they were read). */
    byte[] toBytes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            out.writeInt(version);
            out.writeInt(properties.size());
            for (Map.Entry<String, String> p : properties.entrySet()) {
                out.writeUTF(p.getKey());
                out.writeUTF(p.getValue());
            }
            for (long c : counters) {
                out.writeLong(c);
            }
            out.write(rest);
        }
        return bytes.toByteArray();
    }
}
