package dev.eddy.history;

import dev.eddy.schema.TrainingMetrics;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recent training history of every model, as read from the training-metrics topic: a bounded {@link ModelHistory}
 * per model id ({@value #POINTS_PER_MODEL} points each by default), about 120 bytes a point, so 240 kB per model at
 * most.
 *
 * <p>It lives in memory only: after a restart the {@link HistoryFeed} refills it from the topic, and the sequence
 * numbers it hands out start again. {@link #run()} names this life of the history (random, new at each start), so a
 * reader that holds sequence numbers of an earlier life knows to read everything again.
 */
public final class TrainingHistory {

    /** Points (and events) kept per model. */
    public static final int POINTS_PER_MODEL = 2_000;

    private final int capacity;
    private final String run;
    private final Map<String, ModelHistory> models = new ConcurrentHashMap<>();

    /** A history of {@value #POINTS_PER_MODEL} points per model. */
    public TrainingHistory() {
        this(POINTS_PER_MODEL);
    }

    /** A history of {@code capacity} points (and as many events) per model. */
    public TrainingHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("history capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        byte[] id = new byte[8];
        new SecureRandom().nextBytes(id);
        this.run = HexFormat.of().formatHex(id);
    }

    /** Adds one training-metrics record to its model's history. */
    public void add(TrainingMetrics record) {
        models.computeIfAbsent(record.getModelId(), id -> new ModelHistory(capacity))
                .add(record);
    }

    /** The history of {@code modelId}, empty when no record of it was read. */
    public Optional<ModelHistory> model(String modelId) {
        return Optional.ofNullable(models.get(modelId));
    }

    /** The ids of the models with at least one record, sorted. */
    public SortedSet<String> models() {
        return new TreeSet<>(models.keySet());
    }

    /** This life of the history: changes when the application restarts. */
    public String run() {
        return run;
    }
}
