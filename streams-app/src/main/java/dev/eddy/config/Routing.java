package dev.eddy.config;

import java.util.Locale;

/** How examples, held-out examples and commands reach the task that trains their model. */
public enum Routing {
    /**
     * {@link #DIRECT} when every input topic has one partition and no trainer-input record of an earlier
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
     * have one partition, so that one task sees all of every model's records; all models train in that task.
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
