package dev.eddy.app;

import dev.eddy.broker.EmbeddedBroker;
import dev.eddy.config.ConfigOptions;
import dev.eddy.config.EddyConfig;
import dev.eddy.core.kernel.FloatProduct;
import dev.eddy.core.kernel.MatMul;
import dev.eddy.core.kernel.Precision;
import dev.eddy.metrics.MetricsServer;
import dev.eddy.topology.TrialPlacement;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code eddy run}: the training application until Ctrl-C or SIGTERM, which shut it down cleanly (FINAL
 * snapshots, commit). Without Kafka servers (no {@code --bootstrap-servers}, no {@code bootstrap.servers} in the
 * configuration) it starts an embedded single-node broker that lives as long as the command.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Train the configured models continuously on the examples topic; publish snapshots, training metrics and"
                    + " dead letters; serve Prometheus metrics. Runs until Ctrl-C or SIGTERM.",
            "Configuration keys (model.<id>.input-size, model.<id>.layers, snapshot-every, ...): the README's"
                    + " Configuration reference; a key it does not know is refused at start, naming the allowed ones."
        })
public final class RunCommand implements Callable<Integer> {

    /**
     * The line {@code eddy run} prints about the float products when a model trains in float32 (null when none
     * does): whether this JVM runs them on vector registers, and how to make it when it does not.
     */
    static String float32Products(EddyConfig config) {
        if (config.models().values().stream().noneMatch(m -> m.precision() == Precision.FLOAT32)) {
            return null;
        }
        return FloatProduct.vectorRows()
                ? "float32 products: vector rows"
                : "float32 products: loops (EDDY_JAVA_OPTS=\"--add-modules jdk.incubator.vector\" runs them on vector"
                        + " registers, the same bits faster: README, Float32)";
    }

    /** A line per search: where its trials train (spread over partitions, or in one task) and where it decides. */
    static List<String> searchPlacements(EddyConfig config, TrialPlacement placement) {
        List<String> lines = new ArrayList<>();
        config.searches().forEach((id, search) -> {
            int home = placement.home(id);
            lines.add(
                    placement.spreads(id)
                            ? "search " + id + ": " + search.trials() + " trials over partitions "
                                    + placement.partitionsOf(id) + " of "
                                    + placement.partitions().count()
                                    + ", decided in the task of partition " + home
                            : "search " + id + ": " + search.trials() + " trials in one task"
                                    + (placement.partitions().partitioned() ? " (partition " + home + ")" : ""));
        });
        return lines;
    }

    /** Exit code when Kafka Streams stopped on its own (a fatal error), not by a shutdown request. */
    static final int EXIT_STREAMS_FAILED = 1;

    private static final String BOOTSTRAP = "bootstrap.servers";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka cluster. Default: bootstrap.servers of the configuration, else an embedded broker.")
    String bootstrapServers;

    @Mixin
    ConfigOptions configuration;

    @Option(
            names = "--metrics-port",
            paramLabel = "PORT",
            description = "Port of the Prometheus endpoint /metrics (0 = any free port). Default: ${DEFAULT-VALUE}.")
    int metricsPort = MetricsServer.DEFAULT_PORT;

    @Option(
            names = "--metrics-host",
            paramLabel = "ADDRESS",
            description = "Address the metrics endpoint binds (0.0.0.0 exposes it). Default: ${DEFAULT-VALUE}.")
    String metricsHost = MetricsServer.DEFAULT_HOST;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state directory (state.dir).")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        if (metricsPort < 0 || metricsPort > 65_535) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--metrics-port must be in [0, 65535], got " + metricsPort);
        }
        PrintWriter out = spec.commandLine().getOut();
        EddyConfig config = configuration.application(ConfigOptions.flags(
                "state.dir",
                stateDir == null ? null : stateDir.toAbsolutePath().toString(),
                BOOTSTRAP,
                bootstrapServers)); // fails fast, before a broker is started
        EmbeddedBroker broker = null;
        if (!config.isSet(BOOTSTRAP)) {
            out.println("starting an embedded Kafka broker (no --bootstrap-servers given) ...");
            out.flush();
            broker = EmbeddedBroker.start(0, null);
            config = config.with(BOOTSTRAP, broker.bootstrapServers());
        }
        EddyApp app;
        try {
            app = EddyApp.start(config, new InetSocketAddress(metricsHost, metricsPort), line -> {
                out.println(line);
                out.flush();
            });
        } catch (Exception | Error e) {
            if (broker != null) {
                broker.close();
            }
            throw e;
        }
        Shutdown shutdown = new Shutdown(app, broker);
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "eddy-shutdown"));
        out.println("application.id: " + config.applicationId());
        out.println("kafka: " + config.bootstrapServers() + (broker != null ? " (embedded, temporary)" : ""));
        out.println("models: " + String.join(", ", config.models().keySet()));
        out.println("routing: " + app.config().routing().name().toLowerCase(Locale.ROOT));
        out.println("matrix kernel: " + MatMul.kernel() + " (-D" + MatMul.KERNEL_PROPERTY + ")");
        String float32 = float32Products(config);
        if (float32 != null) {
            out.println(float32);
        }
        searchPlacements(app.config(), app.placement()).forEach(out::println);
        out.println("topics created: " + (app.createdTopics().isEmpty() ? "none" : app.createdTopics()));
        out.println("console: " + app.consoleUri());
        out.println("metrics: " + app.metricsUri());
        out.println("running; Ctrl-C or SIGTERM stops after FINAL snapshots");
        out.flush();
        while (!app.awaitTermination(Duration.ofSeconds(1))) {
            // Wakes up when the shutdown hook closed the app, or when Kafka Streams failed on its own.
        }
        if (shutdown.requested()) {
            return 0; // the JVM is exiting; the hook finishes the shutdown
        }
        spec.commandLine().getErr().println("run: Kafka Streams stopped: " + app.state());
        shutdown.run();
        return EXIT_STREAMS_FAILED;
    }

    /** Runs the command alone, as {@code eddy run} would (the fault tests start it as a separate JVM). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new RunCommand()).execute(args));
    }

    /** Closes the application, then the embedded broker; runs once (shutdown hook or failure). */
    private static final class Shutdown implements Runnable {
        private final EddyApp app;
        private final EmbeddedBroker broker;
        private volatile boolean requested;
        private boolean done;

        Shutdown(EddyApp app, EmbeddedBroker broker) {
            this.app = app;
            this.broker = broker;
        }

        boolean requested() {
            return requested;
        }

        @Override
        public synchronized void run() {
            requested = true;
            if (done) {
                return;
            }
            done = true;
            app.close();
            if (broker != null) {
                broker.close();
            }
        }
    }
}
