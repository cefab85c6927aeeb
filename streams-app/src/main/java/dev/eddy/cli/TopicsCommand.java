package dev.eddy.cli;

import dev.eddy.io.ClusterContact;
import dev.eddy.io.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code eddy topics}: creates Eddy's default topics where missing. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = {
            "Create Eddy's default topics that do not exist yet, and wait until every partition is writable.",
            "Names from the configuration's topic.* keys (default eddy.*); the snapshot topic is compacted and",
            "accepts records up to snapshot.max-bytes (default 64 MiB)."
        })
final class TopicsCommand implements Callable<Integer> {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaConnection kafka;

    @Option(
            names = "--partitions",
            defaultValue = "" + Topics.DEFAULT_PARTITIONS,
            description = "Partitions of each new topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Override
    public Integer call() throws Exception {
        if (partitions < 1) {
            throw new ParameterException(spec.commandLine(), "--partitions must be at least 1, got " + partitions);
        }
        var out = spec.commandLine().getOut();
        return kafka.run(out, Map.of(), config -> {
            List<NewTopic> topics = Topics.defaults(partitions, config::topicNamed, config.snapshotMaxBytes());
            try (Admin admin = Admin.create(config.clientProperties())) {
                ClusterContact.await(admin, config.bootstrapServers(), config.bootstrapTimeout());
                List<String> created = Topics.createMissing(admin, topics, TIMEOUT);
                for (NewTopic topic : topics) {
                    out.println((created.contains(topic.name()) ? "created  " : "exists   ") + topic.name());
                }
            }
            out.flush();
            return 0;
        });
    }
}
