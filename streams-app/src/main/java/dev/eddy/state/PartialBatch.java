package dev.eddy.state;

import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The examples of the mini-batch being filled, for one model: in memory as reused arrays (the trainer's input) and
 * in a store as one entry per slot, {@code <model>/<slot>}, so a restart continues the same batch; {@link #persist}
 * writes the slots added since it last ran (the model's state is written at the commit, and so is its batch). A batch
 * is full after exactly {@code batchSize} examples, counted in input order: batch boundaries never depend on time.
 *
 * <p>Slots are overwritten, never deleted after a step: the row in slot i of the batch of generation g (the examples
 * the trainer was given before this batch, {@code Trainer.examplesSeen()}, kept in the trainer state) carries the
 * sequence number g + i, its position in the trainer's input. The batch is the rows of slots 0, 1, 2, … whose
 * sequence is g + slot, up to the first missing slot or the first left from an earlier generation (g only grows
 * between steps, so an earlier row has a smaller sequence).
 */
public final class PartialBatch {

    private final String modelId;
    private final KeyValueStore<String, byte[]> store;
    private final int inputSize;
    private int batchSize;
    private long generation;
    private double[][] features;
    private double[] labels;
    private double[] weights;
    private int size;
    /** Slots [0, persisted) of this generation are in the store. */
    private int persisted;
    /** The slot keys made so far, {@code <model>/<slot>}: a key per example is otherwise a string built per example. */
    private String[] slotKeys = new String[0];

    /**
     * @param generation the examples the trainer was given before this batch (see the class javadoc)
     */
    public PartialBatch(
            String modelId, int inputSize, int batchSize, long generation, KeyValueStore<String, byte[]> store) {
        this.modelId = modelId;
        this.store = store;
        this.inputSize = inputSize;
        this.batchSize = batchSize;
        this.generation = generation;
        this.features = new double[batchSize][inputSize];
        this.labels = new double[batchSize];
        this.weights = new double[batchSize];
    }

    /** The sequence number of a stored slot's row (see the class javadoc). */
    public static long sequence(byte[] slot) {
        return LabeledRow.sequence(slot);
    }

    /** Loads the slots written before a restart: those of this batch's generation. */
    public void restore() {
        size = 0;
        for (byte[] bytes = store.get(slotKey(0));
                bytes != null && LabeledRow.sequence(bytes) == generation + size;
                bytes = store.get(slotKey(size))) {
            if (size == features.length) {
                allocate(2 * size); // only after a smaller batch size was set while paused
            }
            labels[size] = LabeledRow.decode(bytes, features[size]);
            weights[size] = LabeledRow.weight(bytes);
            size++;
        }
        persisted = size;
        if (features.length != Math.max(batchSize, size)) {
            allocate(Math.max(batchSize, size));
        }
    }

    /** Appends one example (features x, label y, example weight w); {@link #persist} writes its slot. */
    public void add(List<Double> x, double y, double w) {
        double[] row = features[size];
        for (int j = 0; j < inputSize; j++) {
            row[j] = x.get(j);
        }
        labels[size] = y;
        weights[size] = w;
        size++;
    }

    /** Writes the slots added since the last call (or since the batch was cleared, restored or renumbered). */
    public void persist() {
        for (; persisted < size; persisted++) {
            store.put(
                    slotKey(persisted),
                    LabeledRow.encode(
                            generation + persisted, features[persisted], labels[persisted], weights[persisted]));
        }
    }

    /** Whether the batch holds {@code batch-size} examples (or more, right after a smaller batch size was set). */
    public boolean full() {
        return size == features.length;
    }

    /** Examples in the batch. */
    public int size() {
        return size;
    }

    /** The batch rows; only meaningful when {@link #full()}. */
    public double[][] features() {
        return features;
    }

    /** The batch labels; only meaningful when {@link #full()}. */
    public double[] labels() {
        return labels;
    }

    /** The example weights of the batch rows; only meaningful when {@link #full()}. */
    public double[] weights() {
        return weights;
    }

    /**
     * Empties the batch after a step on it and starts the next generation; the slots stay, stale by their sequence.
     *
     * @param generation the examples the trainer has been given now: at least the previous generation + the size
     */
    public void clear(long generation) {
        if (generation < this.generation + size) {
            throw new IllegalArgumentException("the next generation of the partial batch of '" + modelId
                    + "' must be at least " + (this.generation + size) + ", got " + generation);
        }
        this.generation = generation;
        size = 0;
        persisted = 0;
        if (features.length != batchSize) {
            allocate(batchSize);
        }
    }

    /**
     * Keeps the examples under a new generation that may be smaller (the trainer was reset): rewrites their slots
     * with the new sequence numbers and deletes all later slots, whose sequences could match the new generation.
     */
    public void renumber(long generation) {
        this.generation = generation;
        persisted = 0;
        persist();
        deleteFrom(size);
    }

    /** Empties the batch and deletes every slot (the model starts afresh under another configuration). */
    public void discard() {
        size = 0;
        persisted = 0;
        deleteFrom(0);
    }

    /**
     * Changes the batch size ({@code set batch-size}). If the batch already holds at least {@code batchSize}
     * examples, it is full at its current size, so the caller trains on all of them at once. Slots beyond the new
     * size keep rows of earlier generations, which stay stale.
     */
    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
        allocate(Math.max(batchSize, size));
    }

    /** Deletes the slots from {@code first} on; slots are written from 0 up, so they end at the first missing one. */
    private void deleteFrom(int first) {
        for (int slot = first; store.delete(slotKey(slot)) != null; slot++) {
            // deleted
        }
    }

    private void allocate(int capacity) {
        double[][] f = new double[capacity][];
        double[] l = new double[capacity];
        double[] w = new double[capacity];
        for (int i = 0; i < capacity; i++) {
            f[i] = i < size ? features[i] : new double[inputSize];
            l[i] = i < size ? labels[i] : 0;
            w[i] = i < size ? weights[i] : 0;
        }
        features = f;
        labels = l;
        weights = w;
    }

    private String slotKey(int slot) {
        if (slot >= slotKeys.length) {
            slotKeys = Arrays.copyOf(slotKeys, Math.max(slot + 1, 2 * slotKeys.length));
        }
        if (slotKeys[slot] == null) {
            slotKeys[slot] = modelId + '/' + slot;
        }
        return slotKeys[slot];
    }
}
