package dev.eddy.serving;

import dev.eddy.config.EddyConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.Prediction;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.topology.FinalSnapshotTrigger;
import dev.eddy.topology.TrainingListener;
import dev.eddy.topology.TrainingTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The production pairing on a TopologyTestDriver: the training topology with scoring added, so snapshots the trainer
 * publishes reach the scorer's global store the way they do on a broker.
 */
final class ServingFixture implements AutoCloseable {

    /** A 2-input logistic regression trained by plain SGD, a snapshot after every step of 4 examples. */
    static Map<String, String> settings(String... modelIds) {
        return network("1:sigmoid", "binary_crossentropy", modelIds);
    }

    /** 2-input models of the given layers and loss, trained by SGD, a snapshot after every step of 4 examples. */
    static Map<String, String> network(String layers, String loss, String... modelIds) {
        Map<String, String> p = new HashMap<>();
        p.put("snapshot-every", "1");
        p.put("holdout.fraction", "0");
        p.put("serving.feature-order", "x0, x1");
        for (String id : modelIds) {
            p.put("model." + id + ".input-size", "2");
            p.put("model." + id + ".layers", layers);
            p.put("model." + id + ".loss", loss);
            p.put("model." + id + ".optimizer", "sgd");
            p.put("model." + id + ".learning-rate", "0.5");
            p.put("model." + id + ".batch-size", "4");
            p.put("model." + id + ".eval-every", "1000");
            p.put("model." + id + ".standardize", "false");
            p.put("model." + id + ".early-stopping.enabled", "false");
        }
        return p;
    }

    final EddyConfig config;
    final ServingConfig serving;
    final ModelCache cache = new ModelCache();
    final List<String> events = new ArrayList<>();
    /** The serving meters, fed the scorer's dead letters. */
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> examples;
    final TestInputTopic<byte[], byte[]> features;
    final TestInputTopic<String, ModelSnapshot> snapshotsIn;
    final TestOutputTopic<String, ModelSnapshot> snapshots;
    final TestOutputTopic<String, Prediction> predictions;
    final TestOutputTopic<byte[], byte[]> deadLetters;

    ServingFixture(Map<String, String> settings, Path stateDir) {
        config = EddyConfig.of(settings);
        serving = ServingConfig.of(config);
        ServingMetrics metrics = new ServingMetrics();
        metrics.bindTo(registry);
        ServingListener listener = new ServingListener() {
            @Override
            public void onDeadLetter(ScoringFailure reason) {
                metrics.onDeadLetter(reason);
            }

            @Override
            public void onSwap(String modelId, long version) {
                events.add("swap " + modelId + " v" + version);
            }

            @Override
            public void onRefused(String modelId, long version, String reason) {
                events.add("refused " + modelId + " v" + version);
            }

            @Override
            public void onSnapshotUnservable(String modelId, long version, String why) {
                events.add("unservable " + modelId + " v" + version);
            }

            @Override
            public void onSnapshotSkipped(String modelId, long version, String why) {
                events.add("skip " + modelId + " v" + version + ": " + why);
            }
        };
        // Wired as the application does: the quality gate (when enabled) between trainer and snapshot sink.
        QualityGate gate = QualityGate.of(config);
        Topology topology = ScoringTopology.addTo(
                TrainingTopology.build(
                        config,
                        TrainingListener.NONE,
                        new FinalSnapshotTrigger(),
                        gate.enabled() ? gate.supplier(listener) : null),
                serving,
                cache,
                listener);
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(1_000_000));
        ByteArraySerializer bytes = new ByteArraySerializer();
        examples = driver.createInputTopic(config.topics().examples(), bytes, bytes);
        features = driver.createInputTopic(serving.featuresTopic(), bytes, bytes);
        snapshotsIn = driver.createInputTopic(
                serving.snapshotsTopic(),
                new StringSerializer(),
                AvroSerdes.modelSnapshots().serializer());
        snapshots = driver.createOutputTopic(
                serving.snapshotsTopic(),
                new StringDeserializer(),
                AvroSerdes.modelSnapshots().deserializer());
        predictions = driver.createOutputTopic(
                serving.predictionsTopic(),
                new StringDeserializer(),
                AvroSerdes.predictions().deserializer());
        deadLetters = driver.createOutputTopic(
                serving.deadLettersTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Trains one step (4 labeled points of two blobs around ±(1, 1)) and returns the snapshot it published. */
    ModelSnapshot trainStep(String modelId, long seed) {
        pipeExamples(modelId, seed, 4);
        List<ModelSnapshot> published = snapshots.readValuesToList();
        if (published.size() != 1) {
            throw new AssertionError("expected one snapshot per step, got " + published.size());
        }
        return published.get(0);
    }

    /** Pipes {@code n} labeled points of two blobs around ±(1, 1). */
    void pipeExamples(String modelId, long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int k = random.nextInt(2);
            double c = k == 1 ? 1 : -1;
            Example e = Example.newBuilder()
                    .setId("train-" + seed + "-" + i)
                    .setModelId(modelId)
                    .setFeatures(List.of(c + random.nextGaussian(), c + random.nextGaussian()))
                    .setClassLabel(k)
                    .setTarget(null)
                    .setEventTime(Instant.ofEpochMilli(i))
                    .setWeight(null)
                    .build();
            examples.pipeInput(AvroSerdes.examples().serializer().serialize("t", e));
        }
    }

    /** Pipes an Avro feature record. */
    void score(String id, String modelId, double... x) {
        List<Double> values = new ArrayList<>();
        for (double v : x) {
            values.add(v);
        }
        Example e = Example.newBuilder()
                .setId(id)
                .setModelId(modelId)
                .setFeatures(values)
                .setClassLabel(null)
                .setTarget(null)
                .setEventTime(Instant.ofEpochMilli(0))
                .setWeight(null)
                .build();
        features.pipeInput(AvroSerdes.examples().serializer().serialize("t", e));
    }

    @Override
    public void close() {
        driver.close();
    }
}
