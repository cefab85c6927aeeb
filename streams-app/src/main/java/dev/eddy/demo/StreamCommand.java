package dev.eddy.demo;

import dev.eddy.config.ConfigOptions;
import dev.eddy.config.EddyConfig;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.io.ClusterContact;
import dev.eddy.io.ExampleProducer;
import dev.eddy.io.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code eddy stream}: writes a dataset replayed in shuffled passes or a drifting generator to a running cluster's
 * examples topic at a steady rate, without end unless {@code --examples} is given (the producer job of the docker
 * compose setup).
 */
@Command(
        name = "stream",
        mixinStandardHelpOptions = true,
        header = "Stream a drifting generator or a bundled dataset to a running cluster at a steady rate.",
        description = {
            "Stream a drifting generator (hyperplane, sea, agrawal) or a bundled dataset replayed in shuffled",
            "passes to the examples topic of a running Kafka cluster, at a steady rate, until stopped."
        })
public final class StreamCommand implements Callable<Integer> {

    /** How long creating the examples topic may take. */
    static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka cluster. Default: bootstrap.servers of the configuration (localhost:9092).")
    String bootstrapServers;

    @Mixin
    ConfigOptions configuration;

    @Option(
            names = "--dataset",
            paramLabel = "NAME",
            defaultValue = "sea",
            description = "digits, breast-cancer, diabetes, hyperplane, sea or agrawal (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(
            names = "--model",
            paramLabel = "ID",
            required = true,
            description = "Model id of the examples (a model.<id>.* of the application's configuration).")
    String model;

    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            description = "Topic. Default: topic.examples of the configuration (" + Topics.EXAMPLES + ").")
    String topicFlag;

    @Option(
            names = "--rate",
            defaultValue = "200",
            description = "Examples per second, 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--examples", paramLabel = "N", description = "Stop after N examples, N >= 1 (default: never).")
    Long examples;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new ParameterException(spec.commandLine(), "--rate must be a finite number >= 0, got " + rate);
        }
        if (examples != null && examples < 1) {
            throw new ParameterException(spec.commandLine(), "--examples must be at least 1, got " + examples);
        }
        if (!DemoStream.NAMES.contains(dataset.toLowerCase(Locale.ROOT))) {
            throw new ParameterException(
                    spec.commandLine(),
                    "unknown --dataset '" + dataset + "'; expected one of " + String.join(", ", DemoStream.NAMES));
        }
        PrintWriter out = spec.commandLine().getOut();
        EddyConfig config = configuration.clients(
                ConfigOptions.flags("bootstrap.servers", bootstrapServers, "topic.examples", topicFlag));
        String topic = config.topics().examples();
        DemoStream stream = DemoStream.named(dataset, seed);
        long limit = examples != null ? examples : Long.MAX_VALUE;
        out.printf(
                Locale.ROOT,
                "streaming %s to %s on %s as model %s%s%n",
                stream.name(),
                topic,
                config.bootstrapServers(),
                model,
                rate > 0 ? String.format(Locale.ROOT, " at %.0f examples/s", rate) : "");
        out.flush();
        // The application creates its topics at start; create the examples topic too, so the order of starting
        // the producer and the application does not matter.
        NewTopic spec = Topics.spec(
                topic, Topics.defaults(Topics.DEFAULT_PARTITIONS, config::topicNamed, config.snapshotMaxBytes()));
        try (Admin admin = Admin.create(config.clientProperties())) {
            ClusterContact.await(admin, config.bootstrapServers(), config.bootstrapTimeout());
            Topics.createMissing(admin, List.of(spec), TOPIC_TIMEOUT);
        }
        long start = System.nanoTime();
        try (ExampleProducer producer = new ExampleProducer(config.clientProperties(), topic)) {
            for (long i = 0; i < limit; i++) {
                LabeledRow row = stream.next();
                producer.send(DemoExamples.example(stream, row, model));
                if (rate > 0) {
                    // Steady pace: example i is due at start + i / rate.
                    long due = start + (long) (i / rate * 1e9);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                if (producer.failed() > 0) {
                    throw new IllegalStateException(
                            "writing to " + topic + " failed: " + producer.firstFailure(), producer.firstFailure());
                }
            }
            producer.flush();
            // Sends that fail during the flush report only now: the loop's check cannot have seen them.
            long notWritten = producer.sent() - producer.acknowledged();
            if (notWritten > 0) {
                Exception cause = producer.firstFailure();
                throw new IllegalStateException(notWritten + " of " + producer.sent() + " examples were not written to "
                        + topic + (cause == null ? "" : "; first failure: " + cause));
            }
            out.printf(Locale.ROOT, "streamed %d examples to %s%n", producer.acknowledged(), topic);
        }
        return 0;
    }
}
