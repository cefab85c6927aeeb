package dev.eddy.benchmarks.pipeline;

// Run from the repository root (builds first; the run takes about 2-4 minutes on 2 cores):
//   benchmarks/run-pipeline.sh
// which, after `mvn -B -q -pl benchmarks -am package -DskipTests`, runs
//   java -Xmx3g -cp benchmarks/target/benchmarks.jar dev.eddy.benchmarks.pipeline.PipelineBenchmark \
//       --elec2 ../shared/datasets/elec2/elec2.csv.gz

import dev.eddy.app.EddyApp;
import dev.eddy.broker.EmbeddedBroker;
import dev.eddy.config.EddyConfig;
import dev.eddy.config.Routing;
import dev.eddy.io.ExampleProducer;
import dev.eddy.io.Topics;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.Prediction;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.topology.HoldoutSplit;
import dev.eddy.topology.TrainingTopology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * End-to-end figures of issues 5 and 6 on the embedded broker, each beside a plain Kafka Streams passthrough of the
 * same records measured in the same run (same guarantee, exactly_once_v2, and commit interval, one partition, one
 * stream thread). Prints one table per part; asserts nothing.
 *
 * <ol>
 *   <li><b>Training</b>, per commit interval: N examples (elec2 replayed, else generated) pre-produced to a 1-partition
 *       topic; examples/s of the passthrough and of Eddy training the small net (8-32-16-1 relu/relu/sigmoid, BCE,
 *       batch 32, Adam, holdout split 10%), each from its first processed record to lag 0 on its consumer group (the
 *       last input offset committed, with its outputs); the changelog bytes on the broker per example; and snapshot
 *       freshness: examples produced at a steady rate, time from each example's produce time to the arrival (read
 *       committed) of the first snapshot whose {@code examplesSeen} covers it.
 *   <li><b>Scoring</b>, small and medium (64-128-10 softmax) nets, with snapshots published by a short training run
 *       first: features/s of the scorer and of the passthrough over the same pre-produced feature records, then
 *       latency from a feature's produce time to its prediction's arrival at a read_committed consumer, at a steady
 *       rate well below capacity.
 * </ol>
 */
@Command(
        name = "pipeline-benchmark",
        mixinStandardHelpOptions = true,
        description = "End-to-end training and scoring throughput, freshness and latency on the embedded broker.")
public final class PipelineBenchmark implements Callable<Integer> {

    private static final String SMALL = "small";
    private static final String MEDIUM = "medium";
    private static final Map<String, String> SMALL_NET =
            Map.of("input-size", "8", "layers", "32:relu,16:relu,1:sigmoid");
    private static final Map<String, String> MEDIUM_NET = Map.of("input-size", "64", "layers", "128:relu,10:softmax");
    private static final double HOLDOUT_FRACTION = 0.1;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    @Option(
            names = "--examples",
            defaultValue = "200000",
            description = "Training examples per run (${DEFAULT-VALUE}).")
    int examples;

    @Option(
            names = "--warmup-examples",
            defaultValue = "20000",
            description =
                    "Examples of an untimed passthrough and training run first, to warm the JIT (${DEFAULT-VALUE}).")
    int warmupExamples;

    @Option(names = "--features", defaultValue = "100000", description = "Feature records per net (${DEFAULT-VALUE}).")
    int features;

    @Option(
            names = "--commit-intervals",
            split = ",",
            defaultValue = "100,1000",
            description = "commit.interval.ms values of the training runs (${DEFAULT-VALUE}).")
    List<Long> commitIntervals;

    @Option(
            names = "--routings",
            split = ",",
            defaultValue = "repartition,direct",
            description = "Eddy's routing values of the training runs, each beside its own passthrough"
                    + " (${DEFAULT-VALUE}).")
    List<String> routings;

    @Option(
            names = "--partitions",
            defaultValue = "1",
            description = "Partitions of the training runs' topics (${DEFAULT-VALUE}); the examples name one model and"
                    + " are keyed by it, so they sit in one partition (issue 17: partitioned input keyed by model id).")
    int partitions;

    @Option(
            names = "--freshness-rate",
            defaultValue = "5000",
            description = "Examples/s of the snapshot-freshness phase (${DEFAULT-VALUE}).")
    double freshnessRate;

