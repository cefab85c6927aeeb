package dev.eddy.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HoldoutBufferTest {

    private KeyValueStore<String, byte[]> store;

    @BeforeEach
    void store() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("h"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled()
                .build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    /** Example i has features (i, −i) and label i mod 2; each persisted, as by a commit after each. */
    private static void addExamples(HoldoutBuffer b, int from, int to) {
        for (int i = from; i < to; i++) {
            b.add(List.of((double) i, (double) -i), i % 2);
            b.persist();
        }
    }

    @Test
    void persistWritesTheExamplesAddedSinceStillInTheRing() {
        HoldoutBuffer b = new HoldoutBuffer("m", 2, 3, store);
        for (int i = 0; i < 5; i++) {
            b.add(List.of((double) i, (double) -i), i % 2);
        }
        assertThat(store.approximateNumEntries()).isZero();
        b.persist(); // 0 and 1 were replaced by 3 and 4 before any commit: three writes, sequences 2, 3, 4
        assertThat(store.approximateNumEntries()).isEqualTo(3);
        HoldoutBuffer restored = new HoldoutBuffer("m", 2, 3, store);
        restored.restore();
        assertThat(restored.features()).isDeepEqualTo(b.features());
        store.delete("m/0");
        b.add(List.of(5.0, -5.0), 1);
        b.persist(); // only slot 2 (5 mod 3) is written
        assertThat(store.get("m/0")).isNull();
        assertThat(store.get("m/2")).isNotNull();
    }

    @Test
    void keepsTheMostRecentNInSlotsBySequenceNumber() {
        HoldoutBuffer b = new HoldoutBuffer("m", 2, 3, store);
        addExamples(b, 0, 2);
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.features()).isDeepEqualTo(new double[][] {{0, 0}, {1, -1}});
        addExamples(b, 2, 5);
        // Examples 3 and 4 replaced 0 and 1 (slots 3 mod 3 = 0 and 4 mod 3 = 1).
        assertThat(b.size()).isEqualTo(3);
        assertThat(b.features()).isDeepEqualTo(new double[][] {{3, -3}, {4, -4}, {2, -2}});
        assertThat(b.labels()).containsExactly(1, 0, 0);

        HoldoutBuffer restored = new HoldoutBuffer("m", 2, 3, store);
        restored.restore();
        assertThat(restored.features()).isDeepEqualTo(b.features());
        assertThat(restored.labels()).containsExactly(b.labels());
        addExamples(restored, 5, 6);
        assertThat(restored.features()).isDeepEqualTo(new double[][] {{3, -3}, {4, -4}, {5, -5}});
    }

    @Test
    void aSmallerCapacityAfterRestartKeepsTheNewestExamples() {
        addExamples(new HoldoutBuffer("m", 2, 4, store), 0, 6);
        HoldoutBuffer smaller = new HoldoutBuffer("m", 2, 2, store);
        smaller.restore();
        assertThat(smaller.features()).isDeepEqualTo(new double[][] {{4, -4}, {5, -5}});
        assertThat(store.approximateNumEntries()).isEqualTo(2);
        HoldoutBuffer again = new HoldoutBuffer("m", 2, 2, store);
        again.restore();
        assertThat(again.features()).isDeepEqualTo(smaller.features());
        addExamples(again, 6, 7);
        assertThat(again.features()).isDeepEqualTo(new double[][] {{6, -6}, {5, -5}});
    }

    @Test
    void modelsShareTheStoreWithoutSeeingEachOther() {
        HoldoutBuffer a = new HoldoutBuffer("a", 2, 3, store);
        HoldoutBuffer ab = new HoldoutBuffer("ab", 2, 3, store);
        addExamples(a, 0, 2);
        addExamples(ab, 10, 11);
        HoldoutBuffer restored = new HoldoutBuffer("a", 2, 3, store);
        restored.restore();
        assertThat(restored.size()).isEqualTo(2);
    }
}
