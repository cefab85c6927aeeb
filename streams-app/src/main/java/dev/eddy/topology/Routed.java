package dev.eddy.topology;

/** What the routing processors emit: a record for a model's trainer, or a dead letter. */
sealed interface Routed permits TrainerInput, Routed.DeadLetter {

    /**
     * A rejected record, to be written unchanged to the dead-letter topic (the reason is in the record's headers).
     *
     * @param key the original key bytes (may be null)
     * @param value the original value bytes (may be null)
     */
    record DeadLetter(byte[] key, byte[] value) implements Routed {}
}
