package dev.eddy.cli;

import dev.eddy.broker.EmbeddedBroker;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * The {@code --bootstrap-servers} option shared by commands that need Kafka. Without it, the command
 * runs against an embedded broker that lives for the duration of the command.
 */
final class KafkaConnection {

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka cluster to use. Default: start an embedded single-node broker for this command.")
    String bootstrapServers;

    /** Work that needs a Kafka cluster, given its bootstrap address. */
    interface KafkaWork {
        int run(String bootstrapServers) throws Exception;
    }

    /** Runs {@code work} against the given cluster, or an embedded broker started and stopped around it. */
    int run(PrintWriter out, KafkaWork work) throws Exception {
        if (bootstrapServers != null) {
            return work.run(bootstrapServers);
        }
        out.println("starting an embedded Kafka broker (no --bootstrap-servers given) ...");
        out.flush();
        try (EmbeddedBroker broker = EmbeddedBroker.start(0, null)) {
            out.println("embedded broker: " + broker.bootstrapServers() + " (temporary, stopped at exit)");
            out.flush();
            int code = work.run(broker.bootstrapServers());
            out.println("stopping the embedded broker");
            out.flush();
            return code;
        }
    }
}
