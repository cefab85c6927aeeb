package dev.eddy.config;

import java.util.Locale;

/** How examples, held-out examples and commands reach the task that trains their model. */
public enum Routing {
    /**
     * {@link #DIRECT} when the input topics have one partition count and no trainer-input record of an earlier
     * {@link #REPARTITION} run is left untrained, else {@link #REPARTITION}; decided at each start.
     */
    AUTO,
    /**
     * Through the internal trainer-input topic, keyed by model id: any number of input partitions, models spread over
     * partitions and instances. Every record crosses Kafka twice.
     */
    REPARTITION,
    /**
     * In the task that reads them: no second trip through Kafka, one commit interval less between an example and the
     * snapshot that contains it. Needs every input topic (examples, commands, and holdout in mode {@code topic}) to
     * have the same partition count P; model m trains in the task of partition murmur2(m) mod P, where Kafka's
     * default partitioner puts the records keyed by m. With P &gt; 1 an example that names a model must be keyed by
     * it (else a {@code wrong-key} dead letter); an example for every model and a command cross Kafka a second time
     * at most once per other partition hosting their models, through the fan-out topic.
     */
    DIRECT;

    /** The routing named {@code value} (case-insensitive). */
    public static Routing of(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "routing must be one of auto, repartition, direct; got '" + value + "'", e);
        }
    }
}
