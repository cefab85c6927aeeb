package dev.eddy.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PartialBatchTest {

    private KeyValueStore<String, byte[]> store;

    @BeforeEach
    void store() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("b"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled()
                .build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    /** Example i has features (i, −i), label i mod 2 and weight i/2; each persisted, as by a commit after each. */
    private static void addExamples(PartialBatch b, int from, int to) {
        for (int i = from; i < to; i++) {
            b.add(List.of((double) i, (double) -i), i % 2, i / 2.0);
            b.persist();
        }
    }

    @Test
    void persistWritesOnlyTheSlotsAddedSinceItLastRan() {
        PartialBatch b = new PartialBatch("m", 2, 4, 0, store);
        b.add(List.of(0.0, 0.0), 0, 1);
        b.add(List.of(1.0, -1.0), 1, 1);
        assertThat(store.approximateNumEntries()).isZero();
        b.persist();
        assertThat(store.approximateNumEntries()).isEqualTo(2);
        store.delete("m/0");
        b.add(List.of(2.0, -2.0), 0, 1);
        b.persist();
        assertThat(store.get("m/0")).isNull(); // not written again
        assertThat(LabeledRow.sequence(store.get("m/2"))).isEqualTo(2);
        b.clear(3);
        b.add(List.of(3.0, -3.0), 1, 1);
        b.persist(); // the new generation starts at slot 0 again
        assertThat(LabeledRow.sequence(store.get("m/0"))).isEqualTo(3);
    }

    private PartialBatch restored(int batchSize, long generation) {
        PartialBatch b = new PartialBatch("m", 2, batchSize, generation, store);
        b.restore();
        return b;
    }

    @Test
    void clearKeepsTheSlotsAndRestoreLoadsOnlyTheCurrentGeneration() {
        PartialBatch b = new PartialBatch("m", 2, 3, 0, store);
        addExamples(b, 0, 3);
        assertThat(b.full()).isTrue();
        b.clear(3);
        assertThat(store.approximateNumEntries()).isEqualTo(3);
        addExamples(b, 3, 4);

        PartialBatch r = restored(3, 3);
        assertThat(r.full()).isFalse();
        addExamples(r, 4, 6);
        assertThat(r.full()).isTrue();
        assertThat(r.features()).isDeepEqualTo(new double[][] {{3, -3}, {4, -4}, {5, -5}});
        assertThat(r.labels()).containsExactly(1, 0, 1);
        assertThat(r.weights()).containsExactly(1.5, 2, 2.5);

        // Right after a step nothing of the old generation comes back.
        r.clear(6);
        PartialBatch empty = restored(3, 6);
        addExamples(empty, 6, 8);
        assertThat(empty.full()).isFalse();
    }

    @Test
    void aSmallerBatchSizeWhilePausedRestoresEveryExampleOfTheBatch() {
        PartialBatch b = new PartialBatch("m", 2, 4, 8, store);
        addExamples(b, 0, 3);
        b.setBatchSize(2);
        assertThat(b.full()).isTrue();

        PartialBatch r = restored(2, 8);
        assertThat(r.full()).isTrue();
        assertThat(r.features()).isDeepEqualTo(new double[][] {{0, 0}, {1, -1}, {2, -2}});
        assertThat(r.weights()).containsExactly(0, 0.5, 1);
        r.clear(11);
        addExamples(r, 3, 4);
        assertThat(restored(2, 11).full()).isFalse();
        addExamples(r, 4, 5);
        assertThat(restored(2, 11).features()).isDeepEqualTo(new double[][] {{3, -3}, {4, -4}});
    }

    @Test
    void renumberKeepsTheExamplesUnderASmallerGenerationAndDropsLaterSlots() {
        PartialBatch b = new PartialBatch("m", 2, 4, 0, store);
        addExamples(b, 0, 4);
        b.clear(4);
        addExamples(b, 4, 5);
        // A reset: the trainer starts again from 0 examples, while slots 1..3 still hold sequences 1..3.
        b.renumber(0);
        PartialBatch r = restored(4, 0);
        addExamples(r, 5, 8);
        assertThat(r.full()).isTrue();
        assertThat(r.features()).isDeepEqualTo(new double[][] {{4, -4}, {5, -5}, {6, -6}, {7, -7}});
        assertThat(r.weights()).containsExactly(2, 2.5, 3, 3.5);
    }

    /** Slots written before weights were honoured (no weight after the label) restore with weight 1. */
    @Test
    void aSlotWithoutAWeightWeighsOne() {
        store.put("m/0", LabeledRow.encode(5, new double[] {1.0, 2.0}, 1));
        PartialBatch b = restored(2, 5);
        assertThat(b.size()).isEqualTo(1);
        b.add(List.of(3.0, 4.0), 0, 0.25);
        b.persist();
        assertThat(b.full()).isTrue();
        assertThat(b.features()).isDeepEqualTo(new double[][] {{1, 2}, {3, 4}});
        assertThat(b.labels()).containsExactly(1, 0);
        assertThat(b.weights()).containsExactly(1, 0.25);
        assertThat(LabeledRow.weight(store.get("m/1"))).isEqualTo(0.25);
        // A reader that predates the weight reads the slot as before: the weight follows everything it reads.
        double[] row = new double[2];
        assertThat(LabeledRow.decode(store.get("m/1"), row)).isZero();
        assertThat(row).containsExactly(3, 4);
    }

    @Test
    void discardDeletesEverySlot() {
        PartialBatch b = new PartialBatch("m", 2, 4, 0, store);
        addExamples(b, 0, 4);
        b.clear(4);
        addExamples(b, 4, 6);
        b.discard();
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void clearRefusesAGenerationThatCouldMatchStaleSlots() {
        PartialBatch b = new PartialBatch("m", 2, 2, 10, store);
        addExamples(b, 0, 2);
        assertThatThrownBy(() -> b.clear(11))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the next generation of the partial batch of 'm' must be at least 12, got 11");
    }
}
