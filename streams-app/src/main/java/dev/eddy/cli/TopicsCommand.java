package dev.eddy.cli;

import dev.eddy.io.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eddy topics}: creates Eddy's default topics where missing. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = {
            "Create Eddy's default topics that do not exist yet, and wait until every partition is writable.",
            "eddy.model-snapshots is compacted and accepts records up to 64 MiB."
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
        var out = spec.commandLine().getOut();
        List<NewTopic> topics = Topics.defaults(partitions);
        return kafka.run(out, bootstrap -> {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
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
