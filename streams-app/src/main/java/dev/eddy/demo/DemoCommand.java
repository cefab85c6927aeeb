package dev.eddy.demo;

import dev.eddy.app.EddyApp;
import dev.eddy.broker.EmbeddedBroker;
import dev.eddy.cli.DatasetLabelKind;
import dev.eddy.config.EddyConfig;
import dev.eddy.core.data.LabelKind;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.io.EndOffsets;
import dev.eddy.io.ExampleProducer;
import dev.eddy.report.BiasVarianceHint;
import dev.eddy.report.RunSummary;
import dev.eddy.report.TrainingPoint;
import dev.eddy.report.TrainingReport;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.topology.SearchTraining;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code eddy demo}: the whole system in one command. Starts an embedded broker and the training application,
 * streams a dataset or a drifting generator into the examples topic, shows live progress from the metrics topic
 * until early stopping fires (or the examples run out), prints a summary and writes a report directory.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        header = "One-command demo: an embedded broker, a dataset streamed in, live training, a summary and a report.",
        description = {
            "One-command demo: embedded Kafka broker, the training application, a dataset streamed into",
            "eddy.examples, live progress until early stopping fires, a summary and a report with plots.",
            "Datasets are replayed in shuffled passes; hyperplane, sea and agrawal are endless drifting streams.",
            "With --search the model is an online hyper-parameter search and the live output is its leaderboard."
        })
public final class DemoCommand implements Callable<Integer> {

    /** The model id the demo trains. */
    public static final String MODEL = "demo";

    /** How long the demo reads on for the champion's evaluations after the last example (a few commits). */
    private static final Duration CHAMPION_GRACE = Duration.ofSeconds(30);

    /** The examples a search demo streams by default: four times the last ASHA rung. */
    static final long SEARCH_EXAMPLES = 16_000;

    /**
     * A search demo's keys over the model's: 16 trials (a grid over the default space would have 192), rungs that fit
     * {@link #SEARCH_EXAMPLES} (500·4ᵏ below 8,000: 500 and 2,000), holdout evaluations every 200 steps, since the
     * search ranks trials by their prequential metric and trials at batch size 1 would otherwise spend most of their
     * time evaluating, and no early stopping: pausing trials is the search's job.
     */
    private static Map<String, String> searchKeys(String strategy) {
        Map<String, String> keys = new TreeMap<>();
        keys.put("search.strategy", strategy);
        keys.put("search.trials", "16");
        if (strategy.equals("asha") || strategy.equals("hyperband")) {
            keys.put("search.asha.min-examples", "500");
            keys.put("search.asha.max-examples", "8000");
            keys.put("search.asha.eta", "4");
        }
        keys.put("eval-every", "200");
        keys.put("early-stopping.enabled", "false");
        return keys;
    }

    @Spec
    CommandSpec spec;

    /** A search's leaderboard when the demo last read it. */
    private List<SearchTraining.Standing> finalBoard;

    @Option(
            names = "--dataset",
            paramLabel = "NAME",
            defaultValue = "digits",
            description = "digits, breast-cancer, diabetes, hyperplane, sea or agrawal (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--csv", paramLabel = "FILE", description = "Stream this CSV (header, last column 'label').")
    Path csv;

    @Option(
            names = "--label-kind",
            paramLabel = "KIND",
            description = {
                "Label column of --csv: ${COMPLETION-CANDIDATES}. Default: class if the first row's label is an",
                "integer, else target. Not with --dataset: a bundled dataset or a generator has its own."
            })
    LabelKind labelKind;

    @Option(
            names = "--examples",
            paramLabel = "N",
            description = "Examples to stream (default: 60 passes of a dataset, 60000 of a generator).")
    long examples;

    @Option(
            names = "--model",
            paramLabel = "CONFIG",
            description = {
                "Properties file: trainer keys for the demo model (bare or model.demo.<key>) and application",
                "keys (holdout.fraction, ...), applied over the demo's defaults."
            })
    Path model;

