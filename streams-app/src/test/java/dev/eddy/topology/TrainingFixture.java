package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.state.ChunkedBytes;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.ModelStatusSerde;
import dev.eddy.warmstart.ResolvedWarmStart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/** A TopologyTestDriver running the production topology, with typed topics and example generators. */
final class TrainingFixture implements AutoCloseable {

    /** A 2-input logistic regression trained by plain SGD: small enough to reason about. */
    static Map<String, String> logisticModel(String id) {
        Map<String, String> p = new HashMap<>();
        p.put("model." + id + ".input-size", "2");
        p.put("model." + id + ".layers", "1:sigmoid");
        p.put("model." + id + ".loss", "binary_crossentropy");
        p.put("model." + id + ".optimizer", "sgd");
        p.put("model." + id + ".learning-rate", "0.1");
        p.put("model." + id + ".batch-size", "4");
        p.put("model." + id + ".eval-every", "1000");
        p.put("model." + id + ".standardize", "false");
        p.put("model." + id + ".early-stopping.enabled", "false");
        return p;
    }

    final EddyConfig config;
    final TopologyTestDriver driver;
    final FinalSnapshotTrigger finals = new FinalSnapshotTrigger();
    final List<String> events = new ArrayList<>();
    /** Every prequential score the listener heard, in order. */
    final List<Scored> scored = new ArrayList<>();
    /** The model id of every held-out example the listener heard, in order. */
    final List<String> heldOut = new ArrayList<>();

    final TestInputTopic<byte[], byte[]> examples;
    final TestInputTopic<byte[], byte[]> commands;
    final TestOutputTopic<String, ModelSnapshot> snapshots;
    /** Snapshots published on the snapshot topic from elsewhere: what the global snapshot store reads, if any. */
    final TestInputTopic<String, ModelSnapshot> snapshotsIn;

    final TestOutputTopic<String, TrainingMetrics> metrics;
    final TestOutputTopic<byte[], byte[]> deadLetters;

    TrainingFixture(Map<String, String> settings, Path stateDir) {
        this(settings, stateDir, null, Map.of(), ModelPartitions.ONE);
    }

    /**
     * The topology on input of {@code partitions} partitions, as the task of partition 0 runs it (the driver's
     * records are all of partition 0).
     */
    TrainingFixture(Map<String, String> settings, Path stateDir, ModelPartitions partitions) {
        this(settings, stateDir, null, Map.of(), partitions);
    }

    TrainingFixture(
            Map<String, String> settings,
            Path stateDir,
            FixedKeyProcessorSupplier<String, ModelSnapshot, ModelSnapshot> snapshotGate) {
        this(settings, stateDir, snapshotGate, Map.of(), ModelPartitions.ONE);
    }

    /** The topology whose models warm-start from the given resolved sources. */
    TrainingFixture(Map<String, String> settings, Path stateDir, Map<String, ResolvedWarmStart> warmStarts) {
        this(settings, stateDir, null, warmStarts, ModelPartitions.ONE);
    }

