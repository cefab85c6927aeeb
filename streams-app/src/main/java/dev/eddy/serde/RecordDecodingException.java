package dev.eddy.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The bytes of a record are not a decodable Avro single-object message of the expected type: wrong
 * header, a schema fingerprint this application does not know, or a truncated or corrupt body.
 *
 * <p>A {@link SerializationException}, so Kafka clients and Kafka Streams' deserialization exception
 * handlers treat it as a poison record that can be routed to a dead-letter topic.
 */
public final class RecordDecodingException extends SerializationException {

    private static final long serialVersionUID = 1L;

    public RecordDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
