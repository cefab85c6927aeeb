package dev.eddy.lifecycle;

import dev.eddy.config.ConfigOptions;
import dev.eddy.config.EddyConfig;
import dev.eddy.io.ClusterContact;
import dev.eddy.io.Topics;
import java.time.Duration;
import java.util.Set;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the snapshots are: the options shared by {@code snapshots} and {@code export}. */
final class SnapshotTopicOptions {

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka cluster holding the snapshot topic. Default: bootstrap.servers of the configuration"
                    + " (localhost:9092).")
    String bootstrapServers;

    @Option(
            names = "--snapshots-topic",
            paramLabel = "TOPIC",
            description =
                    "Snapshot topic. Default: topic.snapshots of the configuration (" + Topics.MODEL_SNAPSHOTS + ").")
    String topicFlag;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "Give up reading the topic after this long. Default: ${DEFAULT-VALUE}.")
    void setTimeout(long seconds) {
        if (seconds < 1) {
            throw new ParameterException(
                    command.commandLine(), "--timeout must be at least 1 (seconds), got " + seconds);
        }
        timeoutSeconds = seconds;
    }

    private long timeoutSeconds;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Mixin
    ConfigOptions configuration;

    /** The configuration: the flags over {@code --set} over {@code --config}. */
    EddyConfig config() {
        return configuration.clients(
                ConfigOptions.flags("bootstrap.servers", bootstrapServers, "topic.snapshots", topicFlag));
    }

    /**
     * The snapshot topic's records, read with the configuration's client settings and fetch sizes, keeping whole
     * the newest accepted snapshot of each model and the {@code named} versions.
     */
    SnapshotLog read(EddyConfig config, Set<SnapshotLog.Named> named) throws InterruptedException {
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        ClusterContact.await(config.clientProperties(), config.bootstrapTimeout(), timeout);
        return SnapshotLog.read(config, timeout, named);
    }
}
