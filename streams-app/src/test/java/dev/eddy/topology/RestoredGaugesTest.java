package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.config.EddyConfig;
import dev.eddy.metrics.TrainingMetricsBinder;
import dev.eddy.schema.Example;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.ModelStatusSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gauges of a model opened from its stores (a restart, a rebalance) say where it stands at once. */
class RestoredGaugesTest {

    @TempDir
    Path dir;

    private static final List<String> STORES = List.of(
            TrainingTopology.TRAINER_STATE_STORE,
            TrainingTopology.PARTIAL_BATCH_STORE,
            TrainingTopology.HOLDOUT_STORE,
            TrainingTopology.STATUS_STORE);

    private record Instance(
            TopologyTestDriver driver, SimpleMeterRegistry registry, TestInputTopic<byte[], byte[]> examples) {

        static Instance start(EddyConfig config, Path stateDir) {
            Properties props = config.streamsProperties();
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            TrainingMetricsBinder binder = new TrainingMetricsBinder(config.models());
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            binder.bindTo(registry);
            TopologyTestDriver driver = new TopologyTestDriver(
                    TrainingTopology.build(config, ModelPartitions.ONE, binder, new FinalSnapshotTrigger(), null),
                    props,
                    Instant.ofEpochMilli(1_000_000));
            ByteArraySerializer bytes = new ByteArraySerializer();
            return new Instance(
                    driver, registry, driver.createInputTopic(config.topics().examples(), bytes, bytes));
        }

        double gauge(String name) {
            return registry.get(name).tag("model", "m").gauge().value();
        }
    }

    /**
     * A paused model never steps or evaluates again, so its gauges were only ever set by those: after a restart it
     * read {@code eddy.training.paused} 0 and a NaN version and rate while /models said paused at version 0.
     */
    @Test
    void aModelRestoredPausedReadsPausedWithItsVersionAndRate() {
        Map<String, String> settings = new HashMap<>(TrainingFixture.logisticModel("m"));
        settings.put("serving.enabled", "false");
        settings.put("holdout.fraction", "0");
        settings.put("model.m.budget.max-steps", "2");
        EddyConfig config = EddyConfig.of(settings);
        List<Example> input = TrainingFixture.blobs(20, 5, "m");

        Instance before = Instance.start(config, dir.resolve("a"));
        input.subList(0, 12).forEach(e -> before.examples().pipeInput(TrainingFixture.encode(e)));
        assertThat(before.gauge("eddy.training.paused")).isEqualTo(1.0);
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs = new HashMap<>();
        for (String store : STORES) {
            changelogs.put(
                    store,
                    before.driver()
                            .createOutputTopic(
                                    config.applicationId() + "-" + store + "-changelog",
                                    new ByteArrayDeserializer(),
                                    new ByteArrayDeserializer())
                            .readKeyValuesToList());
        }
        before.driver().close();

        Instance after = Instance.start(config, dir.resolve("b"));
        StringDeserializer keys = new StringDeserializer();
        for (String name : STORES) {
            KeyValueStore<String, Object> store = after.driver().getKeyValueStore(name);
            for (KeyValue<byte[], byte[]> kv : changelogs.get(name)) {
                Object value = kv.value == null || !name.equals(TrainingTopology.STATUS_STORE)
                        ? kv.value
                        : new ModelStatusSerde().deserialize("", kv.value);
                store.put(keys.deserialize("", kv.key), value);
            }
        }
        input.subList(12, 20).forEach(e -> after.examples().pipeInput(TrainingFixture.encode(e)));

        KeyValueStore<String, ModelStatus> statuses = after.driver().getKeyValueStore(TrainingTopology.STATUS_STORE);
        assertThat(statuses.get("m").paused()).isTrue();
        assertThat(after.gauge("eddy.training.paused")).isEqualTo(1.0);
        assertThat(after.gauge("eddy.model.version")).isEqualTo(0.0);
        assertThat(after.gauge("eddy.learning.rate"))
                .isEqualTo(statuses.get("m").learningRate());
        assertThat(after.gauge("eddy.training.loss"))
                .isEqualTo(statuses.get("m").lastTrainLoss());
        after.driver().close();
    }
}
