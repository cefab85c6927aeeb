package dev.eddy.state;

import dev.eddy.core.drift.DriftState;
import dev.eddy.core.ensemble.MemberState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary form of {@link ModelStatus}: a format version byte, then the fields in declaration order; the warm-start
 * source (format 4) as {@link WarmStartSource#write} writes it, then (format 5) the ensemble's members: a count, then
 * per member its index, resets, detector state (name), score metric and prequential score, then (format 6) whether
 * the model waits for a warm-start source ({@link WarmStartWait}: boolean, then the source model (UTF), the inputs
 * held (long) and their bound (int)). Version 1 (before the prequential fields) is still read, with no prequential examples; versions 1 and 2
 * (before drift handling) with {@link DriftStatus#UNKNOWN}; versions 1 to 3 (before warm starts) with no source; versions 1 to 4
 * (before ensembles) with no members; versions 1 to 5 (before the wait for a warm-start source) as not waiting.
 */
public final class ModelStatusSerde implements Serde<ModelStatus>, Serializer<ModelStatus>, Deserializer<ModelStatus> {

    private static final byte VERSION = 6;
    private static final byte VERSION_WITHOUT_WAIT = 5;
    private static final byte VERSION_WITHOUT_MEMBERS = 4;
    private static final byte VERSION_WITHOUT_WARM_START = 3;
    private static final byte VERSION_WITHOUT_DRIFT = 2;
    private static final byte VERSION_WITHOUT_PREQUENTIAL = 1;

    @Override
    public byte[] serialize(String topic, ModelStatus s) {
        if (s == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(s.modelId());
            out.writeLong(s.snapshotVersion());
            out.writeLong(s.steps());
            out.writeLong(s.examplesTrained());
            out.writeLong(s.examplesWhilePaused());
            out.writeLong(s.holdoutReceived());
            out.writeInt(s.holdoutCount());
            out.writeBoolean(s.paused());
            out.writeDouble(s.lastTrainLoss());
            out.writeDouble(s.lastHoldoutLoss());
            out.writeUTF(s.holdoutMetricName());
            out.writeDouble(s.holdoutMetricValue());
            out.writeDouble(s.bestHoldoutLoss());
            out.writeDouble(s.bestHoldoutMetricValue());
            out.writeInt(s.earlyStoppingWait());
            out.writeDouble(s.learningRate());
            out.writeDouble(s.intervalLossSum());
            out.writeLong(s.intervalSteps());
            out.writeLong(s.prequentialExamples());
            out.writeDouble(s.prequentialSum());
            out.writeInt(s.stateChunks());
            out.writeInt(s.stateBytes());
            DriftStatus d = s.drift();
            out.writeUTF(d.detector());
            out.writeBoolean(d.warning());
            out.writeLong(d.warnings());
            out.writeLong(d.detections());
            out.writeLong(d.lastDetectionExample());
            out.writeBoolean(d.challenger());
            WarmStartSource.write(out, s.warmStart());
            out.writeInt(s.members().size());
            for (MemberState m : s.members()) {
                out.writeInt(m.member());
                out.writeInt(m.resets());
                out.writeUTF(m.drift().name());
                out.writeUTF(m.metric());
                out.writeDouble(m.score());
            }
            WarmStartWait w = s.waiting();
            out.writeBoolean(w != null);
            if (w != null) {
                out.writeUTF(w.sourceModel());
                out.writeLong(w.held());
                out.writeInt(w.maxHeld());
            }
        } catch (IOException e) {
            throw new SerializationException("cannot encode model status of " + s.modelId(), e);
        }
        return bytes.toByteArray();
    }

    @Override
    public ModelStatus deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version < VERSION_WITHOUT_PREQUENTIAL || version > VERSION) {
                throw new SerializationException("model status format version " + version
                        + " is not supported; this build reads " + VERSION_WITHOUT_PREQUENTIAL + " to " + VERSION);
            }
            boolean prequential = version >= VERSION_WITHOUT_DRIFT;
            return new ModelStatus(
                    in.readUTF(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readInt(),
                    in.readBoolean(),
                    in.readDouble(),
                    in.readDouble(),
                    in.readUTF(),
                    in.readDouble(),
                    in.readDouble(),
                    in.readDouble(),
                    in.readInt(),
                    in.readDouble(),
                    in.readDouble(),
                    in.readLong(),
                    prequential ? in.readLong() : 0,
                    prequential ? in.readDouble() : 0,
                    in.readInt(),
                    in.readInt(),
                    version >= VERSION_WITHOUT_WARM_START
                            ? new DriftStatus(
                                    in.readUTF(),
                                    in.readBoolean(),
                                    in.readLong(),
                                    in.readLong(),
                                    in.readLong(),
                                    in.readBoolean())
                            : DriftStatus.NONE,
                    version >= VERSION_WITHOUT_MEMBERS ? WarmStartSource.read(in) : null,
                    version >= VERSION_WITHOUT_WAIT ? members(in) : List.of(),
                    version == VERSION && in.readBoolean()
                            ? new WarmStartWait(in.readUTF(), in.readLong(), in.readInt())
                            : null);
        } catch (IOException e) {
            throw new SerializationException("corrupt model status record of " + data.length + " bytes", e);
        }
    }

    private static List<MemberState> members(DataInputStream in) throws IOException {
        int count = in.readInt();
        List<MemberState> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            members.add(new MemberState(
                    in.readInt(), in.readInt(), DriftState.valueOf(in.readUTF()), in.readUTF(), in.readDouble()));
        }
        return members;
    }

    @Override
    public Serializer<ModelStatus> serializer() {
        return this;
    }

    @Override
    public Deserializer<ModelStatus> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}
}
