package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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
                new SearchMessage.Relay("m", 1, 3, 2, new byte[] {9, 8}),
                new SearchMessage.Adopt("m", 7, 2, 1, config, new byte[] {4, 5, 6, 7}),
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
        byte[] relay = new SearchMessage.Relay("m", 1, 3, 2, new byte[] {9, 8}).encode();
        int length =
                relay.length - Integer.BYTES - 2 - Integer.BYTES; // the snapshot's length, before it and generation
        assertThatThrownBy(() -> SearchMessage.decode(withInt(relay, length, -1)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("length -1");
        assertThatThrownBy(() -> SearchMessage.decode(withInt(relay, length, Integer.MAX_VALUE)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("length " + Integer.MAX_VALUE);
        byte[] pause = new SearchMessage.Decision("m", 5, 1, 4, SearchMessage.Kind.PAUSE).encode();
        byte[] badKind = pause.clone();
        badKind[pause.length - 3 * Integer.BYTES - 1] = 99; // the kind byte, before config size, peer, generation
        assertThatThrownBy(() -> SearchMessage.decode(badKind)).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> SearchMessage.decode(withInt(pause, pause.length - 2 * Integer.BYTES, -7)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("peer -7");
        byte[] share = new SearchMessage.Decision(
                        "m", 5, 1, 2, SearchMessage.Kind.SHARE, Collections.emptySortedMap(), 7)
                .encode();
        assertThatThrownBy(() -> SearchMessage.decode(withInt(share, share.length - 2 * Integer.BYTES, -1)))
                .as("a share names the trial that receives the model")
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("peer -1 of a SHARE decision");
        assertThatThrownBy(() -> SearchMessage.decode(withInt(pause, pause.length - Integer.BYTES, -2)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("generation -2");
        byte[] longer = Arrays.copyOf(pause, pause.length + 1);
        assertThatThrownBy(() -> SearchMessage.decode(longer))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("1 bytes after the message");
        // every truncation and every single-byte change of each kind decodes or is a serialization error
        Random random = new Random(5);
        byte[] command = new SearchMessage.Command("m", 2, ModelCommand.parse("reset m~t02")).encode();
        for (byte[] encoded : List.of(relay, pause, command)) {
            for (int n = 0; n < encoded.length; n++) {
                byte[] cut = Arrays.copyOf(encoded, n);
                if (n == encoded.length - Integer.BYTES && encoded != command) {
                    continue; // without its generation: a message of the build before (below)
                }
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

    /**
     * The build before generations wrote decisions, adoptions and relays without the generation at their end: they read
     * as {@link SearchMessage#LEGACY}, and their receivers apply that build's rule, the epoch's.
     */
    @Test
    void messagesOfTheBuildBeforeGenerationsReadAsLegacyAndKeepTheEpochsRule() {
        SortedMap<String, String> config = new TreeMap<>(Map.of("learning-rate", "0.03"));
        List<SearchMessage> now = List.of(
                new SearchMessage.Decision("m", 5, 1, 4, SearchMessage.Kind.EXPLORE, config, -1),
                new SearchMessage.Relay("m", 1, 3, 2, new byte[] {9, 8}),
                new SearchMessage.Adopt("m", 7, 2, 1, config, new byte[] {4, 5, 6, 7}));
        List<SearchMessage> before = List.of(
                new SearchMessage.Decision("m", 5, 1, SearchMessage.LEGACY, SearchMessage.Kind.EXPLORE, config, -1),
                new SearchMessage.Relay("m", 1, 3, SearchMessage.LEGACY, new byte[] {9, 8}),
                new SearchMessage.Adopt("m", 7, 2, SearchMessage.LEGACY, config, new byte[] {4, 5, 6, 7}));
        for (int i = 0; i < now.size(); i++) {
            byte[] encoded = now.get(i).encode();
            assertThat(SearchMessage.decode(Arrays.copyOf(encoded, encoded.length - Integer.BYTES)))
                    .usingRecursiveComparison(SAME)
                    .isEqualTo(before.get(i));
        }
        SearchMessage.Decision explore = (SearchMessage.Decision) before.get(0);
        assertThat(explore.newer(1, 9)).as("of the trial's epoch").isTrue();
        assertThat(explore.newer(2, 0)).as("of another epoch").isFalse();
        assertThat(((SearchMessage.Decision) now.get(0)).newer(0, 3)).isTrue();
        assertThat(((SearchMessage.Decision) now.get(0)).newer(1, 4))
                .as("not newer")
                .isFalse();
        SearchMessage.Relay relay = (SearchMessage.Relay) before.get(1);
        assertThat(relay.current(3, 7)).isTrue();
        assertThat(relay.current(4, 0)).isFalse();
        assertThat(((SearchMessage.Relay) now.get(1)).current(9, 2))
                .as("the generation decides")
                .isTrue();
        assertThat(((SearchMessage.Relay) now.get(1)).current(3, 1)).isFalse();
        SearchMessage.Adopt adopt = (SearchMessage.Adopt) before.get(2);
        assertThat(adopt.current(2, 5, true)).isTrue();
        assertThat(adopt.current(3, 0, false)).isFalse();
        SearchMessage.Adopt fresh = (SearchMessage.Adopt) now.get(2);
        assertThat(fresh.current(0, 0, true)).as("newer, at a host").isTrue();
        assertThat(fresh.current(0, 1, true)).as("not newer, at a host").isFalse();
        assertThat(fresh.current(0, 1, false))
                .as("the same, in the task of the model")
                .isTrue();
        assertThat(fresh.current(0, 2, false)).isFalse();
    }

    private static byte[] withInt(byte[] encoded, int at, int value) {
        byte[] out = encoded.clone();
        ByteBuffer.wrap(out).putInt(at, value);
        return out;
    }
}
