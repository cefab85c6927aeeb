package dev.eddy.lifecycle;

import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.serving.SnapshotModels;

/**
 * Warm start (transfer): a new trainer that begins from an existing snapshot instead of a random initialization. At
 * step 0 its weights and input standardization are exactly the snapshot's; the optimizer state, step counters,
 * schedule and early stopping start fresh under the new configuration (optimizer, learning rate and batch size may
 * differ). The architecture must be the same (input size and layers). With {@code frozen-layers = k} in the new
 * configuration the first k dense layers keep the transferred weights and only the later ones are trained.
 */
public final class WarmStart {

    private WarmStart() {}

    /**
     * A trainer of configuration {@code target} starting from {@code source}.
     *
     * @throws IllegalArgumentException if the snapshot is unreadable or its architecture is not {@code target}'s
     */
    public static Trainer from(ModelSnapshot source, TrainerConfig target) {
        try {
            return Trainer.warmStart(target, SnapshotModels.inferenceModel(source));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "cannot warm-start from " + source.getModelId() + " v" + source.getVersion() + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
