package dev.eddy.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.config.EddyConfig;
import dev.eddy.config.Routing;
import dev.eddy.io.ExampleProducer;
import dev.eddy.io.Topics;
import dev.eddy.it.EmbeddedKafka;
import dev.eddy.it.KafkaReads;
import dev.eddy.it.Runs;
import dev.eddy.it.TrainingStreams;
import dev.eddy.schema.Example;
import dev.eddy.state.ModelStatus;
import dev.eddy.topology.DeadLetters;
import dev.eddy.topology.FanOutTopic;
import dev.eddy.topology.ModelPartitions;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code routing=direct} on input topics of four partitions, on a real broker: eight models train in the tasks of
 * their partitions ({@link ModelPartitions}) with no trainer-input topic; an example naming no model crosses the
 * fan-out topic once per other partition hosting a model, not once per model; a command for {@code *} reaches every
 * model, and a command for one model keyed otherwise reaches it; an example keyed otherwise than by the model it names is a {@code wrong-key} dead letter; input topics of
 * different partition counts, or a fan-out topic of another count, are refused naming them, and repartition routing
 * while the fan-out topic holds untrained copies; the fan-out topic keeps its records for good; input topics
 * re-partitioned while running stop Kafka Streams.
 */
class PartitionedRoutingTest {

    private static final int PARTITIONS = 4;
    private static final List<String> MODELS =
            IntStream.range(0, 8).mapToObj(i -> "m" + i).toList();
    private static final int NAMED = 40;
    private static final int UNNAMED = 30;
    private static final String FILE_KEY = "rows.csv";
    private static final String COMMAND_KEY = "anything";

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    @TempDir
    Path dir;

    private Map<String, String> settings(String app, String routing) {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", app);
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put("state.dir", dir.resolve(app).toString());
        s.put("routing", routing);
        s.put("fan-out.purge-interval-ms", "86400000"); // the test reads every fan-out copy after the run
        s.put("kafka.session.timeout.ms", "6000");
        s.put("kafka.heartbeat.interval.ms", "1000");
        for (String topic : List.of("examples", "snapshots", "metrics", "dead-letters", "commands")) {
            s.put("topic." + topic, app + "." + topic);
        }
        s.put("serving.enabled", "false");
        s.put("snapshot-every", "5");
        for (String m : MODELS) {
            s.put("model." + m + ".input-size", "30");
            s.put("model." + m + ".layers", "4:relu,1:sigmoid");
            s.put("model." + m + ".batch-size", "1"); // the status counts examples of finished batches
        }
        return s;
    }

    private static void createInputs(String app, int examples, int commands) throws Exception {
        kafka.admin()
                .createTopics(List.of(
                        new NewTopic(app + ".examples", examples, (short) 1),
                        new NewTopic(app + ".commands", commands, (short) 1)))
                .all()
                .get();
        // the start lists the topics: they must be in the broker's metadata, not only created
        Topics.awaitWritable(kafka.admin(), List.of(app + ".examples", app + ".commands"), Duration.ofSeconds(30));
    }

