package dev.eddy.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.config.EddyConfig;
import dev.eddy.config.Routing;
import dev.eddy.io.Topics;
import dev.eddy.it.EmbeddedKafka;
import dev.eddy.it.KafkaReads;
import dev.eddy.it.Runs;
import dev.eddy.it.TrainingStreams;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.serde.AvroSerdes;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code routing=direct} on a real broker: it creates one-partition input topics and trains without a trainer-input
 * topic; it refuses input topics of different partition counts (PartitionedRoutingTest trains on partitioned input),
 * and records an earlier {@code routing=repartition} run left untrained, where
 * {@code routing=auto} takes the trainer-input topic; either routing refuses input topics re-partitioned since the
 * first run.
 */
class RoutingTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    @TempDir
    Path dir;

    private Map<String, String> settings(String app) {
        return settings(app, "direct");
    }

    private Map<String, String> settings(String app, String routing) {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", app);
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put("state.dir", dir.resolve(app).toString());
        s.put("routing", routing);
        // Kafka Streams does not leave its group on close: a restart waits for the old member's session to end.
        s.put("kafka.session.timeout.ms", "6000");
        s.put("kafka.heartbeat.interval.ms", "1000");
        for (String topic : List.of("examples", "snapshots", "metrics", "dead-letters", "commands")) {
            s.put("topic." + topic, app + "." + topic);
        }
        s.put("serving.enabled", "false");
        s.put("snapshot-every", "5");
        s.put("model.bc.input-size", "30");
        s.put("model.bc.layers", "8:relu,1:sigmoid");
        s.put("model.bc.batch-size", "16");
        return s;
    }

    @Test
    void autoTakesDirectRoutingForOnePartitionInputs() throws Exception {
        EddyConfig config = EddyConfig.of(settings("direct-d", "auto"));
        assertThat(config.routing()).isEqualTo(Routing.AUTO);
        assertThat(EddyApp.prepare(config).routing()).isEqualTo(Routing.DIRECT);
        assertThat(EddyApp.prepare(EddyConfig.of(settings("direct-d", "repartition")))
                        .routing())
                .isEqualTo(Routing.REPARTITION);
    }

    @Test
    void trainsInTheInputTaskWithOnePartitionTopics() throws Exception {
        EddyConfig config = EddyConfig.of(settings("direct-a"));
        TrainingStreams stream = TrainingStreams.breastCancer(569, "bc");
        try (EddyApp app = EddyApp.start(config, new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(app.createdTopics()).contains("direct-a.examples", "direct-a.commands");
            assertThat(partitions("direct-a.examples")).isEqualTo(1);
            assertThat(partitions("direct-a.commands")).isEqualTo(1);
            assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
            stream.produce(kafka.bootstrapServers(), "direct-a.examples");
            awaitCounted(app, 569);
        }
        List<ModelSnapshot> snapshots = snapshots("direct-a");
        assertThat(snapshots).isNotEmpty();
        assertThat(snapshots.get(snapshots.size() - 1).getReason()).isEqualTo(SnapshotReason.FINAL);
        assertThat(kafka.admin().listTopics().names().get())
                .noneMatch(t -> t.startsWith("direct-a-eddy-trainer-input"));
    }

    @Test
    void switchingFromTheTrainerInputTopicToDirectRoutingKeepsTheModel() throws Exception {
        TrainingStreams stream = TrainingStreams.breastCancer(569, "bc");
        List<TrainingStreams> halves = List.of(
                new TrainingStreams(stream.description(), 30, stream.examples().subList(0, 300)),
                new TrainingStreams(stream.description(), 30, stream.examples().subList(300, 569)));
        double trained = 0;
        for (int run = 0; run < 2; run++) {
            EddyConfig config = EddyConfig.of(settings("direct-e", run == 0 ? "repartition" : "auto"));
            try (EddyApp app = EddyApp.start(config, new InetSocketAddress("127.0.0.1", 0))) {
                assertThat(app.config().routing()).isEqualTo(run == 0 ? Routing.REPARTITION : Routing.DIRECT);
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                halves.get(run).produce(kafka.bootstrapServers(), "direct-e.examples");
                awaitCounted(app, halves.get(run).examples().size());
                trained += trainedCount(app);
            }
        }
        ModelSnapshot last = snapshots("direct-e").get(snapshots("direct-e").size() - 1);
        assertThat(last.getReason()).isEqualTo(SnapshotReason.FINAL);
        assertThat(last.getStepsSeen())
                .as("steps of both runs: the state moved over")
                .isEqualTo((long) trained / 16);
    }

    private static double trainedCount(EddyApp app) {
        return app.metrics().registry().get("eddy.training.examples").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    /** Waits until this process counted {@code n} examples, trained or held out. */
    private static void awaitCounted(EddyApp app, int n) throws InterruptedException {
        KafkaReads.await(Duration.ofSeconds(60), n + " examples counted", () -> Runs.counted(app) == n);
    }

    private static List<ModelSnapshot> snapshots(String app) {
        return KafkaReads.readAll(
                        kafka.bootstrapServers(),
                        app + ".snapshots",
                        new StringDeserializer(),
                        AvroSerdes.modelSnapshots().deserializer())
                .stream()
                .map(r -> r.value())
                .toList();
    }

    @Test
    void refusesInputTopicsOfDifferentPartitionCounts() throws Exception {
        kafka.admin()
                .createTopics(List.of(
                        new NewTopic("direct-b.examples", 3, (short) 1),
                        new NewTopic("direct-b.commands", 1, (short) 1)))
                .all()
                .get();
        EddyConfig config = EddyConfig.of(settings("direct-b"));
        assertThatThrownBy(() -> EddyApp.createTopics(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("routing=direct")
                .hasMessageContaining("'direct-b.examples' has 3, 'direct-b.commands' has 1")
                .hasMessageContaining("routing=repartition");
        assertThat(EddyApp.prepare(EddyConfig.of(settings("direct-b", "auto"))).routing())
                .isEqualTo(Routing.REPARTITION);
    }

    /**
     * A refused start leaves the cluster as it found it: the holdout topic it would create at one partition, and the
     * snapshot, metrics and dead-letter topics, are not created.
     */
    @Test
    void aRefusedDirectStartCreatesNoTopic() throws Exception {
        String app = "direct-h";
        kafka.admin()
                .createTopics(List.of(
                        new NewTopic(app + ".examples", 3, (short) 1), new NewTopic(app + ".commands", 2, (short) 1)))
                .all()
                .get();
        Topics.awaitWritable(kafka.admin(), List.of(app + ".examples", app + ".commands"), Duration.ofSeconds(30));
        Map<String, String> s = settings(app);
        s.put("holdout.mode", "topic");
        s.put("topic.holdout", app + ".holdout");
        assertThatThrownBy(() -> EddyApp.createTopics(EddyConfig.of(s)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'direct-h.examples' has 3, 'direct-h.commands' has 2, 'direct-h.holdout' has 1");
        assertThat(kafka.admin().listTopics().names().get())
                .filteredOn(t -> t.startsWith(app))
                .containsExactlyInAnyOrder(app + ".examples", app + ".commands");
    }

    /** A metrics port in use refuses the start before any topic is created. */
    @Test
    void aStartOnABusyMetricsPortCreatesNoTopic() throws Exception {
        String app = "busy-port";
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> EddyApp.start(
                            EddyConfig.of(settings(app)),
                            new java.net.InetSocketAddress(
                                    java.net.InetAddress.getLoopbackAddress(), taken.getLocalPort())))
                    .isInstanceOf(java.io.IOException.class);
        }
        assertThat(kafka.admin().listTopics().names().get())
                .filteredOn(t -> t.startsWith(app))
                .isEmpty();
    }

    @Test
    void refusesWhileRecordsOfTheTrainerInputTopicAreUntrained() throws Exception {
        String trainerInput = "direct-c-eddy-trainer-input-repartition";
        kafka.admin()
                .createTopics(List.of(new NewTopic(trainerInput, Optional.of(1), Optional.empty())))
                .all()
                .get();
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        Topics.awaitWritable(kafka.admin(), List.of(trainerInput), Duration.ofSeconds(30));
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(trainerInput, "bc".getBytes(StandardCharsets.UTF_8), new byte[] {1}))
                    .get();
        }
        EddyConfig config = EddyConfig.of(settings("direct-c"));
        assertThatThrownBy(() -> EddyApp.createTopics(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 records of '" + trainerInput + "'");
        assertThat(EddyApp.prepare(EddyConfig.of(settings("direct-c", "auto"))).routing())
                .isEqualTo(Routing.REPARTITION);
    }

    @Test
    void refusesInputTopicsRepartitionedSinceTheFirstRun() throws Exception {
        String app = "direct-r";
        try (EddyApp eddy =
                EddyApp.start(EddyConfig.of(settings(app, "auto")), new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(eddy.awaitRunning(Duration.ofSeconds(60))).isTrue();
        }
        String changelog = app + "-eddy-model-status-changelog";
        assertThat(partitions(changelog)).isEqualTo(1);
        kafka.admin()
                .createPartitions(Map.of(
                        app + ".examples", NewPartitions.increaseTo(2), app + ".commands", NewPartitions.increaseTo(2)))
                .all()
                .get();
        for (String routing : List.of("auto", "repartition")) {
            assertThatThrownBy(() -> EddyApp.prepare(EddyConfig.of(settings(app, routing))))
                    .as("routing=%s", routing)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'direct-r.examples' has 2, 'direct-r.commands' has 2")
                    .hasMessageContaining("need 2 trainer tasks")
                    .hasMessageContaining("'" + changelog + "' of an earlier run has 1")
                    .hasMessageContaining("new application.id");
        }
    }

    private static int partitions(String topic) throws Exception {
        return kafka.admin()
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .partitions()
                .size();
    }
}
