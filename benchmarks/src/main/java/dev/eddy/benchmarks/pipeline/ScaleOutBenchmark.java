package dev.eddy.benchmarks.pipeline;

// Run from the repository root (builds first; about 4-6 minutes on 2 cores):
//   benchmarks/run-pipeline.sh --scale-out
// which runs
//   java -Xmx2g -cp benchmarks/target/benchmarks.jar dev.eddy.benchmarks.pipeline.ScaleOutBenchmark \
//       --elec2 ../shared/datasets/elec2/elec2.csv.gz

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.broker.EmbeddedBroker;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.io.EndOffsets;
import dev.eddy.io.Topics;
import dev.eddy.schema.Example;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.ModelStatusSerde;
import dev.eddy.topology.FanOutTopic;
import dev.eddy.topology.ModelPartitions;
import dev.eddy.topology.TrainingTopology;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ObjIntConsumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scale-out figures of issue 17 on the embedded broker, all in one run: input topics of {@code --partitions}
 * partitions, {@code --models} small nets (8-32-16-1, batch 32, Adam, holdout 10%, early stopping off),
 * exactly_once_v2, commit 100 ms. Eddy runs as separate {@code eddy run} JVMs ({@link EddyProcess}).
 *
 * <ol>
 *   <li><b>Throughput</b>: each example names one model (round robin) and is keyed by it. Eddy with routing
 *       repartition (1 instance, 1 thread), and direct with 1 instance × 1 thread, 1 instance × 2 threads and 2
 *       instances × 1 thread, each beside a plain Kafka Streams passthrough of the same topic with as many stream
 *       threads (in the benchmark's JVM), measured right before it. Every run waits until its instances are RUNNING
 *       with an empty topic; then {@code --warmup-examples} and the examples are produced in one go (the producer is
 *       done long before the warm-up is consumed, so that the timed part reads a backlog, as in
 *       {@link PipelineBenchmark}, with no producer competing for the cores); the warm-up is consumed untimed (every
 *       Eddy JVM is fresh: without it the figure is mostly its JIT compiler's work); examples/s are counted from the
 *       group's first committed offset past the warm-up to lag 0 on every topic it consumes (the trainer-input or
 *       fan-out topic too).
 *   <li><b>Fan-out</b>: the examples name no model and share one key (a file, as {@code eddy produce} writes one),
 *       so every model needs each: the bytes and records the second trip through Kafka costs per example, direct
 *       (fan-out topic: at most one copy per other partition hosting models) beside repartition (trainer-input topic:
 *       one copy per model), and the target ≤ (partitions hosting the models) × the record's bytes.
 *   <li><b>Restore after a kill</b>: the two-instance run keeps training at a steady rate; one instance is killed
 *       ({@code SIGKILL}); for each model the time from the kill to the next committed write of its status (its
 *       trainer runs again), for the models the killed instance trained (restored from the changelogs by the other)
 *       and for the others. {@code acceptable.recovery.lag} is set high so that the survivor takes the tasks at once
 *       instead of warming up a standby first; the killed member is noticed after {@code session.timeout.ms}.
 * </ol>
 *
 * <p>Prints the figures and their ratios; asserts nothing. On a machine with fewer cores than JVMs and stream threads
 * (the broker and the producer share them too) the ratios say what that machine gives, not what more cores would.
 */
@Command(
        name = "scale-out-benchmark",
        mixinStandardHelpOptions = true,
        description = "Throughput with 1 and 2 instances and threads on partitioned input, fan-out bytes, and per-model"
                + " restore time after a kill, beside a passthrough.")
public final class ScaleOutBenchmark implements Callable<Integer> {

    private static final Map<String, String> SMALL_NET =
            Map.of("input-size", "8", "layers", "32:relu,16:relu,1:sigmoid");
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);
    private static final long COMMIT_MS = 100;
    /** The model that is a search with {@code --search}. */
    private static final String SEARCHED = "s";

    @Option(names = "--examples", defaultValue = "200000", description = "Examples per run (${DEFAULT-VALUE}).")
    int examples;

    @Option(
            names = "--warmup-examples",
            defaultValue = "100000",
            description =
                    "Examples each throughput run (Eddy and passthrough) consumes untimed before the timed ones, to"
                            + " warm the JIT (${DEFAULT-VALUE}).")
    int warmupExamples;

    @Option(
            names = "--fan-out-examples",
            defaultValue = "50000",
            description = "Examples of each fan-out run (${DEFAULT-VALUE}).")
    int fanOutExamples;

    @Option(names = "--partitions", defaultValue = "4", description = "Input partitions (${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--models", defaultValue = "8", description = "Models (${DEFAULT-VALUE}).")
    int models;

    @Option(
            names = "--session-timeout-ms",
            defaultValue = "6000",
            description = "Eddy's kafka.session.timeout.ms: how long a killed instance stays in the group"
                    + " (${DEFAULT-VALUE}).")
    int sessionTimeoutMs;

    @Option(
            names = "--steady-rate",
            defaultValue = "2000",
            description = "Examples/s while an instance is killed (${DEFAULT-VALUE}).")
    double steadyRate;

    @Option(names = "--heap", defaultValue = "512m", description = "-Xmx of each Eddy JVM (${DEFAULT-VALUE}).")
    String heap;

    @Option(
            names = "--search",
            description = "Instead of the rows above: one model that is a 16-trial random search over the default"
                    + " space, its examples keyed by it, with every trial in its task (search.placement=task) and"
                    + " spread over the partitions, with 1 instance x 2 threads and 2 instances x 1 thread;"
                    + " trial-examples/s and the ratios.")
    boolean search;

    @Option(
            names = "--elec2",
            defaultValue = "../shared/datasets/elec2/elec2.csv.gz",
            description = "elec2 CSV to replay; generated rows when absent (${DEFAULT-VALUE}).")
    Path elec2;

    private EmbeddedBroker broker;
    private Admin admin;
    private Path root;
    private ExampleStream stream;
    private List<String> modelIds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScaleOutBenchmark()).execute(args));
    }

    /** One throughput row: Eddy's examples/s beside the passthrough's with as many threads. */
    private record Row(String routing, int instances, int threads, double passthrough, double eddy) {}

    /** Bytes and records of the second trip through Kafka, per example, of one routing. */
    private record FanOutRow(
            String routing, double rate, double passthrough, double inputBytes, double copies, double copyBytes) {}

    @Override
    public Integer call() throws Exception {
        String loadBefore = loadAverage();
        root = Files.createTempDirectory("eddy-scale-out-");
        modelIds = IntStream.range(0, models).mapToObj(i -> "m" + i).toList();
        stream = ExampleStream.elec2OrGenerated(elec2);
        ModelPartitions placed = new ModelPartitions(partitions);
        Set<Integer> hosting = new TreeSet<>();
        modelIds.forEach(m -> hosting.add(placed.of(m)));
        System.out.printf(
                Locale.ROOT,
                "scale-out benchmark: %d examples (%s), %d partitions, %d models (partitions hosting them: %s),"
                        + " exactly_once_v2, commit %d ms, %d cores, load average before: %s%n",
                examples,
                stream.description(),
                partitions,
                models,
                hosting,
                COMMIT_MS,
                Runtime.getRuntime().availableProcessors(),
                loadBefore);
        try (EmbeddedBroker b = EmbeddedBroker.start(0, null);
                Admin a = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers()))) {
            broker = b;
            admin = a;
            if (search) {
                List<SearchRow> rows = new ArrayList<>();
                for (int[] layout : new int[][] {{1, 2}, {2, 1}}) {
                    for (String placement : List.of("task", "spread")) {
                        rows.add(searchThroughput(placement, layout[0], layout[1]));
                    }
                }
                printSearch(rows);
                return 0;
            }
            List<Row> rows = new ArrayList<>();
            rows.add(throughput("repartition", 1, 1, false));
            rows.add(throughput("direct", 1, 1, false));
            rows.add(throughput("direct", 1, 2, false));
            rows.add(throughput("direct", 2, 1, true));
            printThroughput(rows);
            List<FanOutRow> fanOut = new ArrayList<>();
            fanOut.add(fanOut("repartition", placed));
            fanOut.add(fanOut("direct", placed));
            printFanOut(fanOut, placed, hosting);
        } finally {
            deleteRecursively(root);
        }
        System.out.println("load average after: " + loadAverage());
        return 0;
    }

    // ------------------------------------------------------------------------------------------------- throughput

    /**
     * One row: the passthrough with {@code threads} threads, then Eddy's {@code instances} × {@code threads}; with
     * {@code killOne}, then the restore measurement on the same instances.
     */
    private Row throughput(String routing, int instances, int threads, boolean killOne) throws Exception {
        String label = routing + "-" + instances + "x" + threads;
        String topic = "scale." + label + ".examples";
        createTopic(topic);
        double passthrough = passthrough(label, threads, warmupExamples, examples, this::produceNamed);
        Map<String, String> settings = settings(label, topic, routing, threads);
        List<EddyProcess> apps = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                apps.add(start(settings, label, i));
            }
            awaitRunning(apps);
            produceNamed(topic, warmupExamples + examples);
            List<String> inputs = inputs(settings.get("application.id"), topic, routing, false);
            double rate = committedRate(settings.get("application.id"), topic, inputs, warmupExamples, examples);
            if (killOne) {
                restoreAfterKill(settings.get("application.id"), topic, apps);
            }
            return new Row(routing, instances, threads, passthrough, rate);
        } finally {
            for (EddyProcess app : apps) {
                app.close();
            }
        }
    }

    /**
     * A row of {@code --search}: examples/s of the search model {@code s} with {@code placement}, on {@code instances}
     * × {@code threads}, and the CPU time of those Eddy JVMs from their start to lag 0 (warm-up included).
     */
    private SearchRow searchThroughput(String placement, int instances, int threads) throws Exception {
        String label = "search-" + placement + "-" + instances + "x" + threads;
        String topic = "scale." + label + ".examples";
        createTopic(topic);
        Map<String, String> settings = settings(label, topic, "direct", threads);
        settings.keySet().removeIf(k -> k.startsWith("model."));
        SMALL_NET.forEach((k, v) -> settings.put("model." + SEARCHED + "." + k, v));
        settings.put("model." + SEARCHED + ".early-stopping.enabled", "false");
        settings.put("model." + SEARCHED + ".search.strategy", "random");
        settings.put("model." + SEARCHED + ".search.placement", placement);
        List<EddyProcess> apps = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                apps.add(start(settings, label, i));
            }
            awaitRunning(apps);
            try (BulkProducer producer = new BulkProducer(broker.bootstrapServers(), topic)) {
                for (int i = 0; i < warmupExamples + examples; i++) {
                    producer.send(next(SEARCHED));
                }
            }
            String applicationId = settings.get("application.id");
            List<String> inputs =
                    placement.equals("spread") ? List.of(topic, FanOutTopic.of(applicationId)) : List.of(topic);
            double rate = committedRate(applicationId, topic, inputs, warmupExamples, examples);
            double cpu = 0;
            for (EddyProcess app : apps) {
                cpu += app.cpuSeconds();
            }
            return new SearchRow(placement, instances, threads, rate, cpu);
        } finally {
            for (EddyProcess app : apps) {
                app.close();
            }
        }
    }

    /** A row of {@code --search}. */
    private record SearchRow(String placement, int instances, int threads, double rate, double cpuSeconds) {}

    private void printSearch(List<SearchRow> rows) {
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Search: %d examples keyed by model %s, a random search of %d trials (default space) on %d partitions;"
                        + " examples/s from the first commit to lag 0 (on the fan-out topic too), trial-examples/s ="
                        + " %d x that%n",
                examples,
                SEARCHED,
                SearchConfig.DEFAULT_TRIALS,
                partitions,
                SearchConfig.DEFAULT_TRIALS);
        String format = "%-10s %10s %8s %12s %16s %10s %12s%n";
        System.out.printf(
                Locale.ROOT,
                format,
                "placement",
                "instances",
                "threads",
                "examples/s",
                "trial-examples/s",
                "eddy cpu s",
                "spread/task");
        for (int i = 0; i < rows.size(); i++) {
            SearchRow r = rows.get(i);
            SearchRow task = rows.get(i - i % 2);
            System.out.printf(
                    Locale.ROOT,
                    format,
                    r.placement(),
                    Integer.toString(r.instances()),
                    Integer.toString(r.threads()),
                    String.format(Locale.ROOT, "%.0f", r.rate()),
                    String.format(Locale.ROOT, "%.0f", r.rate() * SearchConfig.DEFAULT_TRIALS),
                    String.format(Locale.ROOT, "%.1f", r.cpuSeconds()),
                    i % 2 == 0 ? "" : String.format(Locale.ROOT, "%.2f", r.rate() / task.rate()));
        }
        System.out.println("load average after: " + loadAverage());
    }

    /**
     * The passthrough's examples/s, with {@code threads} stream threads, over the last {@code records} of the
     * {@code warmup + records} examples that {@code produce} writes in one go to its input topic (of the same layout)
     * once it runs.
     */
    private double passthrough(String label, int threads, int warmup, int records, ObjIntConsumer<String> produce)
            throws Exception {
        String group = "scale-" + label + "-passthrough";
        String input = "scale." + label + ".passthrough-input";
        String output = "scale." + label + ".passthrough";
        createTopic(input);
        createTopic(output);
        try (KafkaStreams streams = Passthrough.create(
                broker.bootstrapServers(),
                group,
                input,
                output,
                StreamsConfig.EXACTLY_ONCE_V2,
                COMMIT_MS,
                Files.createDirectories(root.resolve(group)),
                threads)) {
            streams.start();
            long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("the passthrough is not RUNNING: " + streams.state());
                }
                Thread.sleep(20);
            }
            Thread.sleep(1000); // its first poll
            produce.accept(input, warmup + records);
            return committedRate(group, input, List.of(input), warmup, records);
        }
    }

    /**
     * Examples/s of {@code group} over the {@code records} records of {@code topic} after its first {@code base}:
     * (records − c₁) / (t_end − t₁), t₁ the first moment its committed offsets on {@code topic} sum to base + c₁ with
     * c₁ &gt; 0, t_end the moment of lag 0 on every one of {@code inputs}.
     */
    private double committedRate(String group, String topic, List<String> inputs, long base, long records)
            throws Exception {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        long t1 = 0;
        long c1 = 0;
        while (System.nanoTime() < deadline) {
            long c = committed(group, topic) - base;
            long now = System.nanoTime();
            if (t1 == 0 && c > 0) {
                t1 = now;
                c1 = c;
            }
            if (c >= records && RunClock.caughtUp(admin, group, inputs)) {
                if (c1 >= records) {
                    throw new IllegalStateException(group + " consumed all " + records + " examples before its"
                            + " first commit was seen: too few to time; give more");
                }
                return (records - c1) / ((System.nanoTime() - t1) / 1e9);
            }
            Thread.sleep(20);
        }
        throw new TimeoutException(group + " did not reach lag 0 on " + inputs + " within " + RUN_TIMEOUT);
    }

    private long committed(String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        long sum = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                sum += e.getValue().offset();
            }
        }
        return sum;
    }

    /** {@code n} examples, the i-th naming model i mod models, keyed by it. */
    private void produceNamed(String topic, int n) {
        try (BulkProducer producer = new BulkProducer(broker.bootstrapServers(), topic)) {
            for (int i = 0; i < n; i++) {
                producer.send(next(modelIds.get(i % models)));
            }
        }
    }

    private Example next(String modelId) {
        synchronized (stream) {
            return stream.next("scale", modelId, true);
        }
    }

    // ---------------------------------------------------------------------------------------------------- restore

    /**
     * Examples at {@link #steadyRate} for all models; one instance killed after 3 s; per model, the time from the kill
     * to the next committed write of its status.
     */
    private void restoreAfterKill(String applicationId, String topic, List<EddyProcess> apps) throws Exception {
        EddyProcess victim = apps.get(1);
        Set<String> moved = localModels(victim);
        String changelog = applicationId + "-" + TrainingTopology.STATUS_STORE + "-changelog";
        Map<String, Long> firstAfterKill = new ConcurrentHashMap<>();
        long[] killedAt = {Long.MAX_VALUE};
        int count = (int) (steadyRate * (sessionTimeoutMs / 1000.0 + 20));
        long statusWrites;
        try (TopicTail<ModelStatus> tail = new TopicTail<>(
                broker.bootstrapServers(), changelog, new ModelStatusSerde(), false, (at, timestamp, status) -> {
                    // the status write of an example produced after the kill (not one committed before it and
                    // read late)
                    if (timestamp > killedAt[0]) {
                        firstAfterKill.putIfAbsent(status.modelId(), at);
                    }
                })) {
            CompletableFuture<Void> steady = CompletableFuture.runAsync(() -> {
                try (BulkProducer producer = new BulkProducer(broker.bootstrapServers(), topic)) {
                    long start = System.nanoTime();
                    for (int i = 0; i < count; i++) {
                        long due = start + (long) (i * 1e9 / steadyRate);
                        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                            LockSupport.parkNanos(wait);
                        }
                        producer.send(next(modelIds.get(i % models)));
                    }
                }
            });
            Thread.sleep(3000);
            killedAt[0] = System.currentTimeMillis();
            victim.kill();
            steady.join();
            RunClock.awaitCaughtUp(admin, applicationId, List.of(topic), Duration.ofSeconds(60));
            Thread.sleep(COMMIT_MS * 5); // the last status writes on their way to the tail
            statusWrites = tail.received();
        }
        Map<String, Long> after = new TreeMap<>();
        for (String m : modelIds) {
            Long at = firstAfterKill.get(m);
            after.put(m, at == null ? -1 : at - killedAt[0]);
        }
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Restore after a kill (2 instances x 1 thread, direct routing, %.0f examples/s, session.timeout.ms"
                        + " %d, acceptable.recovery.lag 1e9): time from kill -9 of one instance to the arrival of"
                        + " each model's first committed status write for an example produced after the kill, ms (-1:"
                        + " none); %d status writes read%n",
                steadyRate,
                sessionTimeoutMs,
                statusWrites);
        List<Long> movedTimes = new ArrayList<>();
        List<Long> stayedTimes = new ArrayList<>();
        after.forEach((m, ms) -> {
            boolean wasMoved = moved.contains(m);
            (wasMoved ? movedTimes : stayedTimes).add(ms);
            System.out.printf(
                    Locale.ROOT,
                    "  %-4s %-28s %6d ms%n",
                    m,
                    wasMoved ? "on the killed instance" : "on the surviving instance",
                    ms);
        });
        System.out.printf(
                Locale.ROOT,
                "  moved models: median %d ms, max %d ms (of which up to %d ms until the group notices the kill);"
                        + " models that stayed: median %d ms%n",
                median(movedTimes),
                movedTimes.stream().mapToLong(Long::longValue).max().orElse(-1),
                sessionTimeoutMs,
                median(stayedTimes));
    }

    /** The models {@code app} trains, from its status API ({@code /models?local=true}). */
    private static Set<String> localModels(EddyProcess app) throws Exception {
        URI uri = URI.create(app.modelsUri(Duration.ofSeconds(30)) + "?local=true");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> response =
                http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
        }
        Set<String> out = new TreeSet<>();
        new ObjectMapper()
                .readTree(response.body())
                .forEach(n -> out.add(n.get("model").asText()));
        return out;
    }

    // ---------------------------------------------------------------------------------------------------- fan-out

    /** Examples naming no model under one key, through Eddy with {@code routing}: the second trip's cost. */
    private FanOutRow fanOut(String routing, ModelPartitions placed) throws Exception {
        String label = "fan-out-" + routing;
        String topic = "scale." + label + ".examples";
        createTopic(topic);
        String key = "rows.csv";
        Map<String, String> settings = settings(label, topic, routing, 1);
        String applicationId = settings.get("application.id");
        ObjIntConsumer<String> produce = (t, n) -> produceUnnamed(t, key, n);
        double passthrough = passthrough(label, 1, warmupExamples, examples, produce);
        double rate;
        try (EddyProcess app = start(settings, label, 0)) {
            awaitRunning(List.of(app));
            produce.accept(topic, fanOutExamples);
            rate = committedRate(applicationId, topic, inputs(applicationId, topic, routing, true), 0, fanOutExamples);
        }
        String second = routing.equals("direct")
                ? FanOutTopic.of(applicationId)
                : TrainingTopology.trainerInputTopic(applicationId);
        double inputBytes = RunClock.topicBytes(admin, topic::equals) / (double) fanOutExamples;
        double copyBytes = RunClock.topicBytes(admin, second::equals) / (double) fanOutExamples;
        double copies = records(second) / (double) fanOutExamples;
        return new FanOutRow(routing, rate, passthrough, inputBytes, copies, copyBytes);
    }

    private void produceUnnamed(String topic, String key, int n) {
        try (BulkProducer producer = new BulkProducer(broker.bootstrapServers(), topic)) {
            for (int i = 0; i < n; i++) {
                producer.send(key, next(null));
            }
        }
    }

    /** Records in {@code topic}: committed data records, read back (transaction markers take offsets too). */
    private long records(String topic) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> all = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> ends = consumer.endOffsets(all);
            long n = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!EndOffsets.reached(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("could not read " + topic + " to its end within 60 s");
                }
                n += consumer.poll(Duration.ofMillis(200)).count();
            }
            return n;
        }
    }

    // ----------------------------------------------------------------------------------------------------- shared

    private Map<String, String> settings(String label, String examplesTopic, String routing, int threads) {
        String name = "scale." + label;
        Map<String, String> s = new HashMap<>();
        s.put("application.id", name.replace('.', '-'));
        s.put("bootstrap.servers", broker.bootstrapServers());
        s.put("routing", routing);
        s.put("commit.interval.ms", Long.toString(COMMIT_MS));
        s.put("topic.examples", examplesTopic);
        s.put("topic.snapshots", name + ".snapshots");
        s.put("topic.metrics", name + ".metrics");
        s.put("topic.dead-letters", name + ".dlq");
        s.put("topic.commands", name + ".commands");
        s.put("serving.enabled", "false");
        s.put("holdout.fraction", "0.1");
        s.put("kafka.num.stream.threads", Integer.toString(threads));
        s.put("kafka.session.timeout.ms", Integer.toString(sessionTimeoutMs));
        s.put("kafka.heartbeat.interval.ms", Integer.toString(Math.max(500, sessionTimeoutMs / 6)));
        s.put("kafka.acceptable.recovery.lag", "1000000000");
        for (String m : modelIds) {
            SMALL_NET.forEach((k, v) -> s.put("model." + m + "." + k, v));
            s.put("model." + m + ".batch-size", "32");
            s.put("model." + m + ".optimizer", "adam");
            s.put("model." + m + ".early-stopping.enabled", "false");
        }
        return s;
    }

    private EddyProcess start(Map<String, String> settings, String label, int instance) throws IOException {
        Path dir = Files.createDirectories(root.resolve(label + "-" + instance));
        return EddyProcess.start(settings, dir.resolve("state"), dir.resolve("eddy.log"), heap);
    }

    /** Waits until every instance logged RUNNING last, twice 1 s apart (the group settled after the last join). */
    private static void awaitRunning(List<EddyProcess> apps) throws Exception {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        int settled = 0;
        while (settled < 2) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the instances are not RUNNING within " + RUN_TIMEOUT);
            }
            boolean running = true;
            for (EddyProcess app : apps) {
                app.requireAlive();
                running &= app.state().equals("RUNNING");
            }
            settled = running ? settled + 1 : 0;
            Thread.sleep(1000);
        }
    }

    /**
     * The topics whose lag 0 says the application consumed everything: with {@code fanOut} (examples naming no model)
     * direct routing's fan-out topic too (without, it holds nothing, so no offset is ever committed on it).
     */
    private static List<String> inputs(String applicationId, String topic, String routing, boolean fanOut) {
        if (routing.equals("repartition")) {
            return List.of(topic, TrainingTopology.trainerInputTopic(applicationId));
        }
        return fanOut ? List.of(topic, FanOutTopic.of(applicationId)) : List.of(topic);
    }

    private void createTopic(String name) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                .all()
                .get(30, TimeUnit.SECONDS);
        Topics.awaitWritable(admin, List.of(name), Duration.ofSeconds(30));
    }

    // ----------------------------------------------------------------------------------------------------- tables

    private void printThroughput(List<Row> rows) {
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Throughput: %d examples, each naming one of %d models, keyed by it, %d partitions; examples/s from"
                        + " the first commit to lag 0; passthrough with as many stream threads, in the benchmark's"
                        + " JVM%n",
                examples,
                models,
                partitions);
        String format = "%-12s %10s %8s %12s %12s %7s%n";
        System.out.printf(Locale.ROOT, format, "routing", "instances", "threads", "passthru/s", "eddy ex/s", "ratio");
        for (Row r : rows) {
            System.out.printf(
                    Locale.ROOT,
                    format,
                    r.routing(),
                    Integer.toString(r.instances()),
                    Integer.toString(r.threads()),
                    String.format(Locale.ROOT, "%.0f", r.passthrough()),
                    String.format(Locale.ROOT, "%.0f", r.eddy()),
                    String.format(Locale.ROOT, "%.2f", r.eddy() / r.passthrough()));
        }
        Row repartition = rows.get(0);
        Row one = rows.get(1);
        Row threads = rows.get(2);
        Row instances = rows.get(3);
        System.out.printf(
                Locale.ROOT,
                "direct / repartition (1x1): %.2f; 2 threads / 1 thread: %.2f (passthrough %.2f); 2 instances /"
                        + " 1 instance: %.2f (passthrough with 2 threads / 1 thread %.2f)%n",
                one.eddy() / repartition.eddy(),
                threads.eddy() / one.eddy(),
                threads.passthrough() / one.passthrough(),
                instances.eddy() / one.eddy(),
                instances.passthrough() / one.passthrough());
    }

    private void printFanOut(List<FanOutRow> rows, ModelPartitions placed, Set<Integer> hosting) {
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Fan-out: %d examples naming no model (every one of %d models trains on each), one key (partition"
                        + " %d), 1 instance x 1 thread; bytes on the broker per example%n",
                fanOutExamples,
                models,
                placed.of("rows.csv"));
        String format = "%-12s %12s %12s %7s %10s %15s %15s %22s%n";
        System.out.printf(
                Locale.ROOT,
                format,
                "routing",
                "passthru/s",
                "eddy ex/s",
                "ratio",
                "input B",
                "copies/example",
                "copy B/example",
                "total B (target)");
        double target = hosting.size();
        for (FanOutRow r : rows) {
            double total = r.inputBytes() + r.copyBytes();
            System.out.printf(
                    Locale.ROOT,
                    format,
                    r.routing(),
                    String.format(Locale.ROOT, "%.0f", r.passthrough()),
                    String.format(Locale.ROOT, "%.0f", r.rate()),
                    String.format(Locale.ROOT, "%.2f", r.rate() / r.passthrough()),
                    String.format(Locale.ROOT, "%.1f", r.inputBytes()),
                    String.format(Locale.ROOT, "%.2f", r.copies()),
                    String.format(Locale.ROOT, "%.1f", r.copyBytes()),
                    String.format(
                            Locale.ROOT,
                            "%.0f (<= %.0f x %.1f = %.0f)",
                            total,
                            target,
                            r.inputBytes(),
                            target * r.inputBytes()));
        }
        System.out.println("copies: records of the fan-out topic (direct) or the trainer-input topic (repartition) per"
                + " example; total = input + copies, on the broker's disk (batch headers, transaction markers"
                + " included)");
    }

    private static long median(List<Long> values) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