    @Test
    void eachModelTrainsInItsPartitionAndFanOutCrossesOncePerPartition() throws Exception {
        String app = "part-a";
        createInputs(app, PARTITIONS, PARTITIONS);
        ModelPartitions placed = new ModelPartitions(PARTITIONS);
        Set<Integer> hosting = MODELS.stream().map(placed::of).collect(Collectors.toCollection(TreeSet::new));
        int origin = placed.of(FILE_KEY);
        Set<Integer> copiedTo = new TreeSet<>(hosting);
        copiedTo.remove(origin);
        long modelsElsewhere =
                MODELS.stream().filter(m -> placed.of(m) != origin).count();
        assertThat(copiedTo.size())
                .as("eight models on four partitions share partitions: per partition is less than per model")
                .isLessThan((int) modelsElsewhere);

        try (EddyApp eddy =
                EddyApp.start(EddyConfig.of(settings(app, "auto")), new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(eddy.config().routing()).isEqualTo(Routing.DIRECT);
            assertThat(eddy.createdTopics()).contains(FanOutTopic.of(app));
            assertThat(partitions(FanOutTopic.of(app))).isEqualTo(PARTITIONS);
            assertThat(eddy.awaitRunning(Duration.ofSeconds(60))).isTrue();
            List<Example> unnamed = TrainingStreams.breastCancer(UNNAMED, null).examples();
            try (ExampleProducer producer = new ExampleProducer(kafka.bootstrapServers(), app + ".examples")) {
                for (String m : MODELS) {
                    TrainingStreams.breastCancer(NAMED, m).examples().forEach(producer::send);
                }
                unnamed.forEach(e -> producer.send(FILE_KEY, e));
                Example named = TrainingStreams.breastCancer(1, "m0").examples().get(0);
                producer.send("not-m0", named);
                producer.send(null, named);
                producer.flush();
                assertThat(producer.acknowledged()).isEqualTo(MODELS.size() * NAMED + UNNAMED + 2);
            }
            int perModel = NAMED + UNNAMED;
            KafkaReads.await(
                    Duration.ofSeconds(90),
                    "every model counted its examples",
                    () -> Runs.counted(eddy) == MODELS.size() * perModel);

            try (KafkaProducer<String, String> commands = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new StringSerializer(),
                    new StringSerializer())) {
                commands.send(new ProducerRecord<>(app + ".commands", COMMAND_KEY, "set * learning-rate 0.0123"))
                        .get();
                KafkaReads.await(
                        Duration.ofSeconds(60),
                        "the command for * reached every model",
                        () -> Runs.statuses(kafka.bootstrapServers(), app).values().stream()
                                        .filter(s -> s.learningRate() == 0.0123)
                                        .count()
                                == MODELS.size());
                // a command for one model, in another partition than the model's: it is brought there
                commands.send(new ProducerRecord<>(app + ".commands", COMMAND_KEY, "set m1 learning-rate 0.02"))
                        .get();
                KafkaReads.await(
                        Duration.ofSeconds(60),
                        "the command for m1 reached it",
                        () -> Runs.statuses(kafka.bootstrapServers(), app)
                                        .get("m1")
                                        .learningRate()
                                == 0.02);
            }
            assertThat(Runs.statuses(kafka.bootstrapServers(), app).values())
                    .filteredOn(s -> !s.modelId().equals("m1"))
                    .allSatisfy(s -> assertThat(s.learningRate()).isEqualTo(0.0123));
            assertThat(Runs.counted(eddy)).isEqualTo(MODELS.size() * perModel);

            Map<String, ModelStatus> statuses = Runs.statuses(kafka.bootstrapServers(), app);
            assertThat(statuses.keySet()).containsExactlyElementsOf(MODELS);
            for (ModelStatus s : statuses.values()) {
                assertThat(s.examplesTrained() + s.examplesWhilePaused() + s.holdoutReceived())
                        .as("model %s: its own examples and every unnamed one, once", s.modelId())
                        .isEqualTo(perModel);
            }

            List<ConsumerRecord<Integer, byte[]>> copies = KafkaReads.readAll(
                    kafka.bootstrapServers(),
                    FanOutTopic.of(app),
                    new IntegerDeserializer(),
                    new ByteArrayDeserializer());
            List<ConsumerRecord<Integer, byte[]>> exampleCopies = copies.stream()
                    .filter(r -> r.headers().lastHeader("eddy.fan-out.source") == null)
                    .toList();
            assertThat(exampleCopies).hasSize(UNNAMED * copiedTo.size());
            for (ConsumerRecord<Integer, byte[]> r : exampleCopies) {
                assertThat(r.key()).isEqualTo(r.partition());
                assertThat(copiedTo).contains(r.partition());
            }
            List<ConsumerRecord<Integer, byte[]>> commandCopies = copies.stream()
                    .filter(r -> r.headers().lastHeader("eddy.fan-out.source") != null)
                    .toList();
            List<Integer> commandTargets = new ArrayList<>(hosting);
            commandTargets.remove((Integer) placed.of(COMMAND_KEY));
            commandTargets.add(placed.of("m1"));
            assertThat(placed.of("m1")).isNotEqualTo(placed.of(COMMAND_KEY));
            assertThat(commandCopies.stream().map(ConsumerRecord::partition).toList())
                    .as("the command for * once per other partition hosting models, the one for m1 once")
                    .containsExactlyInAnyOrderElementsOf(commandTargets);
            assertThat(new String(
                            commandCopies
                                    .get(0)
                                    .headers()
                                    .lastHeader("eddy.fan-out.source")
                                    .value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo("commands");
        }
        assertThat(kafka.admin().listTopics().names().get()).noneMatch(t -> t.startsWith(app + "-eddy-trainer-input"));

        List<ConsumerRecord<byte[], byte[]>> dead = KafkaReads.readAll(
                kafka.bootstrapServers(),
                app + ".dead-letters",
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        assertThat(dead).hasSize(2);
        for (ConsumerRecord<byte[], byte[]> d : dead) {
            assertThat(header(d, DeadLetters.REASON)).isEqualTo("wrong-key");
            assertThat(header(d, DeadLetters.MODEL)).isEqualTo("m0");
            assertThat(header(d, DeadLetters.TOPIC)).isEqualTo(app + ".examples");
        }
        assertThat(dead.stream().map(d -> header(d, DeadLetters.DETAIL)).toList())
                .anySatisfy(detail -> assertThat(detail).contains("'not-m0'"))
                .anySatisfy(detail -> assertThat(detail).contains("key is null"));
    }

    @Test
    void directRefusesInputTopicsOfDifferentPartitionCountsWhereAutoTakesTheTrainerInputTopic() throws Exception {
        String app = "part-b";
        createInputs(app, PARTITIONS, 2);
        assertThatThrownBy(() -> EddyApp.createTopics(EddyConfig.of(settings(app, "direct"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("routing=direct needs the same partition count in every input topic")
                .hasMessageContaining("'part-b.examples' has 4, 'part-b.commands' has 2")
                .hasMessageContaining("routing=repartition");
        EddyApp.Prepared auto = EddyApp.prepare(EddyConfig.of(settings(app, "auto")));
        assertThat(auto.routing()).isEqualTo(Routing.REPARTITION);
        assertThat(kafka.admin().listTopics().names().get()).doesNotContain(FanOutTopic.of(app));
    }

    @Test
    void aMissingInputTopicGetsTheCountOfTheOthersAndAFanOutTopicOfAnotherCountIsRefused() throws Exception {
        String app = "part-c";
        kafka.admin()
                .createTopics(List.of(new NewTopic(app + ".examples", PARTITIONS, (short) 1)))
                .all()
                .get();
        Topics.awaitWritable(kafka.admin(), List.of(app + ".examples"), Duration.ofSeconds(30));
        EddyApp.Prepared prepared = EddyApp.prepare(EddyConfig.of(settings(app, "auto")));
        assertThat(prepared.routing()).isEqualTo(Routing.DIRECT);
        assertThat(prepared.partitions()).isEqualTo(new ModelPartitions(PARTITIONS));
        assertThat(partitions(app + ".commands")).isEqualTo(PARTITIONS);

        String other = "part-d";
        createInputs(other, PARTITIONS, PARTITIONS);
        kafka.admin()
                .createTopics(List.of(new NewTopic(FanOutTopic.of(other), 2, (short) 1)))
                .all()
                .get();
        assertThatThrownBy(() -> EddyApp.prepare(EddyConfig.of(settings(other, "auto"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + FanOutTopic.of(other) + "' has 2 partitions but the input topics 4")
                .hasMessageContaining("re-partitioned");
    }

    @Test
    void repartitionRoutingIsRefusedWhileFanOutCopiesAreUntrained() throws Exception {
        String app = "part-e";
        createInputs(app, PARTITIONS, PARTITIONS);
        EddyApp.prepare(EddyConfig.of(settings(app, "direct")));
        String fanOut = FanOutTopic.of(app);
        try (KafkaProducer<Integer, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new IntegerSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 5; i++) { // copies a direct run wrote for partition 1 and stopped before training
                producer.send(new ProducerRecord<>(fanOut, 1, 1, "copy " + i));
            }
            producer.flush();
        }
        assertThatThrownBy(() -> EddyApp.prepare(EddyConfig.of(settings(app, "repartition"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("routing=repartition, but 5 records of '" + fanOut + "'")
                .hasMessageContaining("run once more with routing=direct");
        kafka.admin()
                .createPartitions(Map.of(app + ".commands", NewPartitions.increaseTo(2 * PARTITIONS)))
                .all()
                .get();
        assertThatThrownBy(() -> EddyApp.prepare(EddyConfig.of(settings(app, "auto"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("routing=auto would take repartition")
                .hasMessageContaining("5 records of '" + fanOut + "'");

        // trained (the group committed past them): nothing is left to lose
        kafka.admin()
                .alterConsumerGroupOffsets(app, Map.of(new TopicPartition(fanOut, 1), new OffsetAndMetadata(5)))
                .all()
                .get();
        assertThat(EddyApp.prepare(EddyConfig.of(settings(app, "auto"))).routing())
                .isEqualTo(Routing.REPARTITION);
    }

    /**
     * The fan-out copies left untrained are counted (end offsets against the group's) only where a switch to
     * repartition routing can be refused for them: a direct restart does not ask.
     */
    @Test
    void aDirectRestartDoesNotCountTheFanOutCopies() throws Exception {
        String app = "part-i";
        createInputs(app, PARTITIONS, PARTITIONS);
        EddyApp.prepare(EddyConfig.of(settings(app, "direct")));
        String fanOut = FanOutTopic.of(app);
        Map<String, Integer> counts = Map.of(app + ".examples", PARTITIONS, app + ".commands", PARTITIONS);
        Set<String> offsetsAsked = new TreeSet<>();
        try (Admin admin =
                new ForwardingAdmin(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers())) {
                    @Override
                    public ListOffsetsResult listOffsets(
                            Map<TopicPartition, OffsetSpec> offsets, ListOffsetsOptions options) {
                        offsets.keySet().forEach(p -> offsetsAsked.add(p.topic()));
                        return super.listOffsets(offsets, options);
                    }
                }) {
            RoutingCheck.Decision direct =
                    RoutingCheck.resolve(admin, EddyConfig.of(settings(app, "direct")), counts, Duration.ofSeconds(30));
            assertThat(direct.routing()).isEqualTo(Routing.DIRECT);
            assertThat(offsetsAsked).isEmpty();
            RoutingCheck.resolve(admin, EddyConfig.of(settings(app, "repartition")), counts, Duration.ofSeconds(30));
            assertThat(offsetsAsked).containsExactly(fanOut);
        }
    }

    @Test
    void theFanOutTopicKeepsItsRecordsUntilTheyAreConsumed() throws Exception {
        String app = "part-f";
        createInputs(app, PARTITIONS, PARTITIONS);
        EddyApp.prepare(EddyConfig.of(settings(app, "direct")));
        assertThat(retention(FanOutTopic.of(app))).isEqualTo("-1");

        String older = "part-g"; // its fan-out topic created by an earlier version, with the broker's retention
        createInputs(older, PARTITIONS, PARTITIONS);
        kafka.admin()
                .createTopics(List.of(new NewTopic(FanOutTopic.of(older), PARTITIONS, (short) 1)))
                .all()
                .get();
        Topics.awaitWritable(kafka.admin(), List.of(FanOutTopic.of(older)), Duration.ofSeconds(30));
        assertThat(retention(FanOutTopic.of(older))).isNotEqualTo("-1");
        EddyApp.prepare(EddyConfig.of(settings(older, "direct")));
        assertThat(retention(FanOutTopic.of(older))).isEqualTo("-1");
    }

    @Test
    void inputTopicsRepartitionedWhileRunningStopKafkaStreams() throws Exception {
        String app = "part-h";
        createInputs(app, 2, 2);
        Map<String, String> settings = settings(app, "direct");
        settings.put("kafka.metadata.max.age.ms", "1000"); // sees the new partitions soon
        try (EddyApp eddy = EddyApp.start(EddyConfig.of(settings), new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(eddy.awaitRunning(Duration.ofSeconds(60))).isTrue();
            kafka.admin()
                    .createPartitions(Map.of(app + ".examples", NewPartitions.increaseTo(PARTITIONS)))
                    .all()
                    .get();
            // the assignor fails at every rebalance (the changelogs have 2 partitions): a new thread would too
            assertThat(eddy.awaitTermination(Duration.ofSeconds(120)))
                    .as("Kafka Streams gave up rather than replacing threads forever")
                    .isTrue();
            assertThat(eddy.state()).isEqualTo(KafkaStreams.State.ERROR);
        }
    }

    private static String retention(String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return kafka.admin()
                .describeConfigs(List.of(r))
                .all()
                .get()
                .get(r)
                .get(TopicConfig.RETENTION_MS_CONFIG)
                .value();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
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
