package dev.eddy.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.broker.EmbeddedBroker;
import dev.eddy.config.EddyConfig;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.io.Topics;
import dev.eddy.schema.Example;
import dev.eddy.schema.Prediction;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.serving.ModelCache;
import dev.eddy.serving.ScoringTopology;
import dev.eddy.serving.ServingConfig;
import dev.eddy.serving.ServingListener;
import dev.eddy.topology.TrainingListener;
import dev.eddy.topology.TrainingTopology;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Training and serving in one application on the embedded broker, under EOS: features stream while the trainer keeps
 * publishing snapshots; then the lifecycle commands read what was published.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServingOnBrokerTest {

    private static final int FEATURES = 3000;
    private static final int EXAMPLES = 2000;

    @TempDir
    static Path dir;

    private EmbeddedBroker broker;
    private KafkaStreams streams;
    private final ModelCache cache = new ModelCache();
    private final Map<String, double[]> sent = new HashMap<>();
    private final Map<String, List<Prediction>> predictions = new HashMap<>();
    private final Map<Integer, List<Long>> versionsByPartition = new HashMap<>();
    private int deadLetters;

    @BeforeAll
    void trainAndServeUnderLoad() throws Exception {
        broker = EmbeddedBroker.start(0, null);
        Map<String, String> settings = new HashMap<>();
        settings.put("application.id", "serving-it");
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("state.dir", dir.resolve("state").toString());
        settings.put("commit.interval.ms", "100");
        settings.put("snapshot-every", "10");
        settings.put("holdout.fraction", "0");
        settings.put("model.m.input-size", "2");
        settings.put("model.m.layers", "1:sigmoid");
        settings.put("model.m.loss", "binary_crossentropy");
        settings.put("model.m.optimizer", "sgd");
        settings.put("model.m.learning-rate", "0.1");
        settings.put("model.m.batch-size", "4");
        settings.put("model.m.eval-every", "100000");
        settings.put("model.m.standardize", "false");
        settings.put("model.m.early-stopping.enabled", "false");
        EddyConfig config = EddyConfig.of(settings);
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Topics.createMissing(admin, Topics.defaults(2), Duration.ofSeconds(30));
        }
        streams = new KafkaStreams(
                ScoringTopology.addTo(
                        TrainingTopology.build(config, TrainingListener.NONE),
                        ServingConfig.of(config),
                        cache,
                        ServingListener.NONE),
                config.streamsProperties());
        streams.start();

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        SplittableRandom random = new SplittableRandom(7);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            // Enough examples for the first snapshot, then features and examples interleaved.
            for (int i = 0; i < 40; i++) {
                producer.send(new ProducerRecord<>(Topics.EXAMPLES, example("x" + i, random)));
            }
            producer.flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (cache.get("m") == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(cache.get("m")).as("first snapshot served").isNotNull();
            int e = 40;
            for (int f = 0; f < FEATURES; f++) {
                String id = "f" + f;
                double[] x = {random.nextGaussian(), random.nextGaussian()};
                sent.put(id, x);
                String json = "{\"id\": \"" + id + "\", \"model\": \"m\", \"features\": [" + x[0] + ", " + x[1] + "]}";
                producer.send(new ProducerRecord<>(
                        Topics.FEATURES, id.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
                if (e < EXAMPLES && f % 3 == 0) {
                    producer.send(new ProducerRecord<>(Topics.EXAMPLES, example("x" + e++, random)));
                }
                if (f % 4 == 0) {
                    Thread.sleep(2); // spread the features over seconds, so snapshots land between them
                }
            }
        }
        collect();
    }

    private void collect() {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : List.of(Topics.PREDICTIONS, Topics.EXAMPLES_DLQ)) {
                consumer.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            int received = 0;
            while (received + deadLetters < FEATURES && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(Topics.EXAMPLES_DLQ)) {
                        deadLetters++;
                        continue;
                    }
                    Prediction pr = AvroSerdes.predictions().deserialize(r.topic(), r.value());
                    predictions
                            .computeIfAbsent(pr.getId(), k -> new ArrayList<>())
                            .add(pr);
                    versionsByPartition
                            .computeIfAbsent(r.partition(), k -> new ArrayList<>())
                            .add(pr.getModelVersion());
                    received++;
                }
            }
        }
    }

    @AfterAll
    void stop() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void everyFeatureIsScoredExactlyOnceWithAPublishedVersionThatNeverGoesBackwards() {
        assertThat(deadLetters).isZero();
        assertThat(predictions.keySet()).isEqualTo(sent.keySet());
        assertThat(predictions.values()).allSatisfy(list -> assertThat(list).hasSize(1));
        Set<Long> published = SnapshotLog.read(
                        broker.bootstrapServers(), Topics.MODEL_SNAPSHOTS, Map.of(), Duration.ofSeconds(30))
                .of("m")
                .stream()
                .filter(SnapshotLog.Version::accepted)
                .map(SnapshotLog.Version::version)
                .collect(Collectors.toSet());
        Set<Long> used = new TreeSet<>();
        versionsByPartition.values().forEach(used::addAll);
        assertThat(published).containsAll(used);
        assertThat(used).as("the model was swapped while features streamed").hasSizeGreaterThan(3);
        for (List<Long> versions : versionsByPartition.values()) {
            assertThat(versions).isSorted();
        }
    }

    @Test
    void exportWritesTheModelThatScoredAndPlainJavaReproducesItsPredictions() throws Exception {
        Prediction last = predictions.get("f" + (FEATURES - 1)).get(0);
        Path file = dir.resolve("m.eddm");
        StringWriter out = new StringWriter();
        int code = run(
                new ExportCommand(),
                out,
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--model",
                "m",
                "--version",
                Long.toString(last.getModelVersion()),
                "--out",
                file.toString());
        assertThat(code).as(out.toString()).isZero();
        InferenceModel model = InferenceModel.fromBytes(Files.readAllBytes(file));
        double[] y = model.predict(new double[][] {sent.get(last.getId())})[0];
        assertThat(y[0]).isEqualTo(last.getOutputs().get(0));
    }

    @Test
    void snapshotsListsTheVersionsOfTheModel() {
        StringWriter out = new StringWriter();
        int code = run(new SnapshotsCommand(), out, "--bootstrap-servers", broker.bootstrapServers(), "--model", "m");
        assertThat(code).isZero();
        List<String> rows = out.toString().lines().skip(1).collect(Collectors.toList());
        assertThat(rows)
                .hasSizeGreaterThan(3)
                .allSatisfy(r -> assertThat(r).startsWith("m ").contains(" yes "));
        assertThat(rows.get(0)).containsPattern("^m +0 periodic");
    }

    @Test
    void predictScoresACsvOfflineAndThroughKafkaWithTheSameModel() throws Exception {
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, "x0,x1,label\n1.5,1.0,1\n-2.0,-0.5,0\n");
        Path file = dir.resolve("newest.eddm");
        assertThat(run(
                        new ExportCommand(),
                        new StringWriter(),
                        "--bootstrap-servers",
                        broker.bootstrapServers(),
                        "--model",
                        "m",
                        "--out",
                        file.toString()))
                .isZero();
        StringWriter offline = new StringWriter();
        assertThat(run(
                        new PredictCommand(),
                        offline,
                        "--model",
                        "m",
                        "--csv",
                        csv.toString(),
                        "--snapshot-file",
                        file.toString()))
                .isZero();
        List<String> lines = offline.toString().lines().collect(Collectors.toList());
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("rows:2,-1,1,");
        assertThat(lines.get(1)).startsWith("rows:3,-1,0,");

        StringWriter online = new StringWriter();
        assertThat(run(
                        new PredictCommand(),
                        online,
                        "--model",
                        "m",
                        "--csv",
                        csv.toString(),
                        "--bootstrap-servers",
                        broker.bootstrapServers()))
                .isZero();
        // Training has stopped, so the served model is the newest exported one: same outputs.
        List<String> served = online.toString().lines().collect(Collectors.toList());
        assertThat(served).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(outputs(served.get(i))).isEqualTo(outputs(lines.get(i)));
        }
    }

    private static String outputs(String csvLine) {
        String[] f = csvLine.split(",", 3);
        return f[2];
    }

    private static int run(Object command, StringWriter out, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        return cli.execute(args);
    }

    private static byte[] example(String id, SplittableRandom random) {
        int k = random.nextInt(2);
        double c = k == 1 ? 1 : -1;
        return AvroSerdes.examples()
                .serializer()
                .serialize(
                        "t",
                        Example.newBuilder()
                                .setId(id)
                                .setModelId("m")
                                .setFeatures(List.of(c + random.nextGaussian(), c + random.nextGaussian()))
                                .setClassLabel(k)
                                .setTarget(null)
                                .setEventTime(Instant.ofEpochMilli(0))
                                .setWeight(null)
                                .build());
    }
}
