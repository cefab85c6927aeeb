package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
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
                new SearchMessage.Decision("m", 5, 1, SearchMessage.Kind.PAUSE),
                new SearchMessage.Decision("m", 5, 1, SearchMessage.Kind.SHARE, config, 7),
                new SearchMessage.Decision("m", 5, 3, SearchMessage.Kind.RESET, config, -1),
                new SearchMessage.Relay("m", 1, 2, new byte[] {9, 8}),
                new SearchMessage.Adopt("m", 7, 1, config, new byte[] {4, 5, 6, 7}));
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
    }
}
