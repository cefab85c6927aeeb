package dev.eddy.topology;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The highest snapshot version of each model id on the snapshot topic, from which a model new to this application
 * (one without a stored status: a new {@code application.id}, or a model added to the configuration) continues its
 * versions. The snapshot topic outlives an application id, and serving skips a snapshot that is not newer than the
 * one it serves while {@code eddy export} takes the highest version: a run starting again at version 0 would publish
 * snapshots that neither ever takes.
 *
 * <p>The topic is read once, when the first model without a status asks: a restart whose models all have their status
 * reads nothing. The version a model continues from is part of the status it writes when it opens, in the transaction
 * of its first input with everything it publishes, so a replay after a crash reads the topic again (read committed:
 * without the snapshots of the aborted transaction) and continues from the same version.
 */
public final class PublishedVersions {

    /** No snapshot on the topic: every model's first version is 0. */
    public static final PublishedVersions NONE = new PublishedVersions(Map::of);

    private final Supplier<Map<String, Long>> read;
    private Map<String, Long> highest;

    /** @param read the highest version of each model id on the topic, read when first needed and only then */
    public PublishedVersions(Supplier<Map<String, Long>> read) {
        this.read = read;
    }

    /** The highest version of {@code modelId} on the topic, −1 when it has none. */
    synchronized long highest(String modelId) {
        if (highest == null) {
            highest = Map.copyOf(read.get());
        }
        return highest.getOrDefault(modelId, -1L);
    }
}
