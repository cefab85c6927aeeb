package dev.eddy.benchmarks.restore;

// Run from the repository root (builds first; about 2 minutes on 2 cores):
//   benchmarks/run-restore.sh
// which, after `mvn -B -q -pl benchmarks -am package -DskipTests`, runs
//   java -cp benchmarks/target/benchmarks.jar dev.eddy.benchmarks.restore.RestoreBenchmark

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.app.EddyApp;
import dev.eddy.app.RunCommand;
import dev.eddy.broker.EmbeddedBroker;
import dev.eddy.config.EddyConfig;
import dev.eddy.io.ExampleProducer;
import dev.eddy.schema.Example;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.ModelStatusSerde;
import dev.eddy.topology.TrainingTopology;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Restore time of a 1M-parameter model after {@code kill -9}: {@code eddy run} in a child JVM on the embedded broker
 * trains the 784-1024-256-10 Adam model (1,068,810 parameters, ~25 MB of training state in the changelogs) with the
 * README's settings for such models ({@code commit.interval.ms=1000}), is killed with SIGKILL, and is started again,
 * {@code --kills} times. For each restart it prints the seconds from the process launch to
 *
 * <ul>
 *   <li><i>up</i>: the JVM started and serves {@code /metrics} (the application is built and Kafka Streams started);
 *   <li><i>restored</i>: {@code GET /models/big} reports the steps committed before the kill (the state is back);
 *   <li><i>training</i>: it reports more steps than that (the first step after the restore).
 * </ul>
 *
 * once with static membership ({@code kafka.group.instance.id}: the restarted instance takes its tasks back at once)
 * and once without (it waits until the killed member's session, {@code --session-timeout-ms}, expires). Asserts
 * nothing; the medians close each part.
 */
@Command(
        name = "restore-benchmark",
        mixinStandardHelpOptions = true,
        description = "Restore time of a 1M-parameter model after kill -9, with and without static membership.")
public final class RestoreBenchmark implements Callable<Integer> {

    private static final String MODEL = "big";
    private static final String EXAMPLES_TOPIC = "restore.examples";
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String METRICS_LINE = "metrics: ";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = "--examples",
            defaultValue = "8000",
            description = "Random 784-feature examples pre-produced (${DEFAULT-VALUE}).")
    int examples;

    @Option(
            names = "--kills",
            defaultValue = "3",
            description = "kill -9 and restart per membership (${DEFAULT-VALUE}).")
    int kills;

    @Option(
            names = "--steps-between-kills",
            defaultValue = "40",
            description = "Steps trained after each restore before the next kill (${DEFAULT-VALUE}).")
    int stepsBetweenKills;

    @Option(
            names = "--session-timeout-ms",
            defaultValue = "10000",
            description = "kafka.session.timeout.ms of the application (${DEFAULT-VALUE}, the README's example).")
    int sessionTimeoutMs;

    @Option(
            names = "--membership",
            split = ",",
            defaultValue = "static,dynamic",
            description = "static (kafka.group.instance.id set) and/or dynamic (${DEFAULT-VALUE}).")
    List<String> memberships;

    @Option(names = "--dir", description = "Working directory for logs and state (default: a new temporary one).")
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    public static void main(String[] args) {
        System.exit(new CommandLine(new RestoreBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        for (String m : memberships) {
            if (!m.equals("static") && !m.equals("dynamic")) {
                throw new IllegalArgumentException("--membership must be static or dynamic, got '" + m + "'");
            }
        }
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("eddy-restore-");
        System.out.printf(
                "restore benchmark: %d examples, %d kills per membership, session.timeout.ms %d, work dir %s%n",
                examples, kills, sessionTimeoutMs, work);
        try (EmbeddedBroker broker = EmbeddedBroker.start(0, null)) {
            produce(broker.bootstrapServers());
            for (String membership : memberships) {
                measure(broker.bootstrapServers(), membership, work);
            }
        }
        return 0;
    }

    /** One application (its own id and outputs) killed and restarted {@link #kills} times. */
    private void measure(String bootstrap, String membership, Path work) throws Exception {
        Map<String, String> settings = settings(bootstrap, membership);
        EddyApp.createTopics(EddyConfig.of(settings));
        String application = settings.get("application.id");
        System.out.printf(
                "%n%s membership%n%-5s %10s %8s %11s %11s%n",
                membership, "kill", "committed", "up s", "restored s", "training s");
        List<double[]> rows = new ArrayList<>();
        Child app = Child.start(work.resolve(application + "-0.log"), args(settings, work.resolve(application)));
        try {
            long target = stepsBetweenKills;
            for (int k = 1; k <= kills; k++) {
                long steps = target;
                awaitStatus(app, app.metrics(TIMEOUT), s -> s >= steps);
                app.kill();
                long committed = committedSteps(bootstrap, application);
                app = Child.start(
                        work.resolve(application + "-" + k + ".log"), args(settings, work.resolve(application)));
                URI metrics = app.metrics(TIMEOUT);
                double up = app.seconds();
                double restored = awaitStatus(app, metrics, s -> s >= committed);
                double training = awaitStatus(app, metrics, s -> s > committed);
                System.out.printf(Locale.ROOT, "%-5d %10d %8.2f %11.2f %11.2f%n", k, committed, up, restored, training);
                rows.add(new double[] {up, restored, training});
                target = committed + stepsBetweenKills;
            }
        } finally {
            app.stop();
            deleteTree(work.resolve(application)); // ~50 MB of state; the logs stay
        }
        System.out.printf(
                Locale.ROOT,
                "%-5s %10s %8.2f %11.2f %11.2f%n",
                "p50",
                "",
                median(rows, 0),
                median(rows, 1),
                median(rows, 2));
    }

    private Map<String, String> settings(String bootstrap, String membership) {
        String application = "restore-" + membership;
        Map<String, String> s = new HashMap<>();
        s.put("application.id", application);
        s.put("bootstrap.servers", bootstrap);
        s.put("topic.examples", EXAMPLES_TOPIC);
        for (String topic : List.of("snapshots", "metrics", "dead-letters", "commands")) {
            s.put("topic." + topic, application + "." + topic);
        }
        s.put("serving.enabled", "false");
        s.put("snapshot-every", "25");
        s.put("commit.interval.ms", "1000");
        s.put("kafka.session.timeout.ms", Integer.toString(sessionTimeoutMs));
        if (membership.equals("static")) {
            s.put("kafka.group.instance.id", application + "-1");
        }
        s.put("model." + MODEL + ".input-size", "784");
        s.put("model." + MODEL + ".layers", "1024:relu,256:relu,10:softmax");
        s.put("model." + MODEL + ".loss", "categorical_crossentropy");
        s.put("model." + MODEL + ".optimizer", "adam");
        s.put("model." + MODEL + ".batch-size", "16");
        s.put("model." + MODEL + ".eval-every", "1000");
        s.put("model." + MODEL + ".early-stopping.enabled", "false");
        return s;
    }

    /** {@code eddy run} arguments: metrics on a free port, every setting as {@code --set}. */
    private static List<String> args(Map<String, String> settings, Path stateDir) {
        List<String> args = new ArrayList<>(List.of("--metrics-port", "0", "--state-dir", stateDir.toString()));
        settings.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
        return args;
    }

    /** Random 784-feature examples with random digit labels, seeded, on one partition. */
    private void produce(String bootstrap) throws Exception {
        Map<String, String> topics = settings(bootstrap, "static");
        EddyApp.createTopics(EddyConfig.of(topics));
        SplittableRandom random = new SplittableRandom(7);
        try (ExampleProducer producer = new ExampleProducer(bootstrap, EXAMPLES_TOPIC)) {
            for (int i = 0; i < examples; i++) {
                List<Double> x = new ArrayList<>(784);
                for (int j = 0; j < 784; j++) {
                    x.add(random.nextDouble());
                }
                producer.send(Example.newBuilder()
                        .setId("r-" + i)
                        .setModelId(MODEL)
                        .setFeatures(x)
                        .setClassLabel(random.nextInt(10))
                        .setTarget(null)
                        .setEventTime(Instant.EPOCH)
                        .build());
            }
            producer.flush();
            if (producer.acknowledged() != examples) {
                throw new IllegalStateException(
                        "only " + producer.acknowledged() + " of " + examples + " examples acknowledged");
            }
        }
    }

    /**
     * Polls {@code GET /models/big} every 20 ms until its {@code steps} satisfy {@code done}.
     *
     * @return seconds from the process launch
     */
    private double awaitStatus(Child app, URI metrics, LongPredicate done) throws Exception {
        URI uri = metrics.resolve("/models/" + MODEL);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && app.process.isAlive()) {
            HttpResponse<String> r =
                    http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                JsonNode n = JSON.readTree(r.body());
                if (n.has("steps") && done.test(n.get("steps").asLong())) {
                    return app.seconds();
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("model status never reached the awaited steps; log " + app.log);
    }

    /** The model's steps in the last committed record of the status changelog. */
    private static long committedSteps(String bootstrap, String application) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicPartition changelog =
                new TopicPartition(application + "-" + TrainingTopology.STATUS_STORE + "-changelog", 0);
        try (KafkaConsumer<String, ModelStatus> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ModelStatusSerde())) {
            c.assign(List.of(changelog));
            c.seekToBeginning(List.of(changelog));
            long end = c.endOffsets(List.of(changelog)).get(changelog);
            long steps = -1;
            while (c.position(changelog) < end) {
                for (ConsumerRecord<String, ModelStatus> r : c.poll(Duration.ofMillis(200))) {
                    if (MODEL.equals(r.key()) && r.value() != null) {
                        steps = r.value().steps();
                    }
                }
            }
            return steps;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static double median(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return v.length == 0 ? Double.NaN : (v[(v.length - 1) / 2] + v[v.length / 2]) / 2;
    }

    /** {@code eddy run} ({@link RunCommand}) in a child JVM on this class path, output to a log file. */
    private record Child(Process process, Path log, long launched) {

        static Child start(Path log, List<String> args) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g",
                    "-XX:+UseSerialGC",
                    "-cp",
                    System.getProperty("java.class.path"),
                    RunCommand.class.getName()));
            command.addAll(args);
            long launched = System.nanoTime();
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new Child(p, log, launched);
        }

        double seconds() {
            return (System.nanoTime() - launched) / 1e9;
        }

        /** The {@code /metrics} address the application printed once it started. */
        URI metrics(Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && process.isAlive()) {
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    if (line.startsWith(METRICS_LINE)) {
                        return URI.create(line.substring(METRICS_LINE.length()).strip());
                    }
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException("eddy run did not start; log " + log);
        }

        /** SIGKILL: no shutdown hook, an open transaction left to abort. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        /** SIGTERM, the clean stop, then SIGKILL if it takes more than a minute. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
