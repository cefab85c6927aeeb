package dev.eddy.topology;

import dev.eddy.core.search.Trials;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.SortedMap;
import org.apache.kafka.common.errors.SerializationException;

/**
 * What the tasks of a spread search ({@link TrialPlacement}) tell each other, as fan-out records ({@link
 * FanOutTopic}) written in the transaction of the record that caused them: a trial's host {@linkplain Report reports}
 * to the task of {@code <id>}, which {@linkplain Decision decides} and answers; the champion's host {@linkplain Relay
 * relays} its snapshots, which the task of {@code <id>} publishes under {@code <id>}'s own versions; for PBT's
 * exploit, the donor's host sends its model to the receiving trial's ({@linkplain Adopt adopt}).
 *
 * <p>Epochs and generations: the task of {@code <id>} counts per trial the times the trial restarted its example
 * count (its <em>epoch</em>: the search re-opened after the champion's drift, zoom resampled it, {@code reset <id>})
 * and the times its model changed (its <em>generation</em>: resampled, reset, or moved by PBT's exploit or explore),
 * and tells the trial's host with the decision or adoption that makes the change, so the host's counters only ever
 * follow. A report of another epoch than the current one is stale (its counts are of before the restart), and so is a
 * relay of another generation (its model is); a host ignores a decision of an older epoch and an exploit, explore or
 * adoption of a generation not newer than its own. Decisions and forwarded commands reach a host in the order the
 * task of {@code <id>} sent them; an adoption comes from the donor's host and may arrive before or after a later
 * decision, which its generation settles.
 *
 * <p>A decision, adoption or relay written by the build before generations existed reads with the generation {@link
 * #LEGACY}; its receiver then applies that build's rule, the epoch's (an explore, adoption or relay of the trial's
 * current epoch is used), so that messages in flight across an upgrade keep their meaning.
 *
 * <p>Commands: the task of {@code <id>} reads every command for {@code <id>} and its trials ({@link CommandRouter})
 * and forwards to each host what concerns the trials there ({@link Command}), in its order with the decisions, so a
 * {@code set} after a {@code reset} is applied after the reset everywhere.
 */
sealed interface SearchMessage {

    /** The generation of a decision, adoption or relay written before generations existed. */
    int LEGACY = -1;

    /** The model whose search it belongs to. */
    String modelId();

    /** The trial it concerns. */
    int trial();

    /**
     * A trial's figures, from its host to the task of {@code <id>}: at every multiple of the search's report interval
     * of examples trained since the search (re)opened, and when its drift detector fires.
     *
     * @param trained examples trained in all
     * @param sinceOpen examples trained since the search (re)opened: what the strategy's milestones count
     * @param window the windowed prequential metric, NaN for none yet
     * @param holdout the search's holdout metric at the last evaluation, NaN for none
     * @param prequential the prequential metric since the start
     * @param scored examples scored
     * @param drift whether the trial's drift detector fired since its last report
     * @param status the trial's status ({@link dev.eddy.state.ModelStatusSerde}), what {@code <id>} shows while the
     *     trial is champion
     */
    record Report(
            String modelId,
            int trial,
            int epoch,
            long trained,
            long sinceOpen,
            double window,
            double holdout,
            double prequential,
            long scored,
            boolean drift,
            byte[] status)
            implements SearchMessage {}

    /**
     * What the task of {@code <id>} decided for a trial, to the trial's host.
     *
     * @param epoch the trial's epoch with this decision
     * @param generation the trial's generation with this decision ({@code SHARE}: the receiving trial's)
     * @param config the trial's new configuration ({@code RESAMPLE}, {@code EXPLORE}), or the receiving trial's
     *     ({@code SHARE}); empty otherwise
     * @param peer the trial that receives the state ({@code SHARE}), −1 otherwise
     */
    record Decision(
            String modelId, int trial, int epoch, int generation, Kind kind, SortedMap<String, String> config, int peer)
            implements SearchMessage {

        /**
         * Whether a trial of {@code epoch} and {@code generation} takes this explore: it is of a newer generation, or
         * of the build before generations and of the trial's epoch.
         */
        boolean newer(int epoch, int generation) {
            return this.generation == LEGACY ? this.epoch == epoch : this.generation > generation;
        }

        /** A decision without configuration or peer. */
        Decision(String modelId, int trial, int epoch, int generation, Kind kind) {
            this(modelId, trial, epoch, generation, kind, Collections.emptySortedMap(), -1);
        }
    }

