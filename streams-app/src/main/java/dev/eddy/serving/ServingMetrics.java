package dev.eddy.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serving meters, bound to a registry once and fed as a {@link ServingListener}:
 *
 * <ul>
 *   <li>{@code eddy.serving.predictions} (counter, tag {@code model}): feature records scored;
 *   <li>{@code eddy.serving.dead.letters} (counter, tag {@code reason}): feature records sent to the dead letters;
 *   <li>{@code eddy.serving.model.version} (gauge, tag {@code model}): the version served now;
 *   <li>{@code eddy.serving.swaps} (counter, tag {@code model}): served-model replacements;
 *   <li>{@code eddy.quality.gate.refusals} (counter, tag {@code model}): snapshots the quality gate refused.
 * </ul>
 *
 * Meters are created on first use of a tag and then looked up in a map, so the hot path does not allocate.
 */
public final class ServingMetrics implements ServingListener, MeterBinder {

    private volatile MeterRegistry registry;
    private final Map<String, Counter> predictions = new ConcurrentHashMap<>();
    private final Map<ScoringFailure, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Map<String, Counter> swaps = new ConcurrentHashMap<>();
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
    private final Map<String, Counter> unservable = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> versions = new ConcurrentHashMap<>();

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onPrediction(String modelId, long version) {
        counter(predictions, modelId, "eddy.serving.predictions", "model", "Feature records scored")
                .increment();
    }

    @Override
    public void onDeadLetter(ScoringFailure reason) {
        counter(deadLetters, reason, "eddy.serving.dead.letters", "reason", "Feature records not scored")
                .increment();
    }

    @Override
    public void onSwap(String modelId, long version) {
        counter(swaps, modelId, "eddy.serving.swaps", "model", "Served-model replacements")
                .increment();
        // counter() above has checked that the registry is bound.
        versions.computeIfAbsent(modelId, id -> {
                    AtomicLong v = new AtomicLong(-1);
                    Gauge.builder("eddy.serving.model.version", v, AtomicLong::doubleValue)
                            .tag("model", id)
                            .description("Snapshot version served")
                            .register(registry);
                    return v;
                })
                .set(version);
    }

    @Override
    public void onRefused(String modelId, long version, String reason) {
        counter(refusals, modelId, "eddy.quality.gate.refusals", "model", "Snapshots refused by the quality gate")
                .increment();
    }

    @Override
    public void onSnapshotUnservable(String modelId, long version, String why) {
        counter(
                        unservable,
                        modelId,
                        "eddy.serving.snapshots.unservable",
                        "model",
                        "Snapshot records that could not be served")
                .increment();
    }

    private <K> Counter counter(Map<K, Counter> counters, K key, String name, String tag, String description) {
        Counter c = counters.get(key);
        if (c == null) {
            MeterRegistry r = registry;
            if (r == null) {
                throw new IllegalStateException("ServingMetrics used before bindTo(registry)");
            }
            String value = key instanceof ScoringFailure f ? f.code() : key.toString();
            c = counters.computeIfAbsent(key, k -> Counter.builder(name)
                    .tag(tag, value)
                    .description(description)
                    .register(r));
        }
        return c;
    }
}
