package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.search.SearchConfig;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where models and the trials of searches train with {@code routing=direct}: model m in the task of partition p(m)
 * ({@link ModelPartitions}); on input of P &gt; 1 partitions, the trials of a search that {@linkplain
 * SearchConfig#spreads spreads} over the partitions, trial t of model m in the task of
 *
 * <pre>
 * h(m, t) = (p(m) + t) mod P
 * </pre>
 *
 * so that P partitions share 16 trials 16/P each, a search's first trial stays with m, and the searches of
 * different models start at different partitions. The task of p(m) coordinates m's search ({@link SearchTraining}),
 * the others host trials ({@link TrialHost}); every example of m reaches each hosting partition once, whatever the
 * number of trials there.
 */
public final class TrialPlacement {

    /** One partition: every model and trial in the task at hand. */
    public static final TrialPlacement ONE =
            new TrialPlacement(ModelPartitions.ONE, Collections.emptySortedMap(), List.of());

    private final ModelPartitions partitions;
    private final SortedMap<String, Integer> spread;
    /** Per configured model, {@link #partitionsOf} computed once: the routers ask it for every example. */
    private final Map<String, SortedSet<Integer>> ofModel = new HashMap<>();

    /**
     * @param partitions the partition count of the input topics
     * @param spread the spread searches: model id → trial count
     * @param models the configured model ids
     */
    private TrialPlacement(ModelPartitions partitions, SortedMap<String, Integer> spread, Collection<String> models) {
        this.partitions = partitions;
        this.spread = Collections.unmodifiableSortedMap(new TreeMap<>(spread));
        for (String modelId : models) {
            ofModel.put(modelId, reached(modelId));
        }
    }

    /** The placement of {@code config}'s models and trials on input of {@code partitions}. */
    public static TrialPlacement of(EddyConfig config, ModelPartitions partitions) {
        SortedMap<String, Integer> spread = new TreeMap<>();
        if (partitions.partitioned()) {
            config.searches().forEach((modelId, search) -> {
                if (search.spreads()) {
                    spread.put(modelId, search.trials());
                }
            });
        }
        return new TrialPlacement(partitions, spread, config.models().keySet());
    }

    /** The partition count of the input topics. */
    public ModelPartitions partitions() {
        return partitions;
    }

    /** The spread searches: model id → trial count. */
    public SortedMap<String, Integer> spread() {
        return spread;
    }

    /** Whether the trials of {@code modelId} train in several tasks. */
    public boolean spreads(String modelId) {
        return spread.containsKey(modelId);
    }

    /** The partition whose task trains {@code modelId}, or coordinates its search. */
    public int home(String modelId) {
        return partitions.of(modelId);
    }

    /** {@code h(m, t)}: the partition whose task trains trial {@code trial} of {@code modelId}. */
    public int host(String modelId, int trial) {
        return spreads(modelId) ? (home(modelId) + trial) % partitions.count() : home(modelId);
    }

    /**
     * The partitions an example of {@code modelId} must reach: the model's home and, for a spread search, every
     * partition hosting one of its trials.
     */
    public SortedSet<Integer> partitionsOf(String modelId) {
        SortedSet<Integer> known = ofModel.get(modelId);
        return known != null ? known : reached(modelId);
    }

    private SortedSet<Integer> reached(String modelId) {
        SortedSet<Integer> out = new TreeSet<>();
        out.add(home(modelId));
        if (spreads(modelId)) {
            for (int t = 0; t < Math.min(spread.get(modelId), partitions.count()); t++) {
                out.add(host(modelId, t));
            }
        }
        return Collections.unmodifiableSortedSet(out);
    }

    /** Whether an example of {@code modelId} is used in the task of {@code partition}. */
    boolean trainsIn(String modelId, int partition) {
        return !partitions.partitioned() || partitionsOf(modelId).contains(partition);
    }
}