    /** What a decision makes a host do with the trial. */
    enum Kind {
        /** Stop training it (pruned at a rung). */
        PAUSE,
        /** Train it again (promoted from a rung). */
        RESUME,
        /** Count its examples from zero from now: the search re-opened. */
        REOPEN,
        /** It is the champion: relay its snapshots, starting with its current model. */
        SERVE,
        /** It is no longer the champion: relay nothing more. */
        RETIRE,
        /** Start afresh under the decision's configuration, its count from zero (zoom). */
        RESAMPLE,
        /** Start afresh under the decision's configuration, its counts from zero, running if the search starts it so. */
        RESET,
        /** Continue its own model under the decision's configuration (PBT's explore). */
        EXPLORE,
        /** Send its model to the host of the decision's peer, which continues from it ({@link Adopt}; PBT's exploit). */
        SHARE
    }

    /**
     * A donor trial's complete trainer state, from its host to the host of {@code trial}, which continues from it
     * under {@code config} (PBT's exploit across tasks) as the receiving trial's {@code generation}; {@code epoch} is
     * the receiving trial's when it was decided.
     */
    record Adopt(String modelId, int trial, int epoch, int generation, SortedMap<String, String> config, byte[] state)
            implements SearchMessage {

        /**
         * Whether a trial of {@code epoch} and {@code generation} takes it: one of a newer generation than the
         * trial's ({@code newer}: at a host, which follows) or of the same (in the task of {@code <id>}, which raised
         * it when it decided); one of the build before generations when it is of the trial's epoch.
         */
        boolean current(int epoch, int generation, boolean newer) {
            if (this.generation == LEGACY) {
                return this.epoch == epoch;
            }
            return newer ? this.generation > generation : this.generation == generation;
        }
    }

    /**
     * A snapshot of the champion trial (its Avro bytes) at the trial's epoch and generation, from its host to the task
     * of {@code <id>}.
     */
    record Relay(String modelId, int trial, int epoch, int generation, byte[] snapshot) implements SearchMessage {

        /** Whether it is of the model a trial of {@code epoch} and {@code generation} has now. */
        boolean current(int epoch, int generation) {
            return this.generation == LEGACY ? this.epoch == epoch : this.generation == generation;
        }
    }

    /** A command for {@code trial} that the task of {@code <id>} read, to the trial's host ({@code command} names the trial). */
    record Command(String modelId, int trial, ModelCommand command) implements SearchMessage {}