    @Option(
            names = "--latency-rate",
            defaultValue = "1000",
            description = "Features/s of the scoring-latency phase (${DEFAULT-VALUE}).")
    double latencyRate;

    @Option(
            names = "--steady-seconds",
            defaultValue = "6",
            description = "Length of each steady-rate phase (${DEFAULT-VALUE}).")
    double steadySeconds;

    @Option(
            names = "--elec2",
            defaultValue = "../shared/datasets/elec2/elec2.csv.gz",
            description = "elec2 CSV to replay; generated rows when absent (${DEFAULT-VALUE}).")
    Path elec2;

    @Option(
            names = "--eddy",
            description = "Extra configuration of the benchmarked Eddy apps, KEY=VALUE, repeatable (e.g."
                    + " kafka.max.task.idle.ms=-1); the passthrough keeps Kafka Streams' defaults.")
    Map<String, String> extraConfig = Map.of();

    private EmbeddedBroker broker;
    private Admin admin;
    private Path stateRoot;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PipelineBenchmark()).execute(args));
    }

    /** One row of the training table. */
    private record TrainingRow(long commitMs, String routing, Baseline passthrough, EddyTraining eddy) {}

    /** Eddy's side of a training row; {@code uncovered}: trained examples after the last snapshot. */
    private record EddyTraining(
            RunClock.Run run,
            double changelogBytesPerExample,
            double repartitionBytesPerExample,
            double inputBytesPerExample,
            Latencies freshness,
            int snapshots,
            int uncovered) {}

    /** One row of the scoring table. */
    private record ScoringRow(String net, Baseline passthrough, Served scoring) {}

    /** Eddy's side of a scoring row; {@code predictions}: those of the throughput run read back. */
    private record Served(RunClock.Run run, long predictions, Latencies latency) {}

    /**
     * The passthrough timed right before and right after the application it is compared with (the machine's load
     * drifts; the mean of the two brackets the application's run).
     */
    private record Baseline(RunClock.Run before, RunClock.Run after) {

        double rate() {
            return (before.committedRate() + after.committedRate()) / 2;
        }

        String format() {
            return String.format(Locale.ROOT, "%.0fk/%.0fk", before.committedRate() / 1e3, after.committedRate() / 1e3);
        }
    }

    @Override
    public Integer call() throws Exception {
        String loadBefore = loadAverage();
        stateRoot = Files.createTempDirectory("eddy-pipeline-");
        try (EmbeddedBroker b = EmbeddedBroker.start(0, null);
                Admin a = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers()))) {
            broker = b;
            admin = a;
            ExampleStream elec2Stream = ExampleStream.elec2OrGenerated(elec2);
            System.out.printf(
                    Locale.ROOT,
                    "pipeline benchmark: %d examples (%s), %d features per net, extra Eddy config %s, load average"
                            + " before: %s%n",
                    examples,
                    elec2Stream.description(),
                    features,
                    extraConfig,
                    loadBefore);
            if (warmupExamples > 0) {
                training(elec2Stream, "warmup", 100, routings.get(0), warmupExamples, 0);
            }
            List<TrainingRow> training = new ArrayList<>();
            for (long commitMs : commitIntervals) {
                for (String routing : routings) {
                    training.add(training(
                            elec2Stream, "train-" + commitMs + "-" + routing, commitMs, routing, examples, (int)
                                    (freshnessRate * steadySeconds)));
                }
            }
            printTraining(training);
            ExampleStream digitsLike = ExampleStream.generated(64, 10, 64);
            seedSnapshots(elec2Stream, digitsLike);
            List<ScoringRow> scoring = new ArrayList<>();
            scoring.add(scoring(SMALL, elec2Stream));
            scoring.add(scoring(MEDIUM, digitsLike));
            printScoring(scoring);
        } finally {
            deleteRecursively(stateRoot);
        }
        System.out.println("load average after: " + loadAverage());
        return 0;
    }

    // ---------------------------------------------------------------------------------------------- training (issue 5)

    /**
     * One training row: {@code n} examples through the passthrough and through Eddy, then {@code steady} examples at
     * the freshness rate.
     */
    private TrainingRow training(ExampleStream stream, String label, long commitMs, String routing, int n, int steady)
            throws Exception {
        String name = "bench." + label;
        String examplesTopic = name + ".examples";
        createTopics(partitions, examplesTopic, name + ".passthrough");
        HoldoutSplit split = new HoldoutSplit(HOLDOUT_FRACTION);
        long trainedBefore = 0;
        try (BulkProducer producer = new BulkProducer(broker.bootstrapServers(), examplesTopic)) {
            for (int i = 0; i < n; i++) {
                Example e = stream.next(label, SMALL, true);
                trainedBefore += split.heldOut(e.getId()) ? 0 : 1;
                producer.send(e);
            }
        }

        RunClock.Run before = passthrough(name, examplesTopic, commitMs, n, 1);
        EddyTraining eddy = eddyTraining(stream, label, commitMs, routing, n, steady, trainedBefore);
        RunClock.Run after = passthrough(name, examplesTopic, commitMs, n + steady, 2);
        return new TrainingRow(commitMs, routing, new Baseline(before, after), eddy);
    }

    /**
     * Eddy through the {@code n} examples of {@code bench.<label>.examples}, then {@code steady} more at the freshness
     * rate; {@code trainedBefore} of the {@code n} are trained (not held out).
     */
    private EddyTraining eddyTraining(
            ExampleStream stream, String label, long commitMs, String routing, int n, int steady, long trainedBefore)
            throws Exception {
        String name = "bench." + label;
        String examplesTopic = name + ".examples";
        HoldoutSplit split = new HoldoutSplit(HOLDOUT_FRACTION);
        Map<String, String> props = appProperties(name, commitMs, Map.of(SMALL, SMALL_NET));
        props.put("topic.examples", examplesTopic);
        props.put("serving.enabled", "false");
        props.put("routing", routing);
        EddyConfig config = EddyConfig.of(props);
        String repartition = TrainingTopology.trainerInputTopic(config.applicationId());
        try (EddyApp app = EddyApp.start(config, new InetSocketAddress("127.0.0.1", 0))) {
            List<String> inputs = trainerInputs(app.config());
            MeterRegistry registry = app.metrics().registry();
            RunClock.Run eddy = RunClock.await(
                    admin,
                    app.streams(),
                    config.applicationId(),
                    inputs,
                    n,
                    () -> examplesAtTrainer(registry),
                    RUN_TIMEOUT);
            String prefix = config.applicationId() + "-";
            double changelog =
                    RunClock.topicBytes(admin, t -> t.startsWith(prefix) && t.endsWith("-changelog")) / (double) n;
            double repartitionBytes = RunClock.topicBytes(admin, repartition::equals) / (double) n;
            double inputBytes = RunClock.topicBytes(admin, examplesTopic::equals) / (double) n;

            // Freshness: example k (k-th trained example overall) is in every snapshot with examplesSeen >= k.
            int count = steady;
            long[] sentAt = new long[count];
            long[] trainIndex = new long[count];
            List<long[]> snapshots = new ArrayList<>(); // {arrival millis, examplesSeen}
            try (TopicTail<ModelSnapshot> tail = new TopicTail<>(
                            broker.bootstrapServers(),
                            config.topics().snapshots(),
                            AvroSerdes.modelSnapshots().deserializer(),
                            false,
                            (at, timestamp, s) -> {
                                synchronized (snapshots) {
                                    snapshots.add(new long[] {at, s.getExamplesSeen()});
                                }
                            });
                    ExampleProducer producer = new ExampleProducer(broker.bootstrapServers(), examplesTopic)) {
                long trained = trainedBefore;
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    pace(start, i, freshnessRate);
                    Example e = stream.next("fresh-" + label, SMALL, true);
                    trainIndex[i] = split.heldOut(e.getId()) ? -1 : ++trained;
                    sentAt[i] = System.currentTimeMillis();
                    producer.send(e);
                }
                producer.flush();
                requireAllWritten(producer);
                RunClock.awaitCaughtUp(admin, config.applicationId(), inputs, Duration.ofSeconds(30));
                // the snapshots of the last commit may still be on their way to the tail
                for (long seen = -1; seen != tail.received(); ) {
                    seen = tail.received();
                    Thread.sleep(commitMs + 200);
                }
            }
            List<long[]> arrived;
            synchronized (snapshots) {
                arrived = List.copyOf(snapshots);
            }
            long[] freshness = new long[count];
            int measured = 0;
            int uncovered = 0;
            int s = 0;
            for (int i = 0; i < count; i++) {
                if (trainIndex[i] < 0) {
                    continue;
                }
                while (s < arrived.size() && arrived.get(s)[1] < trainIndex[i]) {
                    s++;
                }
                if (s == arrived.size()) {
                    uncovered++; // the tail after the last snapshot: no snapshot covers it yet
                } else {
                    freshness[measured++] = arrived.get(s)[0] - sentAt[i];
                }
            }
            return new EddyTraining(
                    eddy,
                    changelog,
                    repartitionBytes,
                    inputBytes,
                    Latencies.of(freshness, measured),
                    arrived.size(),
                    uncovered);
        }
    }

    /**
     * The topics whose lag says the trainer has consumed everything: examples, and the trainer-input topic unless
     * {@code config} (as the app resolved it) routes directly.
     */
    private static List<String> trainerInputs(EddyConfig config) {
        String examplesTopic = config.topics().examples();
        return config.routing() == Routing.DIRECT
                ? List.of(examplesTopic)
                : List.of(examplesTopic, TrainingTopology.trainerInputTopic(config.applicationId()));
    }

    /** Examples that reached the trainer: trained, counted while paused, or held out. */
    private static long examplesAtTrainer(MeterRegistry registry) {
        double n = 0;
        for (String meter : List.of("eddy.training.examples", "eddy.holdout.examples")) {
            for (Counter c : registry.find(meter).counters()) {
                n += c.count();
            }
        }
        return (long) n;
    }

    // ----------------------------------------------------------------------------------------------- scoring (issue 6)

    /** Publishes snapshots of both nets to the scoring snapshot topic: a short training run, closed cleanly. */
    private void seedSnapshots(ExampleStream small, ExampleStream medium) throws Exception {
        String examplesTopic = "bench.seed.examples";
        createTopics(examplesTopic);
        Map<String, String> props = appProperties("bench.seed", 100, Map.of(SMALL, SMALL_NET, MEDIUM, MEDIUM_NET));
        props.put("topic.examples", examplesTopic);
        props.put("topic.snapshots", "bench.score.snapshots");
        props.put("serving.enabled", "false");
        props.put("snapshot-every", "5");
        EddyConfig config = EddyConfig.of(props);
        try (EddyApp app = EddyApp.start(config, new InetSocketAddress("127.0.0.1", 0));
                ExampleProducer producer = new ExampleProducer(broker.bootstrapServers(), examplesTopic)) {
            for (int i = 0; i < 640; i++) {
                producer.send(small.next("seed", SMALL, true));
                producer.send(medium.next("seed", MEDIUM, true));
            }
            producer.flush();
            requireAllWritten(producer);
            if (!RunClock.awaitCaughtUp(
                    admin, app.config().applicationId(), trainerInputs(app.config()), Duration.ofSeconds(60))) {
                throw new IllegalStateException("the seed training run did not catch up within 60 s");
            }
        } // close(): FINAL snapshots of both models
    }

    private ScoringRow scoring(String net, ExampleStream stream) throws Exception {
        String name = "bench.score-" + net;
        String featuresTopic = name + ".features";
        createTopics(featuresTopic, name + ".passthrough");
        try (BulkProducer producer = new BulkProducer(broker.bootstrapServers(), featuresTopic)) {
            for (int i = 0; i < features; i++) {
                producer.send(stream.next("f-" + net, net, false));
            }
        }
        RunClock.Run before = passthrough(name, featuresTopic, 100, features, 1);
        int steady = (int) (latencyRate * steadySeconds);
        Served served = serve(net, stream, steady);
        RunClock.Run after = passthrough(name, featuresTopic, 100, features + steady, 2);
        return new ScoringRow(net, new Baseline(before, after), served);
    }

    /** The scoring app through the pre-produced features of {@code net}, then {@code count} more at a steady rate. */
    private Served serve(String net, ExampleStream stream, int count) throws Exception {
        String name = "bench.score-" + net;
        String featuresTopic = name + ".features";
        Map<String, String> props = appProperties(name, 100, Map.of(SMALL, SMALL_NET, MEDIUM, MEDIUM_NET));
        props.put("topic.examples", "bench.score.examples");
        props.put("topic.snapshots", "bench.score.snapshots");
        props.put("topic.features", featuresTopic);
        props.put("topic.predictions", name + ".predictions");
        EddyConfig config = EddyConfig.of(props);
        try (EddyApp app = EddyApp.start(config, new InetSocketAddress("127.0.0.1", 0))) {
            KafkaStreams streams = app.streams();
            RunClock.Run scoring = RunClock.await(
                    admin,
                    streams,
                    config.applicationId(),
                    List.of(featuresTopic),
                    features,
                    () -> RunClock.processTotal(streams),
                    RUN_TIMEOUT);

            Map<String, Long> sentAt = new ConcurrentHashMap<>(2 * count);
            long[] latency = new long[count];
            AtomicInteger measured = new AtomicInteger();
            try (TopicTail<Prediction> tail = new TopicTail<>(
                            broker.bootstrapServers(),
                            name + ".predictions",
                            AvroSerdes.predictions().deserializer(),
                            true,
                            (at, timestamp, p) -> {
                                Long sent = sentAt.get(p.getId());
                                if (sent != null) {
                                    int i = measured.getAndIncrement();
                                    if (i < count) {
                                        latency[i] = at - sent;
                                    }
                                }
                            });
                    ExampleProducer producer = new ExampleProducer(broker.bootstrapServers(), featuresTopic)) {
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    pace(start, i, latencyRate);
                    Example e = stream.next("lat-" + net, net, false);
                    sentAt.put(e.getId(), System.currentTimeMillis());
                    producer.send(e);
                }
                producer.flush();
                requireAllWritten(producer);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (measured.get() < count && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                int n = Math.min(measured.get(), count);
                return new Served(scoring, tail.received() - n, Latencies.of(latency, n));
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------- shared

    /** Times a passthrough of the {@code records} records of {@code source}; {@code round} makes its group new. */
    private RunClock.Run passthrough(String name, String source, long commitMs, long records, int round)
            throws Exception {
        String group = name + ".passthrough-app-" + round;
        try (KafkaStreams streams = Passthrough.create(
                broker.bootstrapServers(),
                group,
                source,
                name + ".passthrough",
                StreamsConfig.EXACTLY_ONCE_V2,
                commitMs,
                Files.createDirectories(stateRoot.resolve(group)))) {
            streams.start();
            return RunClock.await(
                    admin, streams, group, List.of(source), records, () -> RunClock.processTotal(streams), RUN_TIMEOUT);
        }
    }

    /** The benchmark's application configuration: early stopping off (a paused model would skip its updates). */
    private Map<String, String> appProperties(String name, long commitMs, Map<String, Map<String, String>> models) {
        Map<String, String> props = new HashMap<>();
        props.put("application.id", name.replace('.', '-'));
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("state.dir", stateRoot.resolve(name).toString());
        props.put("commit.interval.ms", Long.toString(commitMs));
        props.put("topic.snapshots", name + ".snapshots");
        props.put("topic.metrics", name + ".metrics");
        props.put("topic.dead-letters", name + ".dlq");
        props.put("topic.commands", name + ".commands");
        props.put("holdout.fraction", Double.toString(HOLDOUT_FRACTION));
        models.forEach((id, net) -> {
            net.forEach((k, v) -> props.put("model." + id + "." + k, v));
            props.put("model." + id + ".batch-size", "32");
            props.put("model." + id + ".optimizer", "adam");
            props.put("model." + id + ".early-stopping.enabled", "false");
        });
        props.putAll(extraConfig);
        return props;
    }

    private void createTopics(String... names) throws Exception {
        createTopics(1, names);
    }

    private void createTopics(int partitionCount, String... names) throws Exception {
        List<NewTopic> topics = Stream.of(names)
                .map(n -> new NewTopic(n, Optional.of(partitionCount), Optional.empty()))
                .toList();
        Topics.createMissing(admin, topics, Duration.ofSeconds(30));
    }

    private static void requireAllWritten(ExampleProducer producer) {
        if (producer.acknowledged() != producer.sent()) {
            throw new IllegalStateException(producer.failed() + " of " + producer.sent() + " records not written to "
                    + producer.topic() + ": " + producer.firstFailure());
        }
    }

    /** Sleeps until record i of a stream at {@code perSecond} records/s started at {@code startNanos} is due. */
    private static void pace(long startNanos, int i, double perSecond) {
        long due = startNanos + (long) (i * 1e9 / perSecond);
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    // ---------------------------------------------------------------------------------------------------- tables

    private void printTraining(List<TrainingRow> rows) {
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Training (issue 5): small net 8-32-16-1, batch 32, Adam, holdout 10%%, exactly_once_v2, %d"
                        + " partition(s), %d examples; rates from first record to lag 0 on the group%n",
                partitions,
                examples);
        String format = "%6s %11s %11s %13s %10s %6s %9s %10s %10s %11s %8s %20s %6s%n";
        System.out.printf(
                Locale.ROOT,
                format,
                "commit",
                "routing",
                "passthru/s",
                "pt bef/aft",
                "eddy ex/s",
                "ratio",
                "target",
                "eddy proc/s",
                "chlog B/ex",
                "repart B/ex",
                "in B/ex",
                "fresh p50/p99/max ms",
                "snaps");
        for (TrainingRow r : rows) {
            EddyTraining e = r.eddy();
            double ratio = e.run().committedRate() / r.passthrough().rate();
            System.out.printf(
                    Locale.ROOT,
                    format,
                    r.commitMs() + "ms",
                    r.routing(),
                    String.format(Locale.ROOT, "%.0f", r.passthrough().rate()),
                    r.passthrough().format(),
                    String.format(Locale.ROOT, "%.0f", e.run().committedRate()),
                    String.format(Locale.ROOT, "%.2f", ratio),
                    ratio >= 0.5 ? ">=0.5 ok" : ">=0.5 NO",
                    String.format(Locale.ROOT, "%.0f", e.run().processedRate()),
                    String.format(Locale.ROOT, "%.1f", e.changelogBytesPerExample()),
                    String.format(Locale.ROOT, "%.1f", e.repartitionBytesPerExample()),
                    String.format(Locale.ROOT, "%.1f", e.inputBytesPerExample()),
                    e.freshness().format(),
                    Integer.toString(e.snapshots()));
        }
        System.out.printf(
                Locale.ROOT,
                "passthru/s = mean of the passthrough before and after Eddy (pt bef/aft); eddy proc/s = to the last"
                        + " example at the trainer, before its commit.%nfreshness: %.0f examples/s for %.0f s,"
                        + " snapshot every 100 steps (3,200 trained examples); target p99 < 1000 ms; examples after"
                        + " the last snapshot (not counted): %s%n",
                freshnessRate,
                steadySeconds,
                rows.stream().map(r -> Integer.toString(r.eddy().uncovered())).toList());
    }

    private void printScoring(List<ScoringRow> rows) {
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Scoring (issue 6): %d feature records per net, exactly_once_v2, commit 100 ms, 1 partition;"
                        + " latency at %.0f features/s for %.0f s, produce -> prediction read (read_committed)%n",
                features,
                latencyRate,
                steadySeconds);
        String format = "%-16s %11s %13s %10s %6s %12s %12s %24s%n";
        System.out.printf(
                Locale.ROOT,
                format,
                "net",
                "passthru/s",
                "pt bef/aft",
                "scored/s",
                "ratio",
                "scored proc/s",
                "predictions",
                "latency p50/p99/max ms");
        for (ScoringRow r : rows) {
            System.out.printf(
                    Locale.ROOT,
                    format,
                    r.net().equals(SMALL) ? "small 8-32-16-1" : "medium 64-128-10",
                    String.format(Locale.ROOT, "%.0f", r.passthrough().rate()),
                    r.passthrough().format(),
                    String.format(Locale.ROOT, "%.0f", r.scoring().run().committedRate()),
                    String.format(
                            Locale.ROOT,
                            "%.2f",
                            r.scoring().run().committedRate() / r.passthrough().rate()),
                    String.format(Locale.ROOT, "%.0f", r.scoring().run().processedRate()),
                    Long.toString(r.scoring().predictions()),
                    r.scoring().latency().format());
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
