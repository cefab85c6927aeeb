package dev.eddy.cli;

import dev.eddy.broker.EmbeddedBroker;
import dev.eddy.config.ConfigOptions;
import dev.eddy.config.EddyConfig;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The connection options shared by {@code topics} and {@code produce}: {@code --bootstrap-servers}, {@code --config}
 * and {@code --set}. Without Kafka servers (neither the flag nor {@code bootstrap.servers} in the configuration), the
 * command runs against an embedded broker that lives for the duration of the command.
 */
final class KafkaConnection {

    private static final String BOOTSTRAP = "bootstrap.servers";

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka cluster to use. Default: bootstrap.servers of the configuration, else an embedded"
                    + " single-node broker for this command.")
    String bootstrapServers;

    @Mixin
    ConfigOptions configuration;

    /** Work that needs a Kafka cluster, given the configuration whose {@code bootstrap.servers} reaches it. */
    interface KafkaWork {
        int run(EddyConfig config) throws Exception;
    }

    /**
     * Runs {@code work} with the configuration ({@code flags}, the command's own flags as configuration keys, win over
     * {@code --set} and the file) against its cluster, or an embedded broker started and stopped around it.
     */
    int run(PrintWriter out, Map<String, String> flags, KafkaWork work) throws Exception {
        Map<String, String> all = new HashMap<>(flags);
        all.putAll(ConfigOptions.flags(BOOTSTRAP, bootstrapServers));
        EddyConfig config = configuration.clients(all);
        if (config.isSet(BOOTSTRAP)) {
            return work.run(config);
        }
        out.println("starting an embedded Kafka broker (no --bootstrap-servers given) ...");
        out.flush();
        try (EmbeddedBroker broker = EmbeddedBroker.start(0, null)) {
            out.println("embedded broker: " + broker.bootstrapServers() + " (temporary, stopped at exit)");
            out.flush();
            int code = work.run(config.with(BOOTSTRAP, broker.bootstrapServers()));
            out.println("stopping the embedded broker");
            out.flush();
            return code;
        }
    }
}
