package dev.eddy.serde;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SystemLimitException;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for a generated Avro record class in Avro's single-object encoding: the two marker bytes
 * {@code C3 01}, the 8-byte CRC-64-AVRO fingerprint of the writer schema, then the binary body. The
 * payload names its own schema, so no schema registry is needed.
 *
 * <p>The reader decodes messages written with the current schema of {@code T} and with any of the
 * {@code earlierSchemas} it was given, resolving them to the current schema by Avro's rules (fields
 * added with a default are filled in, removed fields are skipped). Undecodable bytes raise {@link
 * RecordDecodingException}.
 *
 * <p>Instances are thread-safe: Avro's message encoder and decoder keep per-thread buffers.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    /**
     * Largest string, bytes or collection a message may claim (64 MiB, the snapshot topic's record
     * limit). Avro trusts the lengths in a body: without a bound, a 30-byte record claiming an array of
     * 2^30 items allocates gigabytes and kills the stream thread on every retry (a poison pill). With
     * it, the claim fails as a {@link RecordDecodingException} and the record goes to the DLQ. Values
     * set by the user are kept.
     */
    static final int MAX_CLAIMED_LENGTH = 64 << 20;

    static {
        boundClaimedLengths();
    }

    /**
     * Sets Avro's length limits ({@link #MAX_CLAIMED_LENGTH} unless the user set one) and makes sure
     * they are in effect. Avro reads them once, when it first checks a length, and that can happen
     * before this class is loaded: building a record with a field left at its default decodes the
     * default. Then Avro is made to read them again ({@code SystemLimitException.resetLimits}, its own
     * hook, package-private and reached by reflection).
     */
    static void boundClaimedLengths() {
        for (String property : List.of(
                SystemLimitException.MAX_STRING_LENGTH_PROPERTY,
                SystemLimitException.MAX_BYTES_LENGTH_PROPERTY,
                SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY)) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, Integer.toString(MAX_CLAIMED_LENGTH));
            }
        }
        if (claimedLengthsBounded()) {
            return;
        }
        try {
            Method reread = SystemLimitException.class.getDeclaredMethod("resetLimits");
            reread.setAccessible(true);
            reread.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "Avro read its length limits before Eddy set them and cannot be made to read them again ("
                            + e + "); set -D" + SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY + "="
                            + MAX_CLAIMED_LENGTH + " (and the string and bytes ones) on the command line",
                    e);
        }
    }

    /** Whether Avro refuses a claim longer than the configured collection limit. */
    static boolean claimedLengthsBounded() {
        String property = SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY;
        long limit;
        try {
            limit = Long.parseLong(System.getProperty(property).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "-D" + property + "=" + System.getProperty(property) + ": expected a number of items", e);
        }
        try {
            SystemLimitException.checkMaxCollectionLength(limit + 1);
            return false;
        } catch (SystemLimitException | UnsupportedOperationException refused) {
            return true; // the second: a limit at Java's largest array, where Avro refuses any more anyway
        }
    }

    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private AvroSerde(Schema schema, List<Schema> earlierSchemas) {
        SpecificData model = SpecificData.getForSchema(schema);
        SchemaStore.Cache store = new SchemaStore.Cache();
        earlierSchemas.forEach(store::addSchema);
        this.schema = schema;
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, store);
    }

    /**
     * A serde for the generated class {@code type}.
     *
     * @param earlierSchemas earlier versions of the schema whose messages must still be readable
     */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, Schema... earlierSchemas) {
        return new AvroSerde<>(SpecificData.get().getSchema(type), List.of(earlierSchemas));
    }

    /** The current (writer and reader) schema. */
    public Schema schema() {
        return schema;
    }

    /** The 64-bit CRC-64-AVRO fingerprint of the current schema, as written in every message. */
    public long fingerprint() {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** Encodes {@code record}; null stays null (a tombstone). */
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | AvroRuntimeException | NullPointerException e) {
            throw new SerializationException(
                    "cannot encode " + schema.getName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes a message written with the current or a known earlier schema; null stays null.
     *
     * @throws RecordDecodingException if the bytes are not such a message
     */
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return decoder.decode(data);
        } catch (BadHeaderException e) {
            throw failure(topic, data, "not an Avro single-object message (expected marker C3 01)", e);
        } catch (MissingSchemaException e) {
            throw failure(topic, data, "written with an unknown schema: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw failure(topic, data, "corrupt or truncated body: " + e, e);
        }
    }

    private RecordDecodingException failure(String topic, byte[] data, String reason, Exception cause) {
        return new RecordDecodingException(
                "cannot decode " + data.length + " bytes from topic " + topic + " as " + schema.getName() + ": "
                        + reason,
                cause);
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }
}
