package dev.eddy.app;

import dev.eddy.config.EddyConfig;
import dev.eddy.config.EddyTopics;
import dev.eddy.config.Routing;
import dev.eddy.console.ConsolePage;
import dev.eddy.core.kernel.MatMul;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.history.HistoryFeed;
import dev.eddy.history.TrainingHistory;
import dev.eddy.io.ClusterContact;
import dev.eddy.io.Topics;
import dev.eddy.lifecycle.SnapshotLog;
import dev.eddy.metrics.MetricsServer;
import dev.eddy.metrics.PrometheusMetrics;
import dev.eddy.metrics.SearchTrialMeters;
import dev.eddy.metrics.TrainingMetricsBinder;
import dev.eddy.serving.ModelCache;
import dev.eddy.serving.QualityGate;
import dev.eddy.serving.ScoringTopology;
import dev.eddy.serving.ServingConfig;
import dev.eddy.serving.ServingMetrics;
import dev.eddy.state.ModelStatus;
import dev.eddy.status.ModelStatusHandler;
import dev.eddy.topology.FanOutTopic;
import dev.eddy.topology.FinalSnapshotTrigger;
import dev.eddy.topology.ModelPartitions;
import dev.eddy.topology.PublishedVersions;
import dev.eddy.topology.SearchTraining;
import dev.eddy.topology.TrainingTopology;
import dev.eddy.topology.TrialPlacement;
import dev.eddy.warmstart.ResolvedWarmStart;
import dev.eddy.warmstart.WarmStartResolver;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application: topics, the training topology on Kafka Streams with the quality gate on its snapshots,
 * the scoring topology (unless {@code serving.enabled=false}), and the HTTP endpoint with {@code /metrics},
 * the status API {@code /models} (with each model's recent history, {@code /models/{id}/history}, which a
 * {@link HistoryFeed} reads from the training-metrics topic) and the live console at {@code /}.
 *
 * <p>{@link #start} creates the missing topics (the snapshot topic compacted, with the record size limit of
 * {@link EddyConfig#snapshotTopicConfig()}; the others with the broker's defaults) and waits until each of their
 * partitions is writable, builds the topology with a {@link TrainingMetricsBinder} as its listener, starts Kafka
 * Streams and serves {@code /metrics}. A stream thread that dies of an unexpected exception is logged and replaced
 * (bad records never get that far: they go to the dead-letter topic), unless the same failure keeps killing threads
 * ({@link ThreadDeaths}): then Kafka Streams shuts down. With a fan-out topic, {@link FanOutPurge} deletes the
 * records of it that were consumed. {@link #close()} is the clean shutdown: it lets a rebalance in progress end (up to
 * 10 s), asks the trainers for FINAL snapshots, waits for them, then closes Kafka Streams, which commits them.
 */
public final class EddyApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EddyApp.class);

    /** How long topic creation and leader election may take. */
    static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);
    /** How long a clean shutdown waits for the FINAL snapshots. */
    static final Duration FINAL_SNAPSHOT_TIMEOUT = Duration.ofSeconds(10);
    /** How long a clean shutdown waits for a rebalance in progress to end before asking for FINAL snapshots. */
    static final Duration REBALANCE_TIMEOUT = Duration.ofSeconds(10);
    /** How long a clean shutdown waits for Kafka Streams to commit and close. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final EddyConfig config;
    private final TrialPlacement placement;
    private final List<String> createdTopics;
    private final PrometheusMetrics metrics;
    private final FinalSnapshotTrigger finals = new FinalSnapshotTrigger();
    private final KafkaStreams streams;
    /** The newest accepted model per id, as served; shared by the scorer and the status API. */
    private final ModelCache served = new ModelCache();

    private final CountDownLatch running = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final MetricsServer server;
    private final HistoryFeed historyFeed;
    /** Deletes the consumed fan-out records; null without a fan-out topic. */
    private final FanOutPurge fanOutPurge;
    /** The searches' leaderboards: what {@code GET /models/{id}/trials} answers. */
    private final ModelStatusHandler.Trials trials;

    private boolean closed;

    private EddyApp(
            EddyConfig config,
            ModelPartitions partitions,
            List<String> createdTopics,
            Map<String, ResolvedWarmStart> warmStarts,
            PrometheusMetrics metrics,
            MetricsServer server) {
        this.config = config;
        this.placement =
                TrialPlacement.of(config, config.routing() == Routing.DIRECT ? partitions : ModelPartitions.ONE);
        this.createdTopics = createdTopics;
        this.metrics = metrics;
        this.server = server;
        TrainingMetricsBinder training = metrics.bind(new TrainingMetricsBinder(config.models()));
        ServingMetrics serving = new ServingMetrics();
        serving.bindTo(metrics.registry());
        QualityGate gate = QualityGate.of(config);
        Topology topology = TrainingTopology.build(
                config,
                partitions,
                training,
                finals,
                gate.enabled() ? gate.supplier(serving) : null,
                warmStarts,
                new PublishedVersions(() -> SnapshotLog.highestVersions(config, TOPIC_TIMEOUT)));
        if (ServingConfig.enabled(config)) {
            ScoringTopology.addTo(topology, ServingConfig.of(config), served, serving);
        }
        // Each instance advertises its status API (kafka.application.server overrides), so that any instance can
        // answer for every model.
        Properties streamsProperties = config.streamsProperties();
        streamsProperties.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised(server.address()));
        this.streams = new KafkaStreams(topology, streamsProperties);
        HostInfo self =
                HostInfo.buildFromEndpoint(streamsProperties.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG));
        TrainingHistory history = new TrainingHistory();
        this.trials = ModelStatusHandler.Trials.of(streams, self, config);
        server.route(
                "/models", ModelStatusHandler.of(streams, config.models().keySet(), served, self, history, trials));
        ConsolePage.mount(server, history);
        SearchTrialMeters trialMeters =
                metrics.bind(new SearchTrialMeters(config.searches().keySet(), trials));
        server.beforeScrape(trialMeters::refresh);
        streams.setUncaughtExceptionHandler(new ThreadDeaths());
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            } else if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                terminated.countDown();
            }
        });
        metrics.bind(new KafkaStreamsMetrics(streams, Tags.of("application.id", config.applicationId())));
        Map<String, Object> kafka = new HashMap<>(config.kafkaProperties());
        kafka.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        this.historyFeed = HistoryFeed.start(
                kafka, config.applicationId() + "-history", config.topics().metrics(), history);
        this.fanOutPurge = partitions.partitioned()
                ? FanOutPurge.start(
                        kafka,
                        config.applicationId(),
                        FanOutTopic.of(config.applicationId()),
                        Duration.ofMillis(config.fanOutPurgeIntervalMs()))
                : null;
    }

    /**
     * Creates the missing topics, starts training and serves the metrics on {@code metricsAddress}.
     *
     * @param metricsAddress where {@code /metrics} is served; port 0 for any free port
     * @throws Exception when the cluster cannot be reached, a topic cannot be created, or the address not bound
     */
    public static EddyApp start(EddyConfig config, InetSocketAddress metricsAddress) throws Exception {
        return start(config, metricsAddress, LOG::info);
    }

    /**
     * {@link #start(EddyConfig, InetSocketAddress)}, reporting the warm starts resolved (and a wait for a source's
     * first snapshot) to {@code progress}, one line each, before training starts.
     *
     * @throws IllegalArgumentException naming the key when a warm start cannot be resolved (nothing is started)
     */
    public static EddyApp start(EddyConfig config, InetSocketAddress metricsAddress, Consumer<String> progress)
            throws Exception {
        try {
            LOG.info("matrix kernel: {}", MatMul.kernel()); // a bad -Deddy.kernel fails here, not in a stream thread
        } catch (ExceptionInInitializerError e) {
            throw new IllegalArgumentException(e.getCause().getMessage(), e.getCause());
        }
        PrometheusMetrics metrics = new PrometheusMetrics();
        MetricsServer server = null;
        EddyApp app = null;
        try {
            // bound first: a busy port refuses the start before anything is created on the cluster
            server = MetricsServer.start(metricsAddress, metrics.registry());
            Prepared prepared = prepare(config);
            Map<String, ResolvedWarmStart> warmStarts = new WarmStartResolver(
                            config, prepared.trainers(), () -> SnapshotLog.read(config, TOPIC_TIMEOUT), progress)
                    .resolve();
            app = new EddyApp(
                    config.with("routing", prepared.routing().name().toLowerCase(Locale.ROOT)),
                    prepared.partitions(),
                    prepared.created(),
                    warmStarts,
                    metrics,
                    server);
            app.streams.start();
        } catch (Exception | Error e) {
            if (app != null) {
                app.close();
            } else {
                if (server != null) {
                    server.close();
                }
                metrics.close();
            }
            throw e;
        }
        return app;
    }

    /** {@code host:port} of a bound address as other machines reach it: the host name for a wildcard bind. */
    private static String advertised(InetSocketAddress bound) {
        String host;
        if (bound.getAddress().isAnyLocalAddress()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "127.0.0.1";
            }
        } else {
            host = bound.getAddress().getHostAddress();
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort();
    }

    /**
     * The topics the topology reads and writes: what {@link #start} creates when they are missing.
     *
     * @param inputPartitions the partition count of missing input topics; empty for the broker's default
     */
    static List<NewTopic> topics(EddyConfig config, Optional<Integer> inputPartitions) {
        EddyTopics t = config.topics();
        List<NewTopic> topics = new ArrayList<>();
        for (String input : config.inputTopics()) {
            topics.add(new NewTopic(input, inputPartitions, Optional.empty()));
        }
        topics.add(defaults(t.snapshots()).configs(config.snapshotTopicConfig()));
        topics.add(defaults(t.metrics()));
        topics.add(defaults(t.deadLetters()));
        if (ServingConfig.enabled(config)) {
            ServingConfig serving = ServingConfig.of(config);
            topics.add(defaults(serving.featuresTopic()));
            topics.add(defaults(serving.predictionsTopic()));
        }
        return topics;
    }

    /**
     * Checks what the routing needs ({@link RoutingCheck}), then creates those of the application's topics that are
     * missing and waits until all their partitions are writable ({@link Topics#awaitWritable}: a producer starting
     * right after creation can otherwise lose its first batch).
     *
     * @return the names of the topics created
     */
    public static List<String> createTopics(EddyConfig config) throws Exception {
        return prepare(config).created();
    }

    /**
     * What a start found on the cluster: the topics it created, and the routing resolved ({@link RoutingCheck}).
     *
     * @param partitions the input partition count with direct routing, else {@link ModelPartitions#ONE}
     * @param trainers where the models train: the input partitions with direct routing, else the trainer-input
     *     topic's, which Kafka Streams gives the largest partition count of the input topics
     */
    record Prepared(List<String> created, Routing routing, ModelPartitions partitions, ModelPartitions trainers) {}

    /**
     * Waits for the cluster's first answer ({@link ClusterContact}), resolves the routing and checks the task count
     * ({@link RoutingCheck}) on the input topics as they will be, then creates the missing topics, so that a refused
     * start creates nothing: a missing input topic gets the partition count of the existing ones (when they agree),
     * so that direct routing stays possible, else one partition with {@code routing=direct} and the broker's default
     * otherwise; with direct routing on P &gt; 1 partitions, the fan-out topic ({@link FanOutTopic}) of P partitions.
     */
    static Prepared prepare(EddyConfig config) throws Exception {
        Map<String, Object> admin = new HashMap<>(config.kafkaProperties());
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        admin.put(AdminClientConfig.CLIENT_ID_CONFIG, config.applicationId() + "-topics");
        try (Admin client = Admin.create(admin)) {
            ClusterContact.await(client, config.bootstrapServers(), config.bootstrapTimeout());
            List<String> existing = new ArrayList<>(config.inputTopics());
            existing.retainAll(client.listTopics().names().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            Set<Integer> counts = Set.copyOf(RoutingCheck.partitionCounts(client, existing, TOPIC_TIMEOUT)
                    .values());
            Optional<Integer> inputPartitions = counts.size() == 1
                    ? Optional.of(counts.iterator().next())
                    : config.routing() == Routing.DIRECT ? Optional.of(1) : Optional.empty();
            List<NewTopic> topics = topics(config, inputPartitions);
            // the checks that can refuse the start see the input topics as they will be, before anything is created:
            // a refused start leaves the cluster as it found it
            Map<String, Integer> inputCounts =
                    new LinkedHashMap<>(Topics.partitionCounts(client, topics, TOPIC_TIMEOUT));
            inputCounts.keySet().retainAll(config.inputTopics());
            RoutingCheck.Decision decision = RoutingCheck.resolve(client, config, inputCounts, TOPIC_TIMEOUT);
            ModelPartitions trainers = decision.routing() == Routing.DIRECT
                    ? decision.partitions()
                    : new ModelPartitions(inputCounts.values().stream()
                            .mapToInt(Integer::intValue)
                            .max()
                            .orElse(1));
            RoutingCheck.checkTaskCount(
                    client, config, decision.routing(), trainers.count(), inputCounts, TOPIC_TIMEOUT);
            List<String> created = new ArrayList<>(Topics.createMissing(client, topics, TOPIC_TIMEOUT));
            if (decision.partitions().partitioned()) {
                String fanOut = FanOutTopic.of(config.applicationId());
                // a spread search relays its champion's snapshots and PBT's models through it
                ConfigEntry recordSize = new ConfigEntry(
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(config.snapshotMaxBytes()));
                // copies not yet trained must outlive any downtime; FanOutPurge deletes what was consumed
                ConfigEntry keep = new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, "-1");
                List<String> fanOutCreated = Topics.createMissing(
                        client,
                        List.of(new NewTopic(
                                        fanOut,
                                        Optional.of(decision.partitions().count()),
                                        Optional.empty())
                                .configs(Map.of(recordSize.name(), recordSize.value(), keep.name(), keep.value()))),
                        TOPIC_TIMEOUT);
                created.addAll(fanOutCreated);
                if (fanOutCreated.isEmpty()) {
                    // created before: by an earlier version (the broker's retention), or with another
                    // snapshot.max-bytes; altered only where it differs (a restart needs no ALTER_CONFIGS right)
                    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, fanOut);
                    Config current = client.describeConfigs(List.of(resource))
                            .all()
                            .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .get(resource);
                    List<ConfigEntry> wanted = new ArrayList<>(List.of(keep));
                    if (config.searches().values().stream().anyMatch(SearchConfig::spreads)) {
                        wanted.add(recordSize);
                    }
                    List<AlterConfigOp> ops = new ArrayList<>();
                    for (ConfigEntry entry : wanted) {
                        ConfigEntry now = current.get(entry.name());
                        if (now == null || !entry.value().equals(now.value())) {
                            ops.add(new AlterConfigOp(entry, AlterConfigOp.OpType.SET));
                        }
                    }
                    if (!ops.isEmpty()) {
                        client.incrementalAlterConfigs(Map.of(resource, ops))
                                .all()
                                .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    }
                }
            }
            return new Prepared(created, decision.routing(), decision.partitions(), trainers);
        }
    }

    private static NewTopic defaults(String name) {
        return new NewTopic(name, Optional.empty(), Optional.empty());
    }

    /** The configuration it runs with: as given, with {@code routing=auto} resolved to the routing it took. */
    public EddyConfig config() {
        return config;
    }

    /** Where the models and the trials of searches train ({@link TrialPlacement}). */
    public TrialPlacement placement() {
        return placement;
    }

    /** The topics {@link #start} created (those that existed are not listed). */
    public List<String> createdTopics() {
        return createdTopics;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The registry behind {@code /metrics}. */
    public PrometheusMetrics metrics() {
        return metrics;
    }

    /** The URL of the Prometheus scrape. */
    public URI metricsUri() {
        return server.uri(MetricsServer.METRICS_PATH);
    }

    /** The status API's URL: {@code /models} and {@code /models/{id}}. */
    public URI modelsUri() {
        return server.uri("/models");
    }

    /**
     * The leaderboard of model {@code modelId}'s search as {@code GET /models/{id}/trials} shows it, empty for a model
     * that is not a search or has taken no example yet.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     */
    public Optional<List<SearchTraining.Standing>> trials(String modelId) {
        return trials.of(modelId);
    }

    /** The live console's URL: the page at {@code /}. */
    public URI consoleUri() {
        return server.uri("/");
    }

    /** The HTTP endpoint, to add resources. */
    public MetricsServer server() {
        return server;
    }

    /** Waits until Kafka Streams first reaches RUNNING; false on timeout. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until Kafka Streams stopped (closed, or failed for good); false on timeout. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The state of Kafka Streams. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Clean shutdown: FINAL snapshots of the models this instance trains, then Kafka Streams commits and closes,
     * then the endpoint and the meters. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (runningAfterRebalance()) {
            publishFinalSnapshots();
        }
        if (!streams.close(CLOSE_TIMEOUT)) {
            LOG.warn("Kafka Streams did not close within {} s", CLOSE_TIMEOUT.toSeconds());
        }
        historyFeed.close();
        if (fanOutPurge != null) {
            fanOutPurge.close();
        }
        server.close();
        metrics.close();
    }

    /**
     * Whether Kafka Streams runs, waiting up to {@link #REBALANCE_TIMEOUT} while it rebalances (after a broker
     * restart or a member leaving or joining): only running tasks punctuate, so only they publish FINAL snapshots.
     */
    private boolean runningAfterRebalance() {
        long deadline = System.nanoTime() + REBALANCE_TIMEOUT.toNanos();
        while (streams.state() == KafkaStreams.State.REBALANCING && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    private void publishFinalSnapshots() {
        int models = localModels();
        finals.request();
        try {
            if (!finals.awaitPublished(models, FINAL_SNAPSHOT_TIMEOUT)) {
                LOG.warn(
                        "{} of {} FINAL snapshots published within {} s; closing anyway",
                        finals.publishedCount(),
                        models,
                        FINAL_SNAPSHOT_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Models whose status lives in this instance's tasks and that publish a FINAL snapshot (a search once): configured
     * ones only, as the trainers publish only for those (the status of a model removed from the configuration stays in
     * the store).
     */
    private int localModels() {
        try {
            ReadOnlyKeyValueStore<String, ModelStatus> status = streams.store(StoreQueryParameters.fromNameAndType(
                    TrainingTopology.STATUS_STORE, QueryableStoreTypes.<String, ModelStatus>keyValueStore()));
            try (KeyValueIterator<String, ModelStatus> it = status.all()) {
                Set<String> models = FinalSnapshotTrigger.publishingModels(it);
                models.retainAll(config.models().keySet());
                return models.size();
            }
        } catch (InvalidStateStoreException e) {
            LOG.warn("cannot count the models to snapshot ({}); closing without FINAL snapshots", e.getMessage());
            return 0;
        }
    }
}
