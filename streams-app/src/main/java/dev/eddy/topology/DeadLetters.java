package dev.eddy.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Dead-letter records: the original key and value bytes, the original headers plus these headers (UTF-8 text).
 */
public final class DeadLetters {

    /** {@link DeadLetterReason#code()}. */
    public static final String REASON = "eddy.dlq.reason";
    /** What exactly was wrong, for people. */
    public static final String DETAIL = "eddy.dlq.detail";
    /** The model the record was rejected for, when the rejection is model specific. */
    public static final String MODEL = "eddy.dlq.model";
    /** Source topic of the record. */
    public static final String TOPIC = "eddy.dlq.topic";
    /** Source partition, decimal. */
    public static final String PARTITION = "eddy.dlq.partition";
    /** Source offset, decimal. */
    public static final String OFFSET = "eddy.dlq.offset";

    private DeadLetters() {}

    /**
     * Forwards {@code original} as a dead letter and tells the listener.
     *
     * @param modelId the model the record was rejected for, or null when the rejection is not model specific
     */
    static void forward(
            ProcessorContext<String, Routed> context,
            TrainingListener listener,
            Record<byte[], byte[]> original,
            DeadLetterReason reason,
            String detail,
            String modelId) {
        Headers headers = headers(original, context.recordMetadata().orElse(null), reason.code(), detail, modelId);
        context.forward(new Record<String, Routed>(
                null, new Routed.DeadLetter(original.key(), original.value()), original.timestamp(), headers));
        listener.onDeadLetter(reason);
    }

    /**
     * The headers of a dead letter: {@code original}'s, then the reason, the detail, the model (when not null) and
     * the {@code source} topic, partition and offset (when known).
     */
    public static Headers headers(
            Record<?, ?> original, RecordMetadata source, String reason, String detail, String modelId) {
        Headers headers = new RecordHeaders(original.headers().toArray());
        add(headers, REASON, reason);
        add(headers, DETAIL, detail);
        if (modelId != null) {
            add(headers, MODEL, modelId);
        }
        if (source != null) {
            add(headers, TOPIC, source.topic());
            add(headers, PARTITION, Integer.toString(source.partition()));
            add(headers, OFFSET, Long.toString(source.offset()));
        }
        return headers;
    }

    private static void add(Headers headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
