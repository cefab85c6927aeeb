package dev.eddy.core.train;

import dev.eddy.core.ensemble.Ensemble;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Creates the learner a configuration describes (an ensemble when {@code ensemble} is set) and restores states. */
public final class Learners {

    private Learners() {}

    /** A fresh learner: an {@link Ensemble} when the configuration sets {@code ensemble}, else a {@link Trainer}. */
    public static Learner create(TrainerConfig config) {
        return config.ensemble().enabled() ? Ensemble.create(config) : Trainer.create(config);
    }

    /**
     * The learner continuing exactly from {@code state}: a training state ("EDDT", {@link Trainer#state()}) or an
     * ensemble state ("EDDE", {@link Ensemble#state()}), with the configuration stored in it.
     *
     * @throws IllegalArgumentException if the bytes are neither, or are of an unsupported version, truncated or corrupt
     */
    public static Learner restore(byte[] state) {
        return Ensemble.isEnsembleState(state) ? Ensemble.restore(state) : Trainer.restore(state);
    }

    /**
     * Like {@link #restore(byte[])}, but first checks that the state was written under {@code expected}, apart from
     * keys changed live ({@link TrainerConfig#LIVE_KEYS}), whose stored values win.
     *
     * @throws IllegalArgumentException naming the keys whose values differ
     */
    public static Learner restore(TrainerConfig expected, byte[] state) {
        Learner learner = restore(state);
        Map<String, String> stored = learner.config().toProperties();
        Map<String, String> mine = expected.toProperties();
        TreeMap<String, String> differences = new TreeMap<>();
        for (String key : TrainerConfig.KEYS) {
            if (!TrainerConfig.LIVE_KEYS.contains(key) && !Objects.equals(mine.get(key), stored.get(key))) {
                differences.put(key, "state has " + stored.get(key) + ", config has " + mine.get(key));
            }
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("training state was written with another configuration: " + differences);
        }
        return learner;
    }
}
