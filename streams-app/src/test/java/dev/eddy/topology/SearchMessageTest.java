package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.junit.jupiter.api.Test;

/** The binary form of a spread search's messages, alone and inside a trainer input. */
class SearchMessageTest {

    /** Field by field, doubles by their bits (NaN equals NaN). */
    private static final RecursiveComparisonConfiguration SAME = RecursiveComparisonConfiguration.builder()
            .withEqualsForType((a, b) -> Double.compare(a, b) == 0, Double.class)
            .build();

    @Test
    void everyKindReadsBackAsWritten() {
        SortedMap<String, String> config = new TreeMap<>();
        config.put("learning-rate", "0.03");
        config.put("layers", "");
        List<SearchMessage> messages = List.of(
                new SearchMessage.Report(
                        "m", 3, 2, 1_000, 400, 0.875, Double.NaN, 0.8, 990, true, new byte[] {1, 2, 3}),
                new SearchMessage.Decision("m", 5, 1, 4, SearchMessage.Kind.PAUSE),
                new SearchMessage.Decision("m", 5, 1, 2, SearchMessage.Kind.SHARE, config, 7),
                new SearchMessage.Decision("m", 5, 3, 6, SearchMessage.Kind.RESET, config, -1),
                new SearchMessage.Relay("m", 1, 2, new byte[] {9, 8}),
                new SearchMessage.Adopt("m", 7, 1, config, new byte[] {4, 5, 6, 7}),
                new SearchMessage.Command("m", 2, ModelCommand.parse("set m~t02 learning-rate 0.5")),
                new SearchMessage.Command("m", 4, ModelCommand.parse("resume m~t04")));
        TrainerInputSerde serde = new TrainerInputSerde();
        for (SearchMessage m : messages) {
            assertThat(SearchMessage.decode(m.encode()))
                    .usingRecursiveComparison(SAME)
                    .isEqualTo(m);
            TrainerInput input = serde.deserialize("t", serde.serialize("t", new TrainerInput.Search(m)));
            assertThat(((TrainerInput.Search) input).message())
                    .usingRecursiveComparison(SAME)
                    .isEqualTo(m);
        }
    }

    @Test
    void anythingElseIsASerializationError() {
        assertThatThrownBy(() -> SearchMessage.decode(new byte[] {7, 0, 1, 'm'}))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("not a search message");
        assertThatThrownBy(() -> SearchMessage.decode(new byte[0])).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> SearchMessage.decode(null))
                .isInstanceOf(SerializationException.class)
                .hasMessage("not a search message: no value");
    }

    /** A length field that is negative or beyond the bytes left, a kind or peer out of range, trailing bytes. */
    @Test
    void badFieldsAreSerializationErrorsNotOtherExceptions() {
        byte[] relay = new SearchMessage.Relay("m", 1, 2, new byte[] {9, 8}).encode();
        int length = relay.length - 2 - Integer.BYTES; // the snapshot's length field
        assertThatThrownBy(() -> SearchMessage.decode(withInt(relay, length, -1)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("length -1");
        assertThatThrownBy(() -> SearchMessage.decode(withInt(relay, length, Integer.MAX_VALUE)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("length " + Integer.MAX_VALUE);
        byte[] pause = new SearchMessage.Decision("m", 5, 1, 4, SearchMessage.Kind.PAUSE).encode();
        byte[] badKind = pause.clone();
        badKind[pause.length - Integer.BYTES - Integer.BYTES - 1] = 99; // the kind byte, before config size and peer
        assertThatThrownBy(() -> SearchMessage.decode(badKind)).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> SearchMessage.decode(withInt(pause, pause.length - Integer.BYTES, -7)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("peer -7");
        byte[] longer = Arrays.copyOf(pause, pause.length + 1);
        assertThatThrownBy(() -> SearchMessage.decode(longer))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("1 bytes after the message");
        // every truncation and every single-byte change of each kind decodes or is a serialization error
        Random random = new Random(5);
        for (byte[] encoded :
                List.of(relay, pause, new SearchMessage.Command("m", 2, ModelCommand.parse("reset m~t02")).encode())) {
            for (int n = 0; n < encoded.length; n++) {
                byte[] cut = Arrays.copyOf(encoded, n);
                assertThatThrownBy(() -> SearchMessage.decode(cut)).isInstanceOf(SerializationException.class);
                byte[] changed = encoded.clone();
                changed[n] = (byte) random.nextInt();
                try {
                    SearchMessage.decode(changed);
                } catch (SerializationException expected) {
                    // the only failure allowed
                }
            }
        }
    }

    private static byte[] withInt(byte[] encoded, int at, int value) {
        byte[] out = encoded.clone();
        ByteBuffer.wrap(out).putInt(at, value);
        return out;
    }
}
