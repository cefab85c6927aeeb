package dev.eddy.reliability;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.train.Evaluation;
import dev.eddy.core.train.StepResult;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.state.ModelStatus;
import dev.eddy.topology.DeadLetterReason;
import dev.eddy.topology.FinalSnapshotTrigger;
import dev.eddy.topology.TrainingListener;
import dev.eddy.topology.TrainingTopology;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The production {@link TrainingTopology} in a {@link TopologyTestDriver}, with raw-byte input topics, typed output
 * topics and a listener that counts what reached the trainer and the dead-letter branch.
 */
final class DriverRun implements AutoCloseable {

    final EddyConfig config;
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> examples;
    final TestOutputTopic<String, ModelSnapshot> snapshots;
    final TestOutputTopic<String, TrainingMetrics> metrics;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    /** Training examples that reached a trainer (trained or counted while paused). */
    long trainExamples;
    /** Held-out examples that reached a trainer. */
    long holdoutExamples;
    /** Dead letters by reason, as the listener saw them. */
    final Map<DeadLetterReason, Long> deadLetterCounts = new EnumMap<>(DeadLetterReason.class);

    DriverRun(Map<String, String> settings, Path stateDir, TrainingListener downstream) {
        config = EddyConfig.of(settings);
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        TrainingListener counting = new Counting(downstream);
        driver = new TopologyTestDriver(
                TrainingTopology.build(config, counting, new FinalSnapshotTrigger()),
                props,
                Instant.ofEpochMilli(1_000_000));
        ByteArraySerializer bytes = new ByteArraySerializer();
        examples = driver.createInputTopic(config.topics().examples(), bytes, bytes);
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

    static byte[] encode(Example e) {
        return AvroSerdes.examples().serializer().serialize("t", e);
    }

    ModelStatus status(String modelId) {
        KeyValueStore<String, ModelStatus> store = driver.getKeyValueStore(TrainingTopology.STATUS_STORE);
        return store.get(modelId);
    }

    @Override
    public void close() {
        driver.close();
    }

    /** Counts, then passes every call on. */
    private final class Counting implements TrainingListener {
        private final TrainingListener next;

        Counting(TrainingListener next) {
            this.next = next;
        }

        @Override
        public void onExample(String modelId, boolean trained) {
            trainExamples++;
            next.onExample(modelId, trained);
        }

        @Override
        public void onHoldoutExample(String modelId) {
            holdoutExamples++;
            next.onHoldoutExample(modelId);
        }

        @Override
        public void onStep(String modelId, StepResult step, long examplesSeen, long nanos) {
            next.onStep(modelId, step, examplesSeen, nanos);
        }

        @Override
        public void onEvaluation(String modelId, TrainingMetrics m) {
            next.onEvaluation(modelId, m);
        }

        @Override
        public void onHoldoutEvaluation(String modelId, Evaluation evaluation) {
            next.onHoldoutEvaluation(modelId, evaluation);
        }

        @Override
        public void onSnapshot(String modelId, long version, SnapshotReason reason) {
            next.onSnapshot(modelId, version, reason);
        }

        @Override
        public void onDeadLetter(DeadLetterReason reason) {
            deadLetterCounts.merge(reason, 1L, Long::sum);
            next.onDeadLetter(reason);
        }

        @Override
        public void onPaused(String modelId, boolean paused) {
            next.onPaused(modelId, paused);
        }
    }
}
