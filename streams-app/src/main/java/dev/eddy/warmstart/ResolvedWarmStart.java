package dev.eddy.warmstart;

import dev.eddy.core.train.FormatHeader;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.state.WarmStartSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A warm start resolved to one source: what {@code warm-start.from} or {@code warm-start.file} named at the time of
 * the resolution, the source's identity and its model. A model pins the warm start it applied in its trainer-state
 * store ({@link #toBytes}), so a replay after a crash and a later {@code reset} start from the same weights even when
 * the topic has a newer snapshot by then, or no longer the same one.
 *
 * <p>Pinned form: int magic "EDDW", int format version 1, UTF {@link WarmStartConfig#spec()}, the source ({@link
 * WarmStartSource#write}), boolean copy standardizer, int length and the model's export bytes ({@link
 * InferenceModel#toBytes()}).
 *
 * @param spec the configured source, {@code warm-start.from=…} or {@code warm-start.file=…}
 * @param source the snapshot (model, version) or the file (path, SHA-256) it resolved to
 * @param model the source's weights and standardization
 * @param copyStandardizer {@code warm-start.standardizer = copy}
 */
public record ResolvedWarmStart(String spec, WarmStartSource source, InferenceModel model, boolean copyStandardizer) {

    /** "EDDW", format version 1: the first eight bytes of a pinned warm start. */
    static final FormatHeader HEADER = new FormatHeader("EDDW", "pinned warm start", 1);

    /** A fresh trainer of {@code config} that begins from this source ({@link Trainer#warmStart}). */
    public Trainer trainer(TrainerConfig config) {
        return Trainer.warmStart(config, model, copyStandardizer);
    }

    /** Whether {@code other} was configured the same way (source and standardizer), whatever it resolved to. */
    public boolean configuredAs(ResolvedWarmStart other) {
        return spec.equals(other.spec) && copyStandardizer == other.copyStandardizer;
    }

    /** The pinned form (class documentation). */
    public byte[] toBytes() {
        byte[] exported = model.toBytes();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(exported.length + 256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            HEADER.write(out);
            out.writeUTF(spec);
            WarmStartSource.write(out, source);
            out.writeBoolean(copyStandardizer);
            out.writeInt(exported.length);
            out.write(exported);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads the pinned form.
     *
     * @throws IllegalArgumentException when the bytes are not a pinned warm start of format version 1
     */
    public static ResolvedWarmStart fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            HEADER.read(in);
            String spec = in.readUTF();
            WarmStartSource source = WarmStartSource.read(in);
            boolean copyStandardizer = in.readBoolean();
            byte[] exported = new byte[in.readInt()];
            in.readFully(exported);
            if (source == null || in.available() != 0) {
                throw new IOException(source == null ? "no source" : in.available() + " unread bytes");
            }
            return new ResolvedWarmStart(spec, source, InferenceModel.fromBytes(exported), copyStandardizer);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("corrupt pinned warm start: " + e.getMessage(), e);
        }
    }
}
