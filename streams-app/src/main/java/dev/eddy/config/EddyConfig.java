package dev.eddy.config;

import dev.eddy.core.search.SearchConfig;
import dev.eddy.core.search.SearchSpace;
import dev.eddy.core.search.TrialSearch;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.io.Topics;
import dev.eddy.warmstart.WarmStartConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The application's configuration: one properties file plus overrides (command-line flags), validated at start.
 *
 * <p>Keys (defaults in parentheses):
 *
 * <pre>
 * application.id (eddy)                bootstrap.servers (localhost:9092)      state.dir (Kafka Streams default)
 * topic.examples (eddy.examples)       topic.holdout (eddy.holdout)            topic.snapshots (eddy.model-snapshots)
 * topic.metrics (eddy.training-metrics) topic.dead-letters (eddy.examples.dlq) topic.commands (eddy.commands)
 * holdout.mode (split) = split|topic   holdout.fraction (0.1) in [0, 1)        holdout.buffer-size (1000) ≥ 1
 * snapshot-every (100) steps, 0 = only best/early-stop/final
 * routing (auto) = auto|repartition|direct   direct: no trainer-input topic, needs input topics of one partition
 *                                      count (with several, examples naming a model keyed by the model id);
 *                                      auto: direct where it can be (decided at start by {@code EddyApp})
 * prequential.enabled (true)           test-then-train score of every example before it is used (one extra forward pass)
 * prequential.window (1000) ≥ 1        examples in the windowed prequential metric
 * snapshot.max-bytes (67108864)        largest snapshot record: topic max.message.bytes, producer max.request.size
 * commit.interval.ms (100)             cache.max.bytes (134217728) state-store cache, must exceed the models' state
 * processing.guarantee (exactly_once_v2) = exactly_once_v2|at_least_once
 * topic.features (eddy.features)      topic.predictions (eddy.predictions)    serving.enabled (true)
 * serving.feature-order ("")           gate.enabled (false)  gate.metric (loss)  gate.tolerance (0) ≥ 0
 *                                      (serving and gate keys are read by dev.eddy.serving through {@link #value})
 * model.&lt;id&gt;.&lt;key&gt;                     a {@link TrainerConfig} key of model &lt;id&gt; (id: letters, digits, _ -)
 * model.&lt;id&gt;.warm-start.*            the model's warm start ({@link WarmStartConfig})
 * model.&lt;id&gt;.search.*                an online hyper-parameter search over trials of model &lt;id&gt; ({@link SearchConfig})
 * kafka.&lt;key&gt;                          passed to Kafka Streams and its clients unchanged (e.g. kafka.security.protocol)
 * </pre>
 *
 * <p>The commit interval trades snapshot freshness against changelog traffic: each commit writes every model's state
 * that changed since the last one (state bytes × commits/s). 100 ms (Kafka Streams' exactly-once default) keeps
 * snapshots under ~0.3 s behind the input for small models; for a 1M-parameter model (~25 MB of state) use 1000 ms
 * or more.
 *
 * <p>Kafka Streams runs with {@code max.task.idle.ms=-1} unless {@code kafka.max.task.idle.ms} says otherwise: the
 * trainer task processes examples as they come instead of waiting to order them by timestamp against the commands
 * topic, so a command is applied in its arrival order relative to the examples (as before, a matter of timing).
 *
 * <p>At least one model is required ({@link #load}); the client commands read the same file with {@link #forClients},
 * which ignores the {@code model.*} keys and needs no model. An unknown key or a bad value fails with an {@link
 * IllegalArgumentException} that names the key, the value and the allowed values or form.
 */
public final class EddyConfig {

    /** The defaults of every non-prefixed key. */
    public static final SortedMap<String, String> DEFAULTS =
            Collections.unmodifiableSortedMap(new TreeMap<>(Map.ofEntries(
                    Map.entry("application.id", "eddy"),
                    Map.entry("bootstrap.servers", "localhost:9092"),
                    Map.entry("bootstrap.timeout-ms", "15000"),
                    Map.entry("state.dir", ""),
                    Map.entry("topic.examples", Topics.EXAMPLES),
                    Map.entry("topic.holdout", Topics.HOLDOUT),
                    Map.entry("topic.snapshots", Topics.MODEL_SNAPSHOTS),
                    Map.entry("topic.metrics", Topics.TRAINING_METRICS),
                    Map.entry("topic.dead-letters", Topics.EXAMPLES_DLQ),
                    Map.entry("topic.commands", Topics.COMMANDS),
                    Map.entry("topic.features", Topics.FEATURES),
                    Map.entry("topic.predictions", Topics.PREDICTIONS),
                    Map.entry("serving.enabled", "true"),
                    Map.entry("serving.feature-order", ""),
                    Map.entry("gate.enabled", "false"),
                    Map.entry("gate.metric", "loss"),
                    Map.entry("gate.tolerance", "0"),
                    Map.entry("holdout.mode", "split"),
                    Map.entry("routing", "auto"),
                    Map.entry("fan-out.purge-interval-ms", "30000"),
                    Map.entry("holdout.fraction", "0.1"),
                    Map.entry("holdout.buffer-size", "1000"),
                    Map.entry("snapshot-every", "100"),
                    Map.entry("prequential.enabled", "true"),
                    Map.entry("prequential.window", "1000"),
                    Map.entry("snapshot.max-bytes", Integer.toString(Topics.MAX_SNAPSHOT_BYTES)),
                    Map.entry("commit.interval.ms", "100"),
                    Map.entry("cache.max.bytes", "134217728"),
                    Map.entry("processing.guarantee", StreamsConfig.EXACTLY_ONCE_V2))));

    private static final String MODEL_PREFIX = "model.";
    private static final String SEARCH_PREFIX = "search.";
    private static final String KAFKA_PREFIX = "kafka.";
    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9_-]+");
    private static final List<String> GUARANTEES = List.of(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE);

    private final Map<String, String> raw;
    private final boolean forClients;
    private final Map<String, String> values;
    private final EddyTopics topics;
    private final HoldoutMode holdoutMode;
    private final Routing routing;
    private final double holdoutFraction;
    private final int holdoutBufferSize;
    private final long snapshotEvery;
    private final boolean prequentialEnabled;
    private final int prequentialWindow;
    private final int snapshotMaxBytes;
    private final long commitIntervalMs;
    private final long fanOutPurgeIntervalMs;
    private final Duration bootstrapTimeout;
    private final long cacheMaxBytes;
    private final SortedMap<String, TrainerConfig> models;
    private final SortedMap<String, WarmStartConfig> warmStarts;
    private final SortedMap<String, SearchConfig> searches;
    /** Per model id, its trainer keys as written (without {@code search.*}): what a trial's keys go over. */
    private final Map<String, Map<String, String>> modelKeys;

    private final SortedMap<String, String> kafka;

    private EddyConfig(Map<String, String> raw, boolean forClients) {
        this.raw = Map.copyOf(raw);
        this.forClients = forClients;
        Map<String, String> merged = new HashMap<>(DEFAULTS);
        Map<String, Map<String, String>> modelProps = new TreeMap<>();
        Map<String, Map<String, String>> warmStartProps = new HashMap<>();
        Map<String, Map<String, String>> searchProps = new HashMap<>();
        SortedMap<String, String> kafkaProps = new TreeMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String key = e.getKey().strip();
            String value = e.getValue().strip();
            if (key.startsWith(MODEL_PREFIX) && forClients) {
                continue; // the application's models, of no concern to a client
            } else if (key.startsWith(MODEL_PREFIX)) {
                int dot = key.indexOf('.', MODEL_PREFIX.length());
                String id = dot < 0 ? "" : key.substring(MODEL_PREFIX.length(), dot);
                if (!MODEL_ID.matcher(id).matches() || dot == key.length() - 1) {
                    throw new IllegalArgumentException("bad key '" + key
                            + "': expected model.<id>.<trainer-key> with <id> of letters," + " digits, '_' or '-'");
                }
                String modelKey = key.substring(dot + 1);
                modelProps.computeIfAbsent(id, k -> new HashMap<>());
                (WarmStartConfig.owns(modelKey)
                                ? warmStartProps
                                : modelKey.startsWith(SEARCH_PREFIX) ? searchProps : modelProps)
                        .computeIfAbsent(id, k -> new HashMap<>())
                        .put(modelKey, value);
            } else if (key.equals(KAFKA_PREFIX + "bootstrap.servers")) {
                // it would reach the clients but not the choice of an embedded broker, nor the errors naming the
                // cluster
                throw new IllegalArgumentException("'" + key + "' is not passed to the Kafka clients: set"
                        + " bootstrap.servers (or --bootstrap-servers) to " + value);
            } else if (key.startsWith(KAFKA_PREFIX) && key.length() > KAFKA_PREFIX.length()) {
                kafkaProps.put(key.substring(KAFKA_PREFIX.length()), value);
            } else if (DEFAULTS.containsKey(key)) {
                merged.put(key, value);
            } else {
                throw new IllegalArgumentException("unknown key '" + key + "'; allowed: "
                        + String.join(", ", DEFAULTS.keySet()) + ", model.<id>.<trainer-key> ("
                        + String.join(", ", TrainerConfig.KEYS) + "), kafka.<client-key>");
            }
        }
        this.values = Map.copyOf(merged);
        this.topics = new EddyTopics(
                nonEmpty("topic.examples"),
                nonEmpty("topic.holdout"),
                nonEmpty("topic.snapshots"),
                nonEmpty("topic.metrics"),
                nonEmpty("topic.dead-letters"),
                nonEmpty("topic.commands"));
        nonEmpty("application.id");
        nonEmpty("bootstrap.servers");
        this.bootstrapTimeout = Duration.ofMillis(longAtLeast("bootstrap.timeout-ms", 1000, Integer.MAX_VALUE));
        this.holdoutMode = holdoutMode(values.get("holdout.mode"));
        this.routing = Routing.of(values.get("routing"));
        this.holdoutFraction = fraction("holdout.fraction");
        this.holdoutBufferSize = (int) longAtLeast("holdout.buffer-size", 1, Integer.MAX_VALUE);
        this.snapshotEvery = longAtLeast("snapshot-every", 0, Long.MAX_VALUE);
        bool("prequential.enabled");
        this.prequentialEnabled = Boolean.parseBoolean(values.get("prequential.enabled"));
        this.prequentialWindow = (int) longAtLeast("prequential.window", 1, Integer.MAX_VALUE);
        this.snapshotMaxBytes = (int) longAtLeast("snapshot.max-bytes", 1 << 20, Integer.MAX_VALUE);
        this.commitIntervalMs = longAtLeast("commit.interval.ms", 1, Long.MAX_VALUE);
        this.fanOutPurgeIntervalMs = longAtLeast("fan-out.purge-interval-ms", 1000, Long.MAX_VALUE);
        this.cacheMaxBytes = longAtLeast("cache.max.bytes", 0, Long.MAX_VALUE);
        bool("serving.enabled");
        bool("gate.enabled");
        nonEmpty("gate.metric");
        nonNegative("gate.tolerance");
        String guarantee = values.get("processing.guarantee");
        if (!GUARANTEES.contains(guarantee)) {
            throw new IllegalArgumentException(
                    "processing.guarantee must be one of " + GUARANTEES + ", got '" + guarantee + "'");
        }
        if (modelProps.isEmpty() && !forClients) {
            throw new IllegalArgumentException(
                    "no model configured: add at least model.<id>.input-size and model.<id>.layers");
        }
        SortedMap<String, TrainerConfig> parsed = new TreeMap<>();
        SortedMap<String, WarmStartConfig> warm = new TreeMap<>();
        for (Map.Entry<String, Map<String, String>> m : modelProps.entrySet()) {
            TrainerConfig model;
            try {
                if (!warmStartProps.containsKey(m.getKey())) {
                    // a warm start copies a served output layer, which is in the target's units
                    m.setValue(TrainerConfig.withNewModelDefaults(m.getValue()));
                }
                if (!prequentialEnabled) {
                    refuseDriftKeys(m.getValue().keySet(), "");
                }
                model = TrainerConfig.fromProperties(m.getValue());
                String refusal = model.newConfigurationRefusal();
                if (refusal != null) {
                    throw new IllegalArgumentException(refusal);
                }
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("model." + m.getKey() + ": " + ex.getMessage(), ex);
            }
            parsed.put(m.getKey(), model);
            WarmStartConfig.of(m.getKey(), warmStartProps.getOrDefault(m.getKey(), Map.of()), model)
                    .ifPresent(w -> warm.put(m.getKey(), w));
        }
        warm.forEach((id, w) -> {
            // a warm start copies the layers of one network into one network
            String prefix = MODEL_PREFIX + id + ".";
            if (parsed.get(id).ensemble().enabled()) {
                throw new IllegalArgumentException(prefix + "ensemble cannot combine with " + prefix + w.spec()
                        + ": a warm start copies one network's layers, and an ensemble's members start fresh");
            }
            TrainerConfig source = w.sourceModel() == null ? null : parsed.get(w.sourceModel());
            if (source != null && source.ensemble().enabled()) {
                throw new IllegalArgumentException(prefix + w.spec() + " names model '" + w.sourceModel()
                        + "', an ensemble (" + MODEL_PREFIX + w.sourceModel() + ".ensemble="
                        + source.ensemble().kind().key()
                        + "): a warm start copies one network's layers");
            }
        });
        this.models = Collections.unmodifiableSortedMap(parsed);
        this.warmStarts = Collections.unmodifiableSortedMap(warm);
        this.modelKeys = Map.copyOf(modelProps);
        SortedMap<String, SearchConfig> searched = new TreeMap<>();
        for (Map.Entry<String, Map<String, String>> m : searchProps.entrySet()) {
            searched.put(m.getKey(), search(m.getKey(), m.getValue()));
        }
        this.searches = Collections.unmodifiableSortedMap(searched);
        this.kafka = Collections.unmodifiableSortedMap(kafkaProps);
    }

    /**
     * Reads {@code file} (a properties file; {@code null} for none) and applies {@code overrides} on top.
     *
     * @throws IllegalArgumentException for an unknown key or a bad value, or an unreadable file
     */
    public static EddyConfig load(Path file, Map<String, String> overrides) {
        return new EddyConfig(read(file, overrides), false);
    }

    /**
     * The configuration of a client command ({@code produce}, {@code topics}, {@code stream}, {@code snapshots},
     * {@code export}, {@code predict}): {@code file} and {@code overrides} as for {@link #load}, validated the same
     * way, but the {@code model.*} keys are ignored and no model is required. The commands use {@link
     * #bootstrapServers}, the {@code topic.*} names, {@code snapshot.max-bytes} and {@link #kafkaProperties}.
     *
     * @throws IllegalArgumentException for an unknown key or a bad value, or an unreadable file
     */
    public static EddyConfig forClients(Path file, Map<String, String> overrides) {
        return new EddyConfig(read(file, overrides), true);
    }

    /** The properties of {@code file} ({@code null} for none) with {@code overrides} applied on top. */
    private static Map<String, String> read(Path file, Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>();
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
            }
            p.stringPropertyNames().forEach(k -> all.put(k, p.getProperty(k)));
        }
        all.putAll(overrides);
        return all;
    }

    /** This configuration with {@code key} set to {@code value}, validated as a whole again. */
    public EddyConfig with(String key, String value) {
        Map<String, String> changed = new HashMap<>(raw);
        changed.put(key, value);
        return new EddyConfig(changed, forClients);
    }

    /** The configuration given as key/value pairs. */
    public static EddyConfig of(Map<String, String> properties) {
        return new EddyConfig(properties, false);
    }

    /** Whether the file or the overrides give {@code key} (else its value is the default). */
    public boolean isSet(String key) {
        return raw.containsKey(key);
    }

    /**
     * The value of a non-prefixed key (see the class documentation), the default when not configured.
     *
     * @throws IllegalArgumentException for a key that is not one of {@link #DEFAULTS}
     */
    public String value(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException(
                    "unknown key '" + key + "'; allowed: " + String.join(", ", DEFAULTS.keySet()));
        }
        return v;
    }

    public String applicationId() {
        return values.get("application.id");
    }

    public String bootstrapServers() {
        return values.get("bootstrap.servers");
    }

    /** How long a command waits for the cluster's first answer ({@code bootstrap.timeout-ms}). */
    public Duration bootstrapTimeout() {
        return bootstrapTimeout;
    }

    public EddyTopics topics() {
        return topics;
    }

    public HoldoutMode holdoutMode() {
        return holdoutMode;
    }

    /**
     * The routing of trainer inputs; {@code TrainingTopology} builds {@link Routing#AUTO} as {@link Routing#REPARTITION}
     * (it cannot see the topics), {@code EddyApp} resolves it against the cluster first.
     */
    public Routing routing() {
        return routing;
    }

    /** The topics the trainers read: examples, commands, and holdout in mode {@link HoldoutMode#TOPIC}. */
    public List<String> inputTopics() {
        return holdoutMode == HoldoutMode.TOPIC
                ? List.of(topics.examples(), topics.commands(), topics.holdout())
                : List.of(topics.examples(), topics.commands());
    }

    /** Fraction f of example ids held out in {@link HoldoutMode#SPLIT} mode. */
    public double holdoutFraction() {
        return holdoutFraction;
    }

    /** N: the holdout buffer keeps the N most recent held-out examples per model. */
    public int holdoutBufferSize() {
        return holdoutBufferSize;
    }

    /** A periodic snapshot is published every this many optimizer steps; 0 disables periodic snapshots. */
    public long snapshotEvery() {
        return snapshotEvery;
    }

    /**
     * Refuses {@code drift.*} keys while nothing is scored before training: a detector would watch no error (the
     * model's drift handling is off, whatever its configured detector; its status says {@code none}).
     */
    private static void refuseDriftKeys(Collection<String> keys, String prefix) {
        for (String key : new TreeSet<>(keys)) {
            if (key.startsWith("drift.")) {
                throw new IllegalArgumentException(prefix + key + " needs prequential.enabled=true: drift handling"
                        + " watches the errors of the examples scored before training, and without them it is off;"
                        + " set prequential.enabled=true or remove the key");
            }
        }
    }

    /**
     * Whether the trainer scores each mini-batch with the current model before its optimizer step (prequential,
     * test-then-train evaluation) and reports the running accuracy (classification) or RMSE (regression).
     */
    public boolean prequentialEnabled() {
        return prequentialEnabled;
    }

    /** Examples in the windowed prequential metric. */
    public int prequentialWindow() {
        return prequentialWindow;
    }

    public long commitIntervalMs() {
        return commitIntervalMs;
    }

    /** How often the records of the fan-out topic that every task has read are deleted ({@code FanOutPurge}). */
    public long fanOutPurgeIntervalMs() {
        return fanOutPurgeIntervalMs;
    }

    public String processingGuarantee() {
        return values.get("processing.guarantee");
    }

    /** The configured models by id, sorted by id. */
    public SortedMap<String, TrainerConfig> models() {
        return models;
    }

    /**
     * The search section of model {@code id}, checked at start: {@link SearchConfig#parse}, the strategy, and every
     * first trial's configuration; a search trains its trials cold, ranks them by a metric the model computes and
     * serves its champion alone ({@code search.ensemble-top} is {@code eddy evaluate}'s).
     */
    private SearchConfig search(String id, Map<String, String> keys) {
        String prefix = MODEL_PREFIX + id + ".";
        SearchConfig search;
        try {
            search = SearchConfig.parse(keys).orElseThrow();
            TrialSearch.of(search, true);
            search.checkMetricFor(!models.get(id).classification());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + e.getMessage(), e);
        }
        if (search.ensembleTop() > 1) {
            // the vote of the best trials is LocalSearch's (SearchTraining.serve); the app publishes champion snapshots
            throw new IllegalArgumentException(prefix + "search.ensemble-top=" + search.ensembleTop()
                    + " applies to eddy evaluate only: eddy run serves the search's champion alone; remove the key or"
                    + " set it to 1");
        }
        if (warmStarts.containsKey(id)) {
            throw new IllegalArgumentException(prefix + "search.* cannot combine with " + prefix
                    + warmStarts.get(id).spec() + ": every trial of a search starts cold");
        }
        if (!prequentialEnabled) {
            refuseDriftKeys(search.space().keys(), prefix + "search.space.");
        }
        if (search.metric().equals("prequential") && !prequentialEnabled) {
            throw new IllegalArgumentException(prefix + "search.metric=prequential needs prequential.enabled=true;"
                    + " set prequential.enabled=true or a search.metric of holdout_<metric>");
        }
        for (SortedMap<String, String> trial : search.initialTrials()) {
            refuseAsNew(id, trial);
        }
        // a later trial draws from the whole space (a resample, PBT's explore within the bounds): its extremes too
        for (SearchSpace.Dimension d : search.space().dimensions()) {
            for (String value : d.extremes()) {
                refuseAsNew(id, new TreeMap<>(Map.of(d.key(), value)));
            }
        }
        return search;
    }

    /** A trial of model {@code id}'s search as a configuration started today ({@link #trialModel}). */
    private void refuseAsNew(String id, SortedMap<String, String> trialKeys) {
        String refusal = trialModel(id, trialKeys).newConfigurationRefusal();
        if (refusal != null) {
            throw new IllegalArgumentException(MODEL_PREFIX + id + " (search trial " + trialKeys + "): " + refusal);
        }
    }

    /** The models that are searched ({@code model.<id>.search.*}), by model id. */
    public SortedMap<String, SearchConfig> searches() {
        return searches;
    }

    /**
     * The configuration of one trial of model {@code id}'s search: the model's keys with the trial's over them. A
     * searched {@code layers} lists the hidden layers only (as in {@code eddy evaluate} and the default space): the
     * model's output layer, the last entry of {@code model.<id>.layers}, is appended.
     *
     * @throws IllegalArgumentException naming the model and the trial's keys when they do not make a valid model
     */
    public TrainerConfig trialModel(String id, SortedMap<String, String> trialKeys) {
        Map<String, String> keys = new HashMap<>(modelKeys.get(id));
        keys.putAll(trialKeys);
        String hidden = trialKeys.get("layers");
        if (hidden != null) {
            String layers = modelKeys.get(id).getOrDefault("layers", "");
            String output = layers.substring(layers.lastIndexOf(',') + 1);
            keys.put("layers", hidden.isBlank() ? output : hidden + "," + output);
        }
        try {
            return TrainerConfig.fromProperties(keys);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    MODEL_PREFIX + id + " (search trial " + trialKeys + "): " + e.getMessage(), e);
        }
    }

    /** The warm starts of the models that have one ({@code model.<id>.warm-start.*}), by model id. */
    public SortedMap<String, WarmStartConfig> warmStarts() {
        return warmStarts;
    }

    /**
     * The configured name of the topic whose default name is {@code defaultName}, e.g. {@code topic.examples} for
     * {@link Topics#EXAMPLES}.
     *
     * @throws IllegalArgumentException if no {@code topic.*} key has that default
     */
    public String topicNamed(String defaultName) {
        return DEFAULTS.entrySet().stream()
                .filter(e -> e.getKey().startsWith("topic.") && e.getValue().equals(defaultName))
                .map(e -> values.get(e.getKey()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "no topic.* key has the default '" + defaultName + "'; expected one of " + DEFAULTS));
    }

    /** The largest snapshot record, {@code snapshot.max-bytes}. */
    public int snapshotMaxBytes() {
        return snapshotMaxBytes;
    }

    /**
     * The properties every Kafka client of a command starts from: {@code bootstrap.servers}, then the {@code kafka.*}
     * keys, which win.
     */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrapServers());
        p.putAll(kafka);
        return p;
    }

    /** The {@code kafka.*} pass-through properties, prefix removed. */
    public SortedMap<String, String> kafkaProperties() {
        return kafka;
    }

    /** Topic configs the snapshot topic needs: compaction and a record size limit fitting the largest snapshot. */
    public Map<String, String> snapshotTopicConfig() {
        return Topics.snapshotConfig(snapshotMaxBytes);
    }

    /**
     * The complete Kafka Streams properties. Producer {@code max.request.size} and {@code buffer.memory} and consumer
     * fetch sizes are raised to {@code snapshot.max-bytes} so a snapshot of a large model fits one record; the
     * state-store cache ({@code cache.max.bytes}, split evenly over {@code num.stream.threads}) must give each thread
     * more than the state of the models it trains, so that only the last write per commit interval reaches the
     * changelogs (an evicted entry is written at once). {@code max.task.idle.ms} is -1: a task never waits to
     * order the records of its input partitions by timestamp, so the trainer task does not hold back examples while
     * the (mostly empty) commands topic has nothing buffered; commands are applied in the order they arrive relative
     * to the examples (which was already timing-dependent). {@code kafka.*} keys are applied last and win.
     */
    public Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(commitIntervalMs));
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Long.toString(cacheMaxBytes));
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
        if (!values.get("state.dir").isEmpty()) {
            p.put(StreamsConfig.STATE_DIR_CONFIG, values.get("state.dir"));
        }
        String max = Integer.toString(snapshotMaxBytes);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), max);
        p.put(
                StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG),
                Long.toString(Math.max(32L << 20, 2L * snapshotMaxBytes)));
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), max);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), max);
        p.putAll(kafka);
        return p;
    }

    private String nonEmpty(String key) {
        String v = values.get(key);
        if (v.isEmpty()) {
            throw new IllegalArgumentException(key + " must not be empty");
        }
        return v;
    }

    private void bool(String key) {
        String v = values.get(key);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
        }
    }

    private void nonNegative(String key) {
        String v = values.get(key);
        double x;
        try {
            x = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number >= 0, got '" + v + "'", e);
        }
        if (!(x >= 0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException(key + " must be a finite number >= 0, got " + v);
        }
    }

    private static HoldoutMode holdoutMode(String v) {
        try {
            return HoldoutMode.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("holdout.mode must be one of split, topic; got '" + v + "'", e);
        }
    }

    private double fraction(String key) {
        String v = values.get(key);
        double f;
        try {
            f = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number in [0, 1), got '" + v + "'", e);
        }
        if (!(f >= 0 && f < 1)) {
            throw new IllegalArgumentException(key + " must be in [0, 1), got " + v);
        }
        return f;
    }

    private long longAtLeast(String key, long min, long max) {
        String v = values.get(key);
        long x;
        try {
            x = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    key + " must be an integer in [" + min + ", " + max + "], got '" + v + "'", e);
        }
        if (x < min || x > max) {
            throw new IllegalArgumentException(key + " must be an integer in [" + min + ", " + max + "], got " + v);
        }
        return x;
    }
}
