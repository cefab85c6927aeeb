package dev.eddy.serving;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The served model per model id: written by the snapshot-ingest thread, read by the scoring threads without locks
 * ({@link ConcurrentHashMap#get} never blocks). Entries are immutable {@link ServingModel}s and a newer version
 * replaces an older one atomically, so a scorer sees either the old or the new model between two records, never a
 * mix, and never an older version after a newer one.
 */
public final class ModelCache {

    private final ConcurrentHashMap<String, ServingModel> models = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> unservable = new ConcurrentHashMap<>();

    /** The served model of {@code modelId}, or null before its first accepted snapshot. */
    public ServingModel get(String modelId) {
        return models.get(modelId);
    }

    /** Serves {@code model} unless a version at least as new is already served; true if it now is. */
    public boolean offer(ServingModel model) {
        return models.merge(model.modelId(), model, (old, offered) -> offered.version() > old.version() ? offered : old)
                == model;
    }

    /**
     * Notes why the last snapshot of {@code modelId} that arrived could not be served (it was dropped), so that a
     * feature record for a model with no served version says so rather than that no snapshot came.
     */
    public void noteUnservable(String modelId, String why) {
        unservable.put(modelId, why);
    }

    /** Why the last snapshot of {@code modelId} that could not be served was not, or null if none was refused. */
    public String unservable(String modelId) {
        return unservable.get(modelId);
    }

    /** The served version per model id, sorted by id. */
    public Map<String, Long> versions() {
        Map<String, Long> out = new TreeMap<>();
        models.forEach((id, m) -> out.put(id, m.version()));
        return out;
    }
}
