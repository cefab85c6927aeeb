package dev.eddy.topology;

import dev.eddy.schema.Example;
import dev.eddy.serde.AvroSerde;
import dev.eddy.serde.AvroSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary form of {@link TrainerInput}: one kind byte (0 train, 1 holdout, 2 command, 3 search message), then for examples the Avro
 * single-object encoding of {@link Example}, for commands the kind ordinal and the length-prefixed UTF-8 key and
 * value (the model id is the record key), and for a command to a search's trial the length-prefixed UTF-8 trial id
 * ({@code <id>~tNN}, the record key being {@code <id>}); a search message as {@link SearchMessage#encode}. A record without the trial id (every one written before
 * trials could be addressed) reads as a command to the record key's model.
 */
final class TrainerInputSerde implements Serde<TrainerInput>, Serializer<TrainerInput>, Deserializer<TrainerInput> {

    private static final byte TRAIN = 0;
    private static final byte HOLDOUT = 1;
    private static final byte COMMAND = 2;
    private static final byte SEARCH = 3;

    private final AvroSerde<Example> examples = AvroSerdes.examples();

    @Override
    public byte[] serialize(String topic, TrainerInput input) {
        if (input instanceof TrainerInput.Train t) {
            return tagged(TRAIN, examples.serialize(topic, t.example()));
        }
        if (input instanceof TrainerInput.Holdout h) {
            return tagged(HOLDOUT, examples.serialize(topic, h.example()));
        }
        if (input instanceof TrainerInput.Search s) {
            return tagged(SEARCH, s.message().encode());
        }
        ModelCommand c = ((TrainerInput.Command) input).command();
        byte[] key = c.key().getBytes(StandardCharsets.UTF_8);
        byte[] value = c.value().getBytes(StandardCharsets.UTF_8);
        byte[] trial = c.model().indexOf('~') < 0 ? new byte[0] : c.model().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(
                        2 + 8 + key.length + value.length + (trial.length > 0 ? 4 + trial.length : 0))
                .put(COMMAND)
                .put((byte) c.kind().ordinal())
                .putInt(key.length)
                .put(key)
                .putInt(value.length)
                .put(value);
        if (trial.length > 0) {
            b.putInt(trial.length).put(trial);
        }
        return b.array();
    }

    @Override
    public TrainerInput deserialize(String topic, byte[] data) {
        byte kind = data[0];
        if (kind == TRAIN || kind == HOLDOUT) {
            Example e = examples.deserialize(topic, Arrays.copyOfRange(data, 1, data.length));
            return kind == TRAIN ? new TrainerInput.Train(e) : new TrainerInput.Holdout(e);
        }
        if (kind == SEARCH) {
            return new TrainerInput.Search(SearchMessage.decode(Arrays.copyOfRange(data, 1, data.length)));
        }
        if (kind != COMMAND) {
            throw new SerializationException("unknown trainer-input kind " + kind + " in topic " + topic);
        }
        ByteBuffer b = ByteBuffer.wrap(data, 1, data.length - 1);
        ModelCommand.Kind command = ModelCommand.Kind.values()[b.get()];
        String key = utf8(b);
        String value = utf8(b);
        // The model id is the record key; the processor re-addresses the command with it, unless it names a trial.
        String model = b.hasRemaining() ? utf8(b) : ModelCommand.ALL_MODELS;
        return new TrainerInput.Command(new ModelCommand(model, command, key, value));
    }

    private static String utf8(ByteBuffer b) {
        byte[] bytes = new byte[b.getInt()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] tagged(byte tag, byte[] body) {
        byte[] out = new byte[body.length + 1];
        out[0] = tag;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    @Override
    public Serializer<TrainerInput> serializer() {
        return this;
    }

    @Override
    public Deserializer<TrainerInput> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}
}