    /**
     * The binary form: a kind byte, the model id, the trial, then the kind's fields in order, the generation last (the
     * build before generations wrote the same without it).
     */
    default byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (this instanceof Report r) {
                out.writeByte(0);
                out.writeUTF(r.modelId());
                out.writeInt(r.trial());
                out.writeInt(r.epoch());
                out.writeLong(r.trained());
                out.writeLong(r.sinceOpen());
                out.writeDouble(r.window());
                out.writeDouble(r.holdout());
                out.writeDouble(r.prequential());
                out.writeLong(r.scored());
                out.writeBoolean(r.drift());
                out.writeInt(r.status().length);
                out.write(r.status());
            } else if (this instanceof Decision d) {
                out.writeByte(1);
                out.writeUTF(d.modelId());
                out.writeInt(d.trial());
                out.writeInt(d.epoch());
                out.writeByte(d.kind().ordinal());
                Trials.writeConfig(out, d.config());
                out.writeInt(d.peer());
                out.writeInt(d.generation());
            } else if (this instanceof Adopt a) {
                out.writeByte(3);
                out.writeUTF(a.modelId());
                out.writeInt(a.trial());
                out.writeInt(a.epoch());
                Trials.writeConfig(out, a.config());
                out.writeInt(a.state().length);
                out.write(a.state());
                out.writeInt(a.generation());
            } else if (this instanceof Command c) {
                out.writeByte(4);
                out.writeUTF(c.modelId());
                out.writeInt(c.trial());
                out.writeUTF(c.command().model());
                out.writeByte(c.command().kind().ordinal());
                out.writeUTF(c.command().key());
                out.writeUTF(c.command().value());
            } else {
                Relay r = (Relay) this;
                out.writeByte(2);
                out.writeUTF(r.modelId());
                out.writeInt(r.trial());
                out.writeInt(r.epoch());
                out.writeInt(r.snapshot().length);
                out.write(r.snapshot());
                out.writeInt(r.generation());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads what {@link #encode} wrote.
     *
     * @throws SerializationException when {@code data} is not a search message: null, truncated, of an unknown kind,
     *     with a negative trial or length or more bytes than it holds
     */
    static SearchMessage decode(byte[] data) {
        if (data == null) {
            throw new SerializationException("not a search message: no value");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int kind = in.readByte();
            String modelId = in.readUTF();
            int trial = in.readInt();
            if (trial < 0) {
                throw new IOException("negative trial " + trial);
            }
            SearchMessage message =
                    switch (kind) {
                        case 0 -> new Report(
                                modelId,
                                trial,
                                in.readInt(),
                                in.readLong(),
                                in.readLong(),
                                in.readDouble(),
                                in.readDouble(),
                                in.readDouble(),
                                in.readLong(),
                                in.readBoolean(),
                                bytes(in));
                        case 1 -> decision(modelId, trial, in);
                        case 2 -> {
                            int epoch = in.readInt();
                            byte[] snapshot = bytes(in);
                            yield new Relay(modelId, trial, epoch, generation(in), snapshot);
                        }
                        case 3 -> {
                            int epoch = in.readInt();
                            SortedMap<String, String> config = Trials.readConfig(in);
                            byte[] state = bytes(in);
                            yield new Adopt(modelId, trial, epoch, generation(in), config, state);
                        }
                        case 4 -> new Command(
                                modelId,
                                trial,
                                new ModelCommand(
                                        in.readUTF(),
                                        ModelCommand.Kind.values()[in.readByte()],
                                        in.readUTF(),
                                        in.readUTF()));
                        default -> throw new IOException("unknown kind " + kind);
                    };
            if (in.available() > 0) {
                throw new IOException(in.available() + " bytes after the message");
            }
            return message;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("not a search message: " + e, e);
        }
    }

    private static Decision decision(String modelId, int trial, DataInputStream in) throws IOException {
        int epoch = in.readInt();
        Kind kind = Kind.values()[in.readByte()];
        SortedMap<String, String> config = Trials.readConfig(in);
        int peer = in.readInt();
        if (kind == Kind.SHARE ? peer < 0 : peer != -1) {
            throw new IOException("peer " + peer + " of a " + kind + " decision");
        }
        return new Decision(modelId, trial, epoch, generation(in), kind, config, peer);
    }

    /** The generation at the end of a decision, adoption or relay; {@link #LEGACY} when it ends before one. */
    private static int generation(DataInputStream in) throws IOException {
        if (in.available() == 0) {
            return LEGACY;
        }
        int generation = in.readInt();
        if (generation < 0) {
            throw new IOException("generation " + generation);
        }
        return generation;
    }

    /** A length and that many bytes; a negative length or one beyond the bytes left is refused. */
    private static byte[] bytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("length " + length + " with " + in.available() + " bytes left");
        }
        byte[] b = new byte[length];
        in.readFully(b);
        return b;
    }
}
