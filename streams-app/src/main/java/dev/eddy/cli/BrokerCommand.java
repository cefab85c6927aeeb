package dev.eddy.cli;

import dev.eddy.broker.EmbeddedBroker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eddy broker}: a single-node KRaft broker in this JVM until Ctrl-C or SIGTERM. */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = {
            "Run a real single-node Kafka broker (KRaft) in this JVM until Ctrl-C or SIGTERM.",
            "Prints 'bootstrap: 127.0.0.1:PORT' once clients can connect."
        })
final class BrokerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--port",
            defaultValue = "9092",
            description = "Client port on 127.0.0.1, 0 for any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = {
                "The broker's data, kept after it stops: a new or empty directory, or one an earlier eddy broker",
                "used (the broker restarts on its data). Default: a temporary directory, deleted."
            })
    Path dir;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        EmbeddedBroker broker = EmbeddedBroker.start(port, dir);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                broker.close();
                                out.println("broker stopped");
                                out.flush();
                            } catch (Exception e) {
                                out.println("broker did not stop cleanly: " + e);
                                out.flush();
                            } finally {
                                stopped.countDown();
                            }
                        },
                        "eddy-broker-shutdown"));
        out.println("bootstrap: " + broker.bootstrapServers());
        out.println("data: " + broker.directory() + (broker.deletesDirectoryOnClose() ? " (temporary)" : ""));
        out.println("stop with Ctrl-C");
        out.flush();
        stopped.await();
        return 0;
    }
}
