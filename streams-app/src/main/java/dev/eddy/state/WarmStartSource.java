package dev.eddy.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Objects;

/**
 * Where a warm-started model's weights came from (its lineage): a snapshot of another model, by model id and
 * version, or an {@code eddy export} file, by path and the SHA-256 of its bytes. Kept in the model's status and
 * written into every snapshot it publishes.
 *
 * @param model the source model (null for a file)
 * @param version the source snapshot's version (-1 for a file)
 * @param file the export file's path as configured (null for a snapshot)
 * @param sha256 the lower-case hex SHA-256 of the file's bytes (null for a snapshot)
 */
public record WarmStartSource(String model, long version, String file, String sha256) {

    public WarmStartSource {
        if ((model == null) == (file == null)
                || (file == null) != (sha256 == null)
                || (model == null) != (version < 0)) {
            throw new IllegalArgumentException("a warm-start source is a model and a version >= 0, or a file and its"
                    + " SHA-256; got model " + model + ", version " + version + ", file " + file + ", sha256 "
                    + sha256);
        }
    }

    /** Version {@code version} of model {@code model}'s snapshots. */
    public static WarmStartSource snapshot(String model, long version) {
        return new WarmStartSource(Objects.requireNonNull(model, "model"), version, null, null);
    }

    /** An export file and the SHA-256 of its bytes. */
    public static WarmStartSource file(String file, String sha256) {
        return new WarmStartSource(null, -1, Objects.requireNonNull(file, "file"), Objects.requireNonNull(sha256));
    }

    /** Whether the source is a snapshot (else a file). */
    public boolean isSnapshot() {
        return model != null;
    }

    /** "model src v12" or "file /path/m.eddy (sha256 ab12…)". */
    @Override
    public String toString() {
        return isSnapshot() ? "model " + model + " v" + version : "file " + file + " (sha256 " + sha256 + ")";
    }

    /**
     * Writes {@code source} (nullable): a kind byte, 0 none, 1 a snapshot (model UTF, version long), 2 a file (path
     * UTF, SHA-256 UTF).
     */
    public static void write(DataOutput out, WarmStartSource source) throws IOException {
        if (source == null) {
            out.writeByte(0);
        } else if (source.isSnapshot()) {
            out.writeByte(1);
            out.writeUTF(source.model());
            out.writeLong(source.version());
        } else {
            out.writeByte(2);
            out.writeUTF(source.file());
            out.writeUTF(source.sha256());
        }
    }

    /** Reads what {@link #write} wrote; null for none. */
    public static WarmStartSource read(DataInput in) throws IOException {
        byte kind = in.readByte();
        return switch (kind) {
            case 0 -> null;
            case 1 -> snapshot(in.readUTF(), in.readLong());
            case 2 -> file(in.readUTF(), in.readUTF());
            default -> throw new IOException("warm-start source kind " + kind + ", expected 0, 1 or 2");
        };
    }
}
