package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import dev.eddy.config.EddyTopics;
import dev.eddy.config.HoldoutMode;
import dev.eddy.config.Routing;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.serving.ServingConfig;
import dev.eddy.state.ModelStatusSerde;
import dev.eddy.state.PreCommit;
import dev.eddy.state.PreCommitStore;
import dev.eddy.warmstart.ResolvedWarmStart;
import dev.eddy.warmstart.SourceSnapshots;
import dev.eddy.warmstart.WarmStartResolver;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The exactly-once training topology.
 *
 * <pre>
 * examples ─► route-examples ─┐ (decode, validate per model, fan-out, holdout split by id hash, key = model id)
 * holdout ──► route-holdout ──┤ (holdout mode "topic" only)
 * commands ─► route-commands ─┤ (parse, validate, key = model id, "*" = every model)
 *                             ├─► dead-letter-sink ─► examples.dlq (original bytes, reason headers)
 *                             ├─► fan-out-sink ─► &lt;app&gt;-eddy-fan-out ─► route-fan-out ─┘ (direct, partitioned input)
 *                             └─► trainer-input repartition topic ─► trainer ─┬─► snapshot-sink ─► model-snapshots
 *                                 (routing=direct: no repartition topic)      ├─► metrics-sink ──► training-metrics
 *                                                                             └─► trainer-dead-letter-sink ─► examples.dlq
 *                                                                                 (stale-config, unknown-model)
 * </pre>
 *
 * <p><b>Design.</b> Everything a model's trainer consumes — training examples, held-out examples and commands —
 * travels one repartition topic keyed by model id, so one task owns each model and the order of that partition is
 * the only order the trainer ever sees; it is fixed once written (exactly-once), so replays after a crash repeat
 * the same batches, evaluations and snapshots. With {@code routing=direct} there is no repartition topic: the
 * trainer runs in the task of the input partitions (the input topics have one partition count P, checked at start by
 * {@code EddyApp}, which also resolves {@code routing=auto}; built here, auto is repartition), model m in the task of
 * partition {@link ModelPartitions#of p(m)}, where the examples keyed by m arrive; so each record crosses Kafka once;
 * the trainer sees the order of the examples partition, which the committed input offsets fix just as well. With
 * P &gt; 1 an example for several models, a command for {@code *} or for a model of another partition crosses Kafka
 * a second time at most once per partition hosting its models, through the fan-out topic ({@link FanOutTopic}),
 * which the same tasks read. Batch boundaries count examples, never time. The trainer keeps the
 * live {@code Trainer} in memory and writes, on every record, what changed to caching, changelogged stores: the
 * partial batch (a slot per example), the holdout ring (a slot per example), the trainer state after each step split
 * into chunks of at most 512 KiB (the 1,068,810-parameter Adam model 784-1024-256-10 has 25.7 MB of state: 49
 * records), and the small {@link dev.eddy.state.ModelStatus} (counters, snapshot version, chunk count), which says
 * how many chunks are current, so a reader never mixes two versions. The cache keeps only the last write
 * per key until the commit, so changelog traffic is bounded by the commit interval, not the batch rate; the cache
 * ({@code cache.max.bytes} / {@code num.stream.threads}) must hold the state of a thread's models. On restart a model is rebuilt from the
 * stores on its first record. Snapshot versions are part of the status and so strictly increase across restarts; a
 * model new to the application continues the versions of its id on the snapshot topic ({@link PublishedVersions}).
 *
 * <p><b>What is deterministic.</b> In holdout mode {@code split}, the trainer-input order of a model is the order of
 * the examples partitions interleaved by the upstream tasks; with one examples partition per model (or all examples
 * of a model in one partition) it is the examples order, so any run on the same input gives bit-identical
 * parameters. With several examples partitions feeding one model, or in holdout mode {@code topic}, the
 * interleaving of partitions/topics depends on record timestamps and fetch timing: each run is exact (every example
 * applied once, a crash changes nothing committed) but two separate runs may interleave differently. Commands take
 * effect at the point of the trainer-input stream where they land, which depends on timing the same way.
 *
 * <p><b>FINAL snapshots.</b> Kafka Streams forbids forwarding in {@code close()}; see {@link FinalSnapshotTrigger}.
 */
public final class TrainingTopology {

    /** Queryable {@code KeyValueStore<String, ModelStatus>}, key = model id. */
    public static final String STATUS_STORE = "eddy-model-status";
    /** Chunked trainer state, keys {@code <model>/<chunk>}. */
    public static final String TRAINER_STATE_STORE = "eddy-trainer-state";
    /** Partial mini-batches, keys {@code <model>/<slot>}. */
    public static final String PARTIAL_BATCH_STORE = "eddy-partial-batch";
    /** Holdout rings, keys {@code <model>/<slot>}. */
    public static final String HOLDOUT_STORE = "eddy-holdout-buffer";
    /** Appended to the model id to key a refused snapshot (model ids cannot contain '/'). */
    public static final String REFUSED_KEY_SUFFIX = "/refused";
    /** Name of the trainer-input repartition; the topic is {@code <application.id>-eddy-trainer-input-repartition}. */
    public static final String TRAINER_INPUT = "eddy-trainer-input";

    /** The trainer-input topic of application {@code applicationId} (with {@code routing=repartition}). */
    public static String trainerInputTopic(String applicationId) {
        return applicationId + "-" + TRAINER_INPUT + "-repartition";
    }

    private TrainingTopology() {}

    /** The topology without FINAL snapshots on shutdown and without a snapshot gate. */
    public static Topology build(EddyConfig config, TrainingListener listener) {
        return build(config, listener, new FinalSnapshotTrigger(), null);
    }

    /** The topology without a snapshot gate. */
    public static Topology build(EddyConfig config, TrainingListener listener, FinalSnapshotTrigger finals) {
        return build(config, listener, finals, null);
    }

    /** The topology for input topics of one partition (or {@code routing=repartition}). */
    public static Topology build(
            EddyConfig config,
            TrainingListener listener,
            FinalSnapshotTrigger finals,
            FixedKeyProcessorSupplier<String, ModelSnapshot, ModelSnapshot> snapshotGate) {
        return build(config, ModelPartitions.ONE, listener, finals, snapshotGate);
    }

    /**
     * The topology without warm starts, every model's versions from 0.
     *
     * @param partitions the partition count of the input topics, with {@code routing=direct}; else {@link
     *     ModelPartitions#ONE}
     * @param finals asks the trainers for FINAL snapshots before a clean shutdown
     * @param snapshotGate when not null, a processor (named {@code quality-gate}) that every snapshot passes on its
     *     way to the snapshot topic, in the trainer's task (e.g. {@code dev.eddy.serving.QualityGate}, which sets
     *     {@code accepted}); its supplier declares its own stores
     */
    public static Topology build(
            EddyConfig config,
            ModelPartitions partitions,
            TrainingListener listener,
            FinalSnapshotTrigger finals,
            FixedKeyProcessorSupplier<String, ModelSnapshot, ModelSnapshot> snapshotGate) {
        return build(config, partitions, listener, finals, snapshotGate, Map.of(), PublishedVersions.NONE);
    }

    /**
     * The topology whose models warm-start as {@code warmStarts} says and whose models new to the application continue
     * the versions {@code published} finds on the snapshot topic.
     *
     * @param warmStarts the warm starts of the models that have one, as {@link WarmStartResolver} resolved them at the
     *     start; every model of {@link EddyConfig#warmStarts()} must have one, except those awaiting the first
     *     snapshot of a model of this application ({@link TrainerProcessor}); their trainers read the snapshot topic
     *     through the global store {@link dev.eddy.serving.ScoringTopology#SNAPSHOT_STORE}, which the scoring
     *     topology adds when {@code serving.enabled} (add it: {@code ScoringTopology.addTo}), else this topology
     *     ({@link SourceSnapshots})
     * @param published the highest version of each model id on the snapshot topic, read the first time a model without
     *     a stored status opens ({@link PublishedVersions#NONE} for a topic without snapshots)
     * @throws IllegalArgumentException naming a model whose warm start was not resolved
     */
    public static Topology build(
            EddyConfig config,
            ModelPartitions partitions,
            TrainingListener listener,
            FinalSnapshotTrigger finals,
            FixedKeyProcessorSupplier<String, ModelSnapshot, ModelSnapshot> snapshotGate,
            Map<String, ResolvedWarmStart> warmStarts,
            PublishedVersions published) {
        for (String modelId : config.warmStarts().keySet()) {
            if (!warmStarts.containsKey(modelId)
                    && TrainerProcessor.awaitedSource(config, modelId).isEmpty()) {
                throw new IllegalArgumentException("model." + modelId + "."
                        + config.warmStarts().get(modelId).spec()
                        + " was not resolved: build the topology with the warm starts WarmStartResolver resolves");
            }
        }
        TrialPlacement placed =
                TrialPlacement.of(config, config.routing() == Routing.DIRECT ? partitions : ModelPartitions.ONE);
        boolean fanOut = placed.partitions().partitioned();
        EddyTopics topics = config.topics();
        StreamsBuilder builder = new StreamsBuilder();
        Consumed<byte[], byte[]> raw = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray());

        KStream<String, Routed> routed = builder.stream(topics.examples(), raw.withName("examples-source"))
                .process(
                        () -> new ExampleRouter(config, ExampleRouter.Source.EXAMPLES, placed, false, listener),
                        Named.as("route-examples"));
        if (config.holdoutMode() == HoldoutMode.TOPIC) {
            routed = routed.merge(
                    builder.stream(topics.holdout(), raw.withName("holdout-source"))
                            .process(
                                    () -> new ExampleRouter(
                                            config, ExampleRouter.Source.HOLDOUT, placed, false, listener),
                                    Named.as("route-holdout")),
                    Named.as("merge-holdout"));
        }
        routed = routed.merge(
                builder.stream(topics.commands(), raw.withName("commands-source"))
                        .process(() -> new CommandRouter(config, placed, false, listener), Named.as("route-commands")),
                Named.as("merge-commands"));
        String fanOutTopic = FanOutTopic.of(config.applicationId());
        if (fanOut) {
            routed = routed.merge(
                    builder.stream(fanOutTopic, raw.withName("fan-out-source"))
                            .process(() -> new FanOutRouter(config, placed, listener), Named.as("route-fan-out")),
                    Named.as("merge-fan-out"));
        }

        BranchedKStream<String, Routed> split = routed.split(Named.as("routed-"))
                .branch((k, v) -> v instanceof Routed.DeadLetter, Branched.as("dead-letters"));
        if (fanOut) {
            split = split.branch((k, v) -> v instanceof Routed.FanOut, Branched.as("fan-out"));
        }
        Map<String, KStream<String, Routed>> branches = split.defaultBranch(Branched.as("trainer-inputs"));
        if (fanOut) {
            toFanOut(branches.get("routed-fan-out"), fanOutTopic, "fan-out");
        }
        branches.get("routed-dead-letters")
                .map(
                        (k, v) -> {
                            Routed.DeadLetter d = (Routed.DeadLetter) v;
                            return KeyValue.pair(d.key(), d.value());
                        },
                        Named.as("dead-letter-unwrap"))
                .to(
                        topics.deadLetters(),
                        Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("dead-letter-sink"));

        KStream<String, TrainerInput> inputs =
                branches.get("routed-trainer-inputs").mapValues(v -> (TrainerInput) v, Named.as("as-trainer-input"));
        if (config.routing() != Routing.DIRECT) {
            inputs = inputs.repartition(
                    Repartitioned.with(Serdes.String(), new TrainerInputSerde()).withName(TRAINER_INPUT));
        }
        KStream<String, Object> outputs = inputs.process(
                new TrainerSupplier(config, placed, listener, finals, warmStarts, published, new PreCommit()),
                Named.as("trainer"));

        BranchedKStream<String, Object> trainerSplit = outputs.split(Named.as("trainer-output-"))
                .branch((k, v) -> v instanceof ModelSnapshot, Branched.as("snapshots"))
                .branch((k, v) -> v instanceof Routed.DeadLetter, Branched.as("dead-letters"));
        if (!placed.spread().isEmpty()) {
            trainerSplit = trainerSplit.branch((k, v) -> v instanceof Routed.FanOut, Branched.as("search"));
        }
        Map<String, KStream<String, Object>> out = trainerSplit.defaultBranch(Branched.as("metrics"));
        if (!placed.spread().isEmpty()) {
            toFanOut(out.get("trainer-output-search"), fanOutTopic, "search");
        }
        out.get("trainer-output-dead-letters")
                .map(
                        (k, v) -> {
                            Routed.DeadLetter d = (Routed.DeadLetter) v;
                            return KeyValue.pair(d.key(), d.value());
                        },
                        Named.as("trainer-dead-letter-unwrap"))
                .to(
                        topics.deadLetters(),
                        Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("trainer-dead-letter-sink"));
        KStream<String, ModelSnapshot> snapshots =
                out.get("trainer-output-snapshots").mapValues(v -> (ModelSnapshot) v, Named.as("as-snapshot"));
        if (snapshotGate != null) {
            // Compaction keeps the newest record per key: a refused snapshot under its own key never compacts away
            // the last accepted one, which serving restores from this topic.
            snapshots = snapshots
                    .processValues(snapshotGate, Named.as("quality-gate"))
                    .selectKey((k, v) -> v.getAccepted() ? k : k + REFUSED_KEY_SUFFIX, Named.as("refused-key"));
        }
        snapshots.to(
                topics.snapshots(),
                Produced.with(Serdes.String(), AvroSerdes.modelSnapshots()).withName("snapshot-sink"));
        out.get("trainer-output-metrics")
                .mapValues(v -> (TrainingMetrics) v, Named.as("as-metrics"))
                .to(
                        topics.metrics(),
                        Produced.with(Serdes.String(), AvroSerdes.trainingMetrics())
                                .withName("metrics-sink"));
        Topology topology = builder.build();
        SortedSet<String> sources = new TreeSet<>();
        for (String modelId : config.warmStarts().keySet()) {
            if (!warmStarts.containsKey(modelId)) {
                TrainerProcessor.awaitedSource(config, modelId).ifPresent(w -> sources.add(w.sourceModel()));
            }
        }
        if (!sources.isEmpty() && !ServingConfig.enabled(config)) {
            // Serving adds this global store itself (ScoringTopology.addTo): a topic feeds one global store only.
            SourceSnapshots.addTo(topology, topics.snapshots(), sources);
        }
        return topology;
    }

    /**
     * Writes the {@link Routed.FanOut} records of {@code stream} to the fan-out topic, each to its partition (the key
     * the partitioner reads), with its headers.
     */
    private static void toFanOut(KStream<String, ? extends Object> stream, String topic, String name) {
        stream.map(
                        (k, v) -> {
                            Routed.FanOut f = (Routed.FanOut) v;
                            return KeyValue.pair(f.partition(), f.value());
                        },
                        Named.as(name + "-unwrap"))
                .to(
                        topic,
                        Produced.with(Serdes.Integer(), Serdes.ByteArray())
                                .withStreamPartitioner((t, partition, value, count) -> Optional.of(Set.of(partition)))
                                .withName(name + "-sink"));
    }

    /** Supplies trainer processors and declares their stores. */
    private record TrainerSupplier(
            EddyConfig config,
            TrialPlacement placement,
            TrainingListener listener,
            FinalSnapshotTrigger finals,
            Map<String, ResolvedWarmStart> warmStarts,
            PublishedVersions published,
            PreCommit preCommit)
            implements ProcessorSupplier<String, TrainerInput, String, Object> {

        @Override
        public TrainerProcessor get() {
            return new TrainerProcessor(config, placement, listener, finals, warmStarts, published, preCommit);
        }

        /** The trainer's stores, each running the task's {@link PreCommit} action before its commit flush. */
        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(
                    bytesStore(TRAINER_STATE_STORE),
                    bytesStore(PARTIAL_BATCH_STORE),
                    bytesStore(HOLDOUT_STORE),
                    PreCommitStore.wrapping(
                            Stores.keyValueStoreBuilder(
                                            Stores.persistentKeyValueStore(STATUS_STORE),
                                            Serdes.String(),
                                            new ModelStatusSerde())
                                    .withCachingEnabled(),
                            preCommit));
        }

        private StoreBuilder<?> bytesStore(String name) {
            return PreCommitStore.wrapping(
                    Stores.keyValueStoreBuilder(
                                    Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                            .withCachingEnabled(),
                    preCommit);
        }
    }
}