    @Option(
            names = "--search",
            paramLabel = "STRATEGY",
            arity = "0..1",
            fallbackValue = "asha",
            description = {
                "Search the model's hyper-parameters online over the default space, 16 trials, and show the",
                "leaderboard live: grid, random, zoom, asha, hyperband or pbt (default when given alone: asha).",
                "Sized for the demo: asha and hyperband rungs at 500 and 2,000 examples (eta 4, complete at 8,000),",
                "no early stopping (the search prunes), 16,000 examples unless --examples is given."
            })
    String search;

    @Option(
            names = "--report",
            paramLabel = "DIR",
            defaultValue = "eddy-report",
            description = "Report directory (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(
            names = "--keep-running",
            description =
                    "Keep the broker and the application (the console at /, /metrics, /models) up after the summary"
                            + " until Ctrl-C.")
    boolean keepRunning;

    @Option(
            names = "--metrics-port",
            defaultValue = "9464",
            description = "Port of /metrics on 127.0.0.1, 0 = any free port (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed of shuffles and generators (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "600",
            description = "Give up waiting for training after this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (search != null && !SearchConfig.STRATEGIES.contains(search)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--search must be one of " + String.join(", ", SearchConfig.STRATEGIES) + ", got '" + search + "'");
        }
        DemoStream stream = stream();
        if (csv == null && labelKind != null) {
            throw DatasetLabelKind.refused(spec.commandLine(), "--csv", dataset, stream.labelKind());
        }
        long total = examples > 0
                ? examples
                : search != null
                        ? SEARCH_EXAMPLES
                        : stream.rowsPerPass() > 0 ? 60L * stream.rowsPerPass() : 6 * DemoStream.DRIFT_PERIOD;
        Path stateDir = Files.createTempDirectory("eddy-demo-state");
        Map<String, String> settings = settings(stream, stateDir);
        settings.put("bootstrap.servers", "localhost:9092");
        EddyConfig.load(null, settings); // a bad --model fails here, before a broker starts
        TrainerConfig trainer = EddyConfig.load(null, settings).models().get(MODEL);
        out.printf(
                Locale.ROOT,
                "eddy demo: %s (%s), %,d examples, model %s%n",
                stream.name(),
                stream.rowsPerPass() > 0
                        ? String.format(Locale.ROOT, "%,d rows replayed in shuffled passes", stream.rowsPerPass())
                        : "endless drifting stream",
                total,
                trainer.toProperties().get("layers"));
        out.println("starting an embedded Kafka broker and the training application ...");
        out.flush();
        long start = System.nanoTime();
        Shutdown shutdown = new Shutdown(EmbeddedBroker.start(0, null), stateDir);
        try {
            settings.put("bootstrap.servers", shutdown.broker.bootstrapServers());
            EddyConfig config = EddyConfig.load(null, settings);
            EddyApp app = EddyApp.start(config, new InetSocketAddress("127.0.0.1", metricsPort));
            shutdown.app = app;
            out.println("kafka " + shutdown.broker.bootstrapServers() + ", metrics " + app.metricsUri());
            out.println("console " + app.consoleUri() + " (live charts; --keep-running keeps it up after the summary)");
            out.flush();
            long trainingStart = System.nanoTime();
            List<TrainingPoint> points = train(app, config, stream, total, trainer, out);
            double trainingSeconds = (System.nanoTime() - trainingStart) / 1e9;
            Optional<SearchTraining.Standing> champion = champion();
            champion.ifPresent(c -> out.printf(
                    Locale.ROOT,
                    "search %s over %d trials: champion %s (%s), served under '%s'; the summary is its run%n",
                    search,
                    finalBoard.size(),
                    SearchTraining.trialId(MODEL, c.trial()),
                    LiveLeaderboard.summary(c.config()),
                    MODEL));
            String layers = champion.map(
                            c -> SearchTraining.trialId(MODEL, c.trial()) + " " + LiveLeaderboard.summary(c.config()))
                    .orElse(trainer.toProperties().get("layers"));
            RunSummary summary = RunSummary.of(stream.name(), layers, points, trainingSeconds)
                    .withSnapshotVersion(version(app.metrics().registry()))
                    .withMemberScores(memberScores(app.metrics().registry()));
            BiasVarianceHint hint = BiasVarianceHint.of(points, stream.referenceLoss());
            TrainingReport.summaryLines(summary, hint).forEach(out::println);
            TrainingReport.write(report, summary, hint, points);
            out.printf(
                    Locale.ROOT,
                    "demo wall time %.1f s (broker and application start %.1f s)%n",
                    (System.nanoTime() - start) / 1e9,
                    (trainingStart - start) / 1e9);
            out.println("report: " + report.resolve(TrainingReport.MARKDOWN).toAbsolutePath());
            out.flush();
            if (keepRunning) {
                Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "eddy-demo-shutdown"));
                out.println("still running (--keep-running): kafka " + config.bootstrapServers() + ", console "
                        + app.consoleUri() + ", metrics " + app.metricsUri() + "; Ctrl-C stops");
                out.flush();
                while (!app.awaitTermination(Duration.ofSeconds(1))) {
                    // Ctrl-C runs the shutdown hook, which closes the application: then this loop ends.
                }
            }
            return 0;
        } finally {
            shutdown.run();
        }
    }

    /** Closes the application, then the broker, then deletes the state directory; runs once (hook or finally). */
    private static final class Shutdown implements Runnable {
        final EmbeddedBroker broker;
        final Path stateDir;
        volatile EddyApp app;
        private boolean done;

        Shutdown(EmbeddedBroker broker, Path stateDir) {
            this.broker = broker;
            this.stateDir = stateDir;
        }

        @Override
        public synchronized void run() {
            if (done) {
                return;
            }
            done = true;
            try {
                if (app != null) {
                    app.close();
                }
            } finally {
                broker.close();
                try {
                    deleteRecursively(stateDir);
                } catch (IOException e) {
                    // A temporary directory left behind is harmless; the OS cleans it.
                }
            }
        }
    }

    /** The application's settings: the demo's defaults, then --model's keys. */
    /** The stream the options name: {@code --csv} (its label kind guessed unless {@code --label-kind}), else the dataset. */
    DemoStream stream() throws IOException {
        return csv != null ? DemoStream.csv(csv, labelKind, seed) : DemoStream.named(dataset, seed);
    }

    private Map<String, String> settings(DemoStream stream, Path stateDir) throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put("application.id", "eddy-demo");
        settings.put("state.dir", stateDir.toString());
        settings.put("holdout.fraction", "0.1");
        settings.put("holdout.buffer-size", "500");
        settings.put("commit.interval.ms", "500");
        settings.put("snapshot-every", "200");
        DemoModel.defaults(stream.featureCount(), stream.labelKind(), stream.classes())
                .forEach((k, v) -> settings.put("model." + MODEL + "." + k, v));
        if (search != null) {
            searchKeys(search).forEach((k, v) -> settings.put("model." + MODEL + "." + k, v));
        }
        if (model != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(model, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            for (String key : p.stringPropertyNames()) {
                boolean trainerKey = TrainerConfig.KEYS.contains(key)
                        || key.startsWith("early-stopping.")
                        || key.startsWith("plateau.")
                        || key.startsWith("schedule.");
                settings.put(trainerKey ? "model." + MODEL + "." + key : key, p.getProperty(key));
            }
        }
        return settings;
    }

    /** Streams the examples and follows the metrics topic until early stopping, the end of the data, or timeout. */
    private List<TrainingPoint> train(
            EddyApp app, EddyConfig config, DemoStream stream, long total, TrainerConfig trainer, PrintWriter out)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Exception> producerFailure = new AtomicReference<>();
        CountDownLatch produced = new CountDownLatch(1);
        Thread producer = new Thread(
                () -> {
                    try (ExampleProducer p = new ExampleProducer(
                            config.bootstrapServers(), config.topics().examples())) {
                        for (long i = 0; i < total && !stop.get(); i++) {
                            p.send(DemoExamples.example(stream, stream.next(), MODEL));
                        }
                        p.flush();
                    } catch (Exception e) {
                        producerFailure.set(e);
                    } finally {
                        produced.countDown();
                    }
                },
                "eddy-demo-producer");
        producer.setDaemon(true);
        producer.start();
        LiveProgress progress = new LiveProgress(out, System.console() != null, total, trainer.earlyStoppingPatience());
        LiveLeaderboard leaderboard =
                search == null ? null : new LiveLeaderboard(out, System.console() != null, MODEL, total);
        Map<String, List<TrainingPoint>> trialPoints = new HashMap<>();
        Consumer<ConsumerRecord<String, TrainingMetrics>> trialPoint = r -> {
            String id = r.value().getModelId().toString();
            if (id.startsWith(MODEL + "~t")) {
                trialPoints.computeIfAbsent(id, k -> new ArrayList<>()).add(TrainingPoint.of(r.value()));
            }
        };
        List<TrainingPoint> points = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        MeterRegistry registry = app.metrics().registry();
        try (KafkaConsumer<String, TrainingMetrics> consumer = metricsConsumer(config)) {
            List<TopicPartition> partitions = consumer
                    .partitionsFor(config.topics().metrics())
                    .stream()
                    .map(pi -> new TopicPartition(pi.topic(), pi.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            boolean stopped = false;
            long lastPoll = System.nanoTime();
            long lastExamples = 0;
            while (!stopped && System.nanoTime() < deadline) {
                List<TrainingPoint> batch = new ArrayList<>();
                for (ConsumerRecord<String, TrainingMetrics> r : consumer.poll(Duration.ofMillis(200))) {
                    if (MODEL.equals(r.value().getModelId().toString())) {
                        batch.add(TrainingPoint.of(r.value()));
                    } else {
                        trialPoint.accept(r);
                    }
                }
                long now = System.nanoTime();
                if (leaderboard != null) {
                    // A search's progress is its leaderboard (the decisions' records of <id> are in the report's
                    // trial plots of eddy evaluate, not here); throughput as below, from the examples counter.
                    long reached = (long) examplesReached(registry);
                    Optional<List<SearchTraining.Standing>> board = board(app);
                    if (board.isPresent()) {
                        finalBoard = board.get();
                        leaderboard.show(finalBoard, reached, (reached - lastExamples) / ((now - lastPoll) / 1e9));
                        lastPoll = now;
                        lastExamples = reached;
                    }
                } else {
                    if (batch.isEmpty()) {
                        continue;
                    }
                    // Throughput on the wall clock: examples between two polls that returned evaluations over the
                    // time between them (evaluations arrive per committed transaction, every commit.interval.ms).
                    long reached = batch.get(batch.size() - 1).examples();
                    double rate = (reached - lastExamples) / ((now - lastPoll) / 1e9);
                    lastPoll = now;
                    lastExamples = reached;
                    for (TrainingPoint p : batch) {
                        TrainingPoint measured = p.withExamplesPerSecond(rate);
                        points.add(measured);
                        progress.show(measured);
                        // A dataset's passes end at early stopping; an endless stream goes on (a drift re-arms).
                        stopped |= p.paused() && stream.rowsPerPass() > 0;
                    }
                }
                if (producerFailure.get() != null) {
                    throw producerFailure.get();
                }
                if (produced.getCount() == 0 && examplesReached(registry) >= total) {
                    break;
                }
            }
            if (leaderboard != null) {
                // Decisions on the last examples may have come after the last read, and the search's record is
                // written at each commit: the final leaderboard is the first that has every example scored.
                long reached = (long) examplesReached(registry);
                double rate = (reached - lastExamples) / ((System.nanoTime() - lastPoll) / 1e9);
                long grace = Math.min(deadline, System.nanoTime() + CHAMPION_GRACE.toNanos());
                Optional<List<SearchTraining.Standing>> last = board(app);
                while (!scoredAll(last, reached) && System.nanoTime() < grace) {
                    Thread.sleep(50);
                    last = board(app);
                }
                last.ifPresent(b -> {
                    finalBoard = b;
                    leaderboard.show(b, reached, rate);
                });
                // The trainer has every example, but the transaction with the champion's evaluations may still be
                // open (a loaded machine): read on until its run is there (a champion that never evaluated has none:
                // wait for a few commits at most), then up to what is committed now.
                Optional<String> champion = champion().map(c -> SearchTraining.trialId(MODEL, c.trial()));
                while (champion.isPresent() && !trialPoints.containsKey(champion.get()) && System.nanoTime() < grace) {
                    consumer.poll(Duration.ofMillis(200)).forEach(trialPoint);
                }
                readToCommittedEnd(consumer, partitions, deadline, trialPoint);
            }
        } finally {
            stop.set(true);
            progress.finish();
            if (leaderboard != null) {
                leaderboard.finish();
            }
        }
        // A search's summary and report follow the trial served at the end, over its whole run.
        champion()
                .ifPresent(c ->
                        points.addAll(trialPoints.getOrDefault(SearchTraining.trialId(MODEL, c.trial()), List.of())));
        if (points.isEmpty()) {
            Optional<SearchTraining.Standing> champion = champion();
            throw new IllegalStateException(
                    System.nanoTime() >= deadline || champion.isEmpty()
                            ? "no training metrics within " + timeoutSeconds + " s"
                            : "the search's champion "
                                    + SearchTraining.trialId(
                                            MODEL, champion.get().trial())
                                    + " published no evaluation (one every " + trainer.evalEvery()
                                    + " steps): stream more --examples");
        }
        return points;
    }

    /** The champion of the search's leaderboard when the demo last read it; empty without a search. */
    private Optional<SearchTraining.Standing> champion() {
        return finalBoard == null
                ? Optional.empty()
                : finalBoard.stream().filter(SearchTraining.Standing::champion).findFirst();
    }

    /** Polls until {@code consumer} reaches the partitions' end offsets of now (read_committed: the stable ones). */
    private static void readToCommittedEnd(
            KafkaConsumer<String, TrainingMetrics> consumer,
            List<TopicPartition> partitions,
            long deadline,
            Consumer<ConsumerRecord<String, TrainingMetrics>> handler) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (!EndOffsets.reached(consumer, end) && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(handler);
        }
    }

    /** Whether a live trial of the leaderboard has scored {@code examples} examples (each trial scores every one). */
    private static boolean scoredAll(Optional<List<SearchTraining.Standing>> board, long examples) {
        return board.map(b -> b.stream()
                                .mapToLong(SearchTraining.Standing::scored)
                                .max()
                                .orElse(0)
                        >= examples)
                .orElse(false);
    }

    /** The search's leaderboard as {@code GET /models/demo/trials} shows it; empty while it is not queryable. */
    private static Optional<List<SearchTraining.Standing>> board(EddyApp app) {
        try {
            return app.trials(MODEL);
        } catch (InvalidStateStoreException e) {
            return Optional.empty(); // rebalancing or restoring: the next poll asks again
        }
    }

    private static KafkaConsumer<String, TrainingMetrics> metricsConsumer(EddyConfig config) {
        Map<String, Object> c = new HashMap<>(config.kafkaProperties());
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "eddy-demo-progress");
        return new KafkaConsumer<>(
                c, new StringDeserializer(), AvroSerdes.trainingMetrics().deserializer());
    }

    /** Examples the trainer received so far (trained, counted while paused, held out). */
    private static double examplesReached(MeterRegistry registry) {
        double trained = registry.find("eddy.training.examples").tag("model", MODEL).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
        double holdout = registry.find("eddy.holdout.examples").tag("model", MODEL).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
        return trained + holdout;
    }

    /** An ensemble's members' test-then-train scores by member index (the gauges tagged member), else none. */
    private static List<Double> memberScores(MeterRegistry registry) {
        TreeMap<Integer, Double> scores = new TreeMap<>();
        for (String name : List.of("eddy.ensemble.member.accuracy", "eddy.ensemble.member.rmse")) {
            for (Gauge g : registry.find(name).tag("model", MODEL).gauges()) {
                scores.put(Integer.parseInt(g.getId().getTag("member")), g.value());
            }
        }
        return List.copyOf(scores.values());
    }

    private static long version(MeterRegistry registry) {
        Gauge g = registry.find("eddy.model.version").tag("model", MODEL).gauge();
        return g == null || Double.isNaN(g.value()) ? -1 : (long) g.value();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Runs the demo alone (the launcher registers it as {@code eddy demo}). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoCommand()).execute(args));
    }
}
