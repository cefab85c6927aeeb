package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private static long size(DeadLetters.Letter letter, Headers headers) {
        long size =
                (letter.key() == null ? 0 : letter.key().length) + (letter.value() == null ? 0 : letter.value().length);
        for (Header h : headers) {
            size += h.key().getBytes(StandardCharsets.UTF_8).length + h.value().length;
        }
        return size;
    }

    private static Headers headers() {
        Headers h = new RecordHeaders();
        h.add(DeadLetters.REASON, "undecodable".getBytes(StandardCharsets.UTF_8));
        return h;
    }

    @Test
    void aLetterThatFitsIsLeftAsItIs() {
        Headers h = headers();
        byte[] key = {1, 2};
        byte[] value = {3};
        DeadLetters.Letter letter = DeadLetters.fit(key, value, h);
        assertThat(letter.key()).isSameAs(key);
        assertThat(letter.value()).isSameAs(value);
        assertThat(h.lastHeader(DeadLetters.TRUNCATED)).isNull();
    }

    /** A large key, a large key without a value, large headers of the record: each is cut to fit, and says so. */
    @Test
    void keysValuesAndTheRecordsHeadersAreCutToFit() {
        Headers big = headers();
        DeadLetters.Letter keyAndValue = DeadLetters.fit(new byte[1_500_000], new byte[10], big);
        assertThat(size(keyAndValue, big)).isLessThanOrEqualTo(DeadLetters.MAX_BYTES);
        assertThat(new String(big.lastHeader(DeadLetters.TRUNCATED).value(), StandardCharsets.UTF_8))
                .isEqualTo("10");

        Headers keyOnly = headers();
        DeadLetters.Letter noValue = DeadLetters.fit(new byte[1_500_000], null, keyOnly);
        assertThat(noValue.value()).isNull();
        assertThat(size(noValue, keyOnly)).isLessThanOrEqualTo(DeadLetters.MAX_BYTES);

        Headers own = headers();
        own.add("trace", new byte[1_200_000]);
        DeadLetters.Letter headersOnly = DeadLetters.fit(new byte[] {1}, new byte[100], own);
        assertThat(size(headersOnly, own)).isLessThanOrEqualTo(DeadLetters.MAX_BYTES);
        assertThat(own.lastHeader("trace")).isNull();
        assertThat(own.lastHeader(DeadLetters.REASON)).isNotNull();
        assertThat(headersOnly.value()).hasSize(100);
    }
}
