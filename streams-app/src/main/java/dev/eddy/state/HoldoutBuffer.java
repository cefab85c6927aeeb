package dev.eddy.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The N most recent held-out examples of one model: a ring in memory (reused arrays) and in a store, one entry per
 * slot {@code <model>/<slot>} holding the example's sequence number s (slot = s mod N), so a restart rebuilds the
 * same ring; {@link #persist} writes the examples added since it last ran (at the commit, with the model's state).
 * Held-out examples are only evaluated on, never trained on.
 */
public final class HoldoutBuffer {

    private final String modelId;
    private final KeyValueStore<String, byte[]> store;
    private final double[][] features;
    private final double[] labels;
    private int size;
    private long nextSequence;
    /** The examples of sequence below this one are in the store (or replaced in the ring). */
    private long persisted;

    public HoldoutBuffer(String modelId, int inputSize, int capacity, KeyValueStore<String, byte[]> store) {
        this.modelId = modelId;
        this.store = store;
        this.features = new double[capacity][inputSize];
        this.labels = new double[capacity];
    }

    /**
     * Loads the ring written before a restart. If the capacity changed since, the most recent min(stored, N)
     * examples are kept and re-slotted.
     */
    public void restore() {
        List<KeyValue<String, byte[]>> entries = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(modelId + "/", new StringSerializer())) {
            it.forEachRemaining(entries::add);
        }
        entries.sort(Comparator.comparingLong((KeyValue<String, byte[]> kv) -> LabeledRow.sequence(kv.value))
                .reversed());
        int n = features.length;
        boolean sameCapacity = entries.size() <= n;
        for (KeyValue<String, byte[]> kv : entries) {
            sameCapacity &= kv.key.equals(slotKey((int) (LabeledRow.sequence(kv.value) % n)));
        }
        if (sameCapacity) {
            for (KeyValue<String, byte[]> kv : entries) {
                int slot = (int) (LabeledRow.sequence(kv.value) % n);
                labels[slot] = LabeledRow.decode(kv.value, features[slot]);
            }
            size = entries.size();
            nextSequence = entries.isEmpty() ? 0 : LabeledRow.sequence(entries.get(0).value) + 1;
            persisted = nextSequence;
            return;
        }
        // N changed: keep the most recent min(stored, N), renumbered 0, 1, ... oldest first.
        entries.forEach(kv -> store.delete(kv.key));
        List<KeyValue<String, byte[]>> kept = new ArrayList<>(entries.subList(0, Math.min(n, entries.size())));
        Collections.reverse(kept);
        size = 0;
        nextSequence = 0;
        persisted = 0;
        double[] row = new double[features[0].length];
        List<Double> boxed = new ArrayList<>(row.length);
        for (KeyValue<String, byte[]> kv : kept) {
            double y = LabeledRow.decode(kv.value, row);
            boxed.clear();
            for (double v : row) {
                boxed.add(v);
            }
            add(boxed, y);
        }
        persist();
    }

    /** Adds a held-out example (features x, label y), replacing the oldest when the buffer is full. */
    public void add(List<Double> x, double y) {
        int slot = (int) (nextSequence % features.length);
        double[] row = features[slot];
        for (int j = 0; j < row.length; j++) {
            row[j] = x.get(j);
        }
        labels[slot] = y;
        nextSequence++;
        size = Math.min(size + 1, features.length);
    }

    /** Writes the examples added since the last call that are still in the ring (the last N at most). */
    public void persist() {
        int n = features.length;
        for (long s = Math.max(persisted, nextSequence - n); s < nextSequence; s++) {
            int slot = (int) (s % n);
            store.put(slotKey(slot), LabeledRow.encode(s, features[slot], labels[slot]));
        }
        persisted = nextSequence;
    }

    /** Empties the buffer and deletes its slots. */
    public void clear() {
        for (int slot = 0; slot < size; slot++) {
            store.delete(slotKey(slot));
        }
        size = 0;
        nextSequence = 0;
        persisted = 0;
    }

    /** Number of examples held, at most the capacity N. */
    public int size() {
        return size;
    }

    /** The held rows in slot order (the arrays themselves when the ring is full). */
    public double[][] features() {
        return size == features.length ? features : Arrays.copyOf(features, size);
    }

    /** The held labels in slot order. */
    public double[] labels() {
        return size == labels.length ? labels : Arrays.copyOf(labels, size);
    }

    private String slotKey(int slot) {
        return modelId + '/' + slot;
    }
}
