package dev.eddy.state;

import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The examples of the mini-batch being filled, for one model: in memory as reused arrays (the trainer's input) and
 * in a store as one entry per slot, {@code <model>/<slot>}, so a restart continues the same batch. A batch is full
 * after exactly {@code batchSize} examples, counted in input order: batch boundaries never depend on time.
 */
public final class PartialBatch {

    private final String modelId;
    private final KeyValueStore<String, byte[]> store;
    private final int inputSize;
    private int batchSize;
    private double[][] features;
    private double[] labels;
    private int size;

    public PartialBatch(String modelId, int inputSize, int batchSize, KeyValueStore<String, byte[]> store) {
        this.modelId = modelId;
        this.store = store;
        this.inputSize = inputSize;
        this.batchSize = batchSize;
        this.features = new double[batchSize][inputSize];
        this.labels = new double[batchSize];
    }

    /** Loads the slots written before a restart. */
    public void restore() {
        int found = 0;
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(modelId + "/", new StringSerializer())) {
            while (it.hasNext()) {
                it.next();
                found++;
            }
        }
        if (found > features.length) {
            allocate(found);
        }
        for (int slot = 0; slot < found; slot++) {
            byte[] bytes = store.get(slotKey(slot));
            if (bytes == null) {
                throw new IllegalStateException(
                        "partial batch of '" + modelId + "' is corrupt: slot " + slot + " of " + found + " missing");
            }
            labels[slot] = LabeledRow.decode(bytes, features[slot]);
        }
        size = found;
    }

    /** Appends one example (features x, label y) and persists its slot. */
    public void add(List<Double> x, double y) {
        double[] row = features[size];
        for (int j = 0; j < inputSize; j++) {
            row[j] = x.get(j);
        }
        labels[size] = y;
        store.put(slotKey(size), LabeledRow.encode(size, x, y));
        size++;
    }

    /** Whether the batch holds {@code batch-size} examples (or more, right after a smaller batch size was set). */
    public boolean full() {
        return size == features.length;
    }

    /** The batch rows; only meaningful when {@link #full()}. */
    public double[][] features() {
        return features;
    }

    /** The batch labels; only meaningful when {@link #full()}. */
    public double[] labels() {
        return labels;
    }

    /** Empties the batch (after a step) and deletes its slots. */
    public void clear() {
        for (int slot = 0; slot < size; slot++) {
            store.delete(slotKey(slot));
        }
        size = 0;
        if (features.length != batchSize) {
            allocate(batchSize);
        }
    }

    /**
     * Changes the batch size ({@code set batch-size}). If the batch already holds at least {@code batchSize}
     * examples, it is full at its current size, so the caller trains on all of them at once.
     */
    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
        allocate(Math.max(batchSize, size));
    }

    private void allocate(int capacity) {
        double[][] f = new double[capacity][];
        double[] l = new double[capacity];
        for (int i = 0; i < capacity; i++) {
            f[i] = i < size ? features[i] : new double[inputSize];
            l[i] = i < size ? labels[i] : 0;
        }
        features = f;
        labels = l;
    }

    private String slotKey(int slot) {
        return modelId + '/' + slot;
    }
}
