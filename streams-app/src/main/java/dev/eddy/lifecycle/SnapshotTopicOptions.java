package dev.eddy.lifecycle;

import dev.eddy.io.Topics;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the snapshots are: the options shared by {@code snapshots}, {@code export} and {@code predict}. */
final class SnapshotTopicOptions {

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            defaultValue = "localhost:9092",
            description = "Kafka cluster holding the snapshot topic. Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(
            names = "--snapshots-topic",
            paramLabel = "TOPIC",
            defaultValue = Topics.MODEL_SNAPSHOTS,
            description = "Snapshot topic. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "Give up reading the topic after this long. Default: ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    SnapshotLog read() {
        return SnapshotLog.read(bootstrapServers, topic, Map.of(), Duration.ofSeconds(timeoutSeconds));
    }
}
