package dev.eddy.topology;

/**
 * What the routing processors emit: a record for a model's trainer, a dead letter, or (direct routing on partitioned
 * input) a copy for the task of another partition.
 */
sealed interface Routed permits TrainerInput, Routed.DeadLetter, Routed.FanOut {

    /**
     * A rejected record, to be written unchanged to the dead-letter topic (the reason is in the record's headers).
     *
     * @param key the original key bytes (may be null)
     * @param value the original value bytes (may be null)
     */
    record DeadLetter(byte[] key, byte[] value) implements Routed {}

    /**
     * A copy of a record for the models of another partition's task ({@link FanOutTopic}): it is written once to that
     * partition of the fan-out topic, whatever the number of models there.
     *
     * @param partition the partition of the task it is for
     * @param value the original value bytes
     */
    record FanOut(int partition, byte[] value) implements Routed {}
}