    private TrainingFixture(
            Map<String, String> settings,
            Path stateDir,
            FixedKeyProcessorSupplier<String, ModelSnapshot, ModelSnapshot> snapshotGate,
            Map<String, ResolvedWarmStart> warmStarts,
            ModelPartitions partitions) {
        // the training topology alone, as an application runs it with serving.enabled=false
        Map<String, String> trainingOnly = new HashMap<>(settings);
        trainingOnly.putIfAbsent("serving.enabled", "false");
        config = EddyConfig.of(trainingOnly);
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onPaused(String modelId, boolean paused) {
                events.add((paused ? "paused " : "resumed ") + modelId);
            }

            @Override
            public void onPrequential(
                    String modelId, double[] predicted, double[] labels, double metric, double windowMetric) {
                scored.add(new Scored(modelId, predicted.clone(), labels.clone(), metric, windowMetric));
            }

            @Override
            public void onHoldoutExample(String modelId) {
                heldOut.add(modelId);
            }

            @Override
            public void onDeadLetter(DeadLetterReason reason) {
                events.add("dead-letter " + reason.code());
            }
        };
        driver = new TopologyTestDriver(
                TrainingTopology.build(
                        config, partitions, listener, finals, snapshotGate, warmStarts, PublishedVersions.NONE),
                props,
                Instant.ofEpochMilli(1_000_000));
        ByteArraySerializer bytes = new ByteArraySerializer();
        examples = driver.createInputTopic(config.topics().examples(), bytes, bytes);
        commands = driver.createInputTopic(config.topics().commands(), bytes, bytes);
        snapshotsIn = driver.createInputTopic(
                config.topics().snapshots(),
                new StringSerializer(),
                AvroSerdes.modelSnapshots().serializer());
        snapshots = driver.createOutputTopic(
                config.topics().snapshots(),
                new StringDeserializer(),
                AvroSerdes.modelSnapshots().deserializer());
        metrics = driver.createOutputTopic(
                config.topics().metrics(),
                new StringDeserializer(),
                AvroSerdes.trainingMetrics().deserializer());
        deadLetters = driver.createOutputTopic(
                config.topics().deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Examples to pipe, then commands to send. */
    record Segment(List<Example> examples, List<String> commands) {}

    /** What a {@link #run} published and left: the snapshots, and the model's status and trainer state at the end. */
    record Run(List<ModelSnapshot> snapshots, ModelStatus status, byte[] trainerState) {}

    /**
     * Pipes the segments in order through one driver, or with {@code restartBetween} through a new driver per segment
     * restored from the changelogs of the one before (a restart between any two segments).
     */
    static Run run(
            Map<String, String> settings,
            Path stateDir,
            List<Segment> segments,
            boolean restartBetween,
            String modelId) {
        List<ModelSnapshot> snapshots = new ArrayList<>();
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs = null;
        TrainingFixture f = null;
        try {
            for (Segment segment : segments) {
                if (f == null) {
                    f = new TrainingFixture(settings, stateDir);
                    if (changelogs != null) {
                        f.restore(changelogs);
                    }
                }
                f.pipe(segment.examples());
                segment.commands().forEach(f::command);
                snapshots.addAll(f.snapshots.readValuesToList());
                if (restartBetween) {
                    changelogs = f.changelogs();
                    f.close();
                    f = null;
                }
            }
            if (f == null) {
                f = new TrainingFixture(settings, stateDir);
                f.restore(changelogs);
            }
            return new Run(snapshots, f.status(modelId), f.trainerState(modelId));
        } finally {
            if (f != null) {
                f.close();
            }
        }
    }

    /** One {@link TrainingListener#onPrequential} call. */
    record Scored(String modelId, double[] predicted, double[] labels, double metric, double windowMetric) {}

    /** Labeled points of two Gaussian blobs around (±1, ±1): class 1 when the point was drawn around (1, 1). */
    static List<Example> blobs(int n, long seed, String modelId) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = random.nextInt(2);
            double c = k == 1 ? 1 : -1;
            out.add(Example.newBuilder()
                    .setId("ex-" + seed + "-" + i)
                    .setModelId(modelId)
                    .setFeatures(List.of(c + random.nextGaussian(), c + random.nextGaussian()))
                    .setClassLabel(k)
                    .setTarget(null)
                    .setEventTime(Instant.ofEpochMilli(i))
                    .setWeight(null)
                    .build());
        }
        return out;
    }

    static byte[] encode(Example e) {
        return AvroSerdes.examples().serializer().serialize("t", e);
    }

    void pipe(List<Example> batch) {
        for (Example e : batch) {
            examples.pipeInput(encode(e));
        }
    }

    void command(String text) {
        commands.pipeInput(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The value of header {@code key} of a dead letter, or null. */
    static String header(TestRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    ModelStatus status(String modelId) {
        KeyValueStore<String, ModelStatus> store = driver.getKeyValueStore(TrainingTopology.STATUS_STORE);
        return store.get(modelId);
    }

    /** The model's trainer state as the stores hold it now. */
    byte[] trainerState(String modelId) {
        ModelStatus s = status(modelId);
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(TrainingTopology.TRAINER_STATE_STORE);
        return new ChunkedBytes(store, ChunkedBytes.DEFAULT_CHUNK_BYTES).read(modelId, s.stateChunks(), s.stateBytes());
    }

    int storedSlots(String storeName, String modelId) {
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(storeName);
        int n = 0;
        try (var it = store.prefixScan(modelId + "/", new org.apache.kafka.common.serialization.StringSerializer())) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    private static final List<String> STORES = List.of(
            TrainingTopology.TRAINER_STATE_STORE,
            TrainingTopology.PARTIAL_BATCH_STORE,
            TrainingTopology.HOLDOUT_STORE,
            TrainingTopology.STATUS_STORE);

    /**
     * The records this driver wrote to the changelog topics of the trainer's stores, by store name. (A
     * TopologyTestDriver deletes its state directory on close, so a restart is simulated the way Kafka Streams
     * restores a task on a new instance: by replaying the changelogs into empty stores.)
     */
    Map<String, List<KeyValue<byte[], byte[]>>> changelogs() {
        Map<String, List<KeyValue<byte[], byte[]>>> out = new HashMap<>();
        for (String store : STORES) {
            String topic = config.applicationId() + "-" + store + "-changelog";
            out.put(
                    store,
                    driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                            .readKeyValuesToList());
        }
        return out;
    }

    /** Restores the stores from changelog records of an earlier driver, before any input is piped. */
    void restore(Map<String, List<KeyValue<byte[], byte[]>>> changelogs) {
        StringDeserializer keys = new StringDeserializer();
        for (String name : STORES) {
            KeyValueStore<String, Object> store = driver.getKeyValueStore(name);
            for (KeyValue<byte[], byte[]> kv : changelogs.get(name)) {
                String key = keys.deserialize("", kv.key);
                Object value = kv.value == null
                        ? null
                        : name.equals(TrainingTopology.STATUS_STORE)
                                ? new ModelStatusSerde().deserialize("", kv.value)
                                : kv.value;
                store.put(key, value);
            }
        }
    }

    @Override
    public void close() {
        driver.close();
    }
}
