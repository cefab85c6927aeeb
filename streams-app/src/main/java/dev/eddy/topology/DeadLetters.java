package dev.eddy.topology;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Dead-letter records: the original key and value bytes, the original headers plus these headers (UTF-8 text). A
 * dead letter is at most {@value #MAX_BYTES} bytes: a larger value is cut to fit and marked {@link #TRUNCATED}.
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
    /** The original value's length in bytes, decimal, on a dead letter whose value was cut to {@link #MAX_BYTES}. */
    public static final String TRUNCATED = "eddy.dlq.truncated";

    /**
     * The largest dead letter, key, value and headers together: under Kafka's default {@code max.message.bytes}
     * (1,048,588). A broker checks that limit against the compressed batch, so an input record its producer
     * compressed can be many times larger once read; written back uncompressed as a dead letter it was refused, and
     * the refusal failed the stream thread at every replay of the record.
     */
    public static final int MAX_BYTES = 1_000_000;

    /** The longest {@link #DETAIL} or {@link #MODEL} text, in characters (both can quote the record). */
    static final int MAX_TEXT = 1_000;

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
        Letter letter = fit(original.key(), original.value(), headers);
        context.forward(new Record<String, Routed>(
                null, new Routed.DeadLetter(letter.key(), letter.value()), original.timestamp(), headers));
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
        add(headers, DETAIL, cut(detail));
        if (modelId != null) {
            add(headers, MODEL, cut(modelId));
        }
        if (source != null) {
            add(headers, TOPIC, source.topic());
            add(headers, PARTITION, Integer.toString(source.partition()));
            add(headers, OFFSET, Long.toString(source.offset()));
        }
        return headers;
    }

    /** The key and value a dead letter carries (see {@link #fit}). */
    public record Letter(byte[] key, byte[] value) {}

    /**
     * The key and value of a dead letter of {@code key}, {@code value} and {@code headers}, at most {@link #MAX_BYTES}
     * together: as they are when they fit; else with a {@link #TRUNCATED} header (the value's length, 0 without one)
     * added to {@code headers}, the record's own headers dropped when they hold more than a quarter of the bytes, the
     * key cut to a quarter, and the value cut to what is left.
     */
    public static Letter fit(byte[] key, byte[] value, Headers headers) {
        int keyLength = key == null ? 0 : key.length;
        int valueLength = value == null ? 0 : value.length;
        if (keyLength + valueLength + size(headers) <= MAX_BYTES) {
            return new Letter(key, value);
        }
        add(headers, TRUNCATED, Integer.toString(valueLength));
        if (size(headers) > MAX_BYTES / 4) {
            for (Header h : headers.toArray()) {
                if (!h.key().startsWith("eddy.dlq.")) {
                    headers.remove(h.key());
                }
            }
        }
        byte[] k = keyLength > MAX_BYTES / 4 ? Arrays.copyOf(key, MAX_BYTES / 4) : key;
        long room = MAX_BYTES - (k == null ? 0 : k.length) - size(headers);
        byte[] v = value == null ? null : Arrays.copyOf(value, (int) Math.max(0, Math.min(valueLength, room)));
        return new Letter(k, v);
    }

    /** The bytes of {@code headers}' keys (UTF-8) and values. */
    private static long size(Headers headers) {
        long size = 0;
        for (Header h : headers) {
            size += h.key().getBytes(StandardCharsets.UTF_8).length + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    private static String cut(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
    }

    private static void add(Headers headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
