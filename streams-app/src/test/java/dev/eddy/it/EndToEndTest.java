package dev.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.app.EddyApp;
import dev.eddy.config.EddyConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.tools.Promtool;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application end to end in this JVM on a real embedded broker: topics created, examples trained, snapshots,
 * metrics records and dead letters readable with a plain consumer, {@code /metrics} scrapeable (and valid for
 * {@code promtool} when it is on the PATH: checked last, so that without it only that check is skipped), FINAL
 * snapshot on close.
 */
class EndToEndTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    private static final String MODEL = "bc";

    @TempDir
    Path dir;

    @Test
    void trainsPublishesAndServesMetrics() throws Exception {
        TrainingStreams stream = TrainingStreams.breastCancer(4 * 569, MODEL);
        Map<String, String> settings = new HashMap<>();
        settings.put("application.id", "e2e");
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("state.dir", dir.resolve("state").toString());
        settings.put("topic.examples", "e2e.examples");
        settings.put("topic.snapshots", "e2e.snapshots");
        settings.put("topic.metrics", "e2e.metrics");
        settings.put("topic.dead-letters", "e2e.dlq");
        settings.put("topic.commands", "e2e.commands");
        settings.put("topic.features", "e2e.features");
        settings.put("topic.predictions", "e2e.predictions");
        settings.put("holdout.fraction", "0.2");
        settings.put("holdout.buffer-size", "200");
        settings.put("snapshot-every", "20");
        settings.put("commit.interval.ms", "200");
        settings.put("model.bc.input-size", "30");
        settings.put("model.bc.layers", "32:relu,16:relu,1:sigmoid");
        settings.put("model.bc.batch-size", "32");
        settings.put("model.bc.eval-every", "10");
        settings.put("model.bc.early-stopping.monitor", "holdout_accuracy");
        settings.put("model.bc.early-stopping.patience", "1000");
        EddyConfig config = EddyConfig.of(settings);

        assertThat(EddyApp.createTopics(config))
                .containsExactlyInAnyOrder(
                        "e2e.examples",
                        "e2e.snapshots",
                        "e2e.metrics",
                        "e2e.dlq",
                        "e2e.commands",
                        "e2e.features",
                        "e2e.predictions");
        assertThat(EddyApp.createTopics(config)).as("second call: all exist").isEmpty();
        assertSnapshotTopicIsCompacted();
        stream.produce(kafka.bootstrapServers(), "e2e.examples");
        produceBadRecords();

        long started = System.nanoTime();
        long trainedOrHeldOut;
        String scrape;
        List<Long> servedVersions = new ArrayList<>();
        try (EddyApp app = EddyApp.start(config, new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
            MeterRegistry registry = app.metrics().registry();
            KafkaReads.await(
                    Duration.ofSeconds(90),
                    "every example counted",
                    () -> examplesCounted(registry) == stream.examples().size());
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(
                    "end-to-end: %d examples in %.2f s from start (%.0f examples/s incl. startup)%n",
                    stream.examples().size(), seconds, stream.examples().size() / seconds);
            trainedOrHeldOut = (long) examplesCounted(registry);
            KafkaReads.await(
                    Duration.ofSeconds(30),
                    "the dead letters counted",
                    () -> registry.get("eddy.dlq.records").counters().stream()
                                    .mapToDouble(c -> c.count())
                                    .sum()
                            == 2);

            scrape = scrape(app);
            assertThat(scrape)
                    .contains("eddy_training_examples_total{model=\"bc\",paused=\"false\"}")
                    .contains("eddy_holdout_examples_total{model=\"bc\"}")
                    .contains("eddy_training_steps_total{model=\"bc\"}")
                    .contains("eddy_training_step_seconds_count{model=\"bc\"}")
                    .contains("eddy_training_loss{model=\"bc\"}")
                    .contains("eddy_holdout_loss{model=\"bc\"}")
                    .contains("eddy_holdout_accuracy{model=\"bc\"}")
                    .contains("eddy_learning_rate{model=\"bc\"}")
                    .contains("eddy_model_version{model=\"bc\"}")
                    .contains("eddy_early_stopping_wait{model=\"bc\"}")
                    .contains("eddy_dlq_records_total{reason=\"undecodable\"} 1.0")
                    .contains("eddy_dlq_records_total{reason=\"wrong-feature-count\"} 1.0")
                    .contains("jvm_memory_used_bytes")
                    .contains("jvm_gc_")
                    .contains("jvm_threads_live_threads")
                    .contains("kafka_stream_");
            assertThat(value(scrape, "eddy_holdout_accuracy{model=\"bc\"}"))
                    .as("breast cancer is easy")
                    .isGreaterThan(0.8);
            assertThat(value(scrape, "eddy_training_steps_total{model=\"bc\"}"))
                    .isEqualTo(Math.floor(
                            value(scrape, "eddy_training_examples_total{model=\"bc\",paused=\"false\"}") / 32));

            // Serving in the same app: once a snapshot is served (a feature record before that goes to the dead
            // letters: no snapshot yet), every feature record is scored by an accepted snapshot.
            KafkaReads.await(
                    Duration.ofSeconds(30),
                    "a served snapshot",
                    () -> registry.find("eddy.serving.model.version")
                                    .tag("model", MODEL)
                                    .gauge()
                            != null);
            System.out.printf(
                    "a snapshot served %.2f s from start (every example counted at %.2f s)%n",
                    (System.nanoTime() - started) / 1e9, seconds);
            TrainingStreams features = new TrainingStreams(
                    stream.description(), stream.inputSize(), stream.examples().subList(0, 50));
            features.produce(kafka.bootstrapServers(), "e2e.features");
            try {
                KafkaReads.await(Duration.ofSeconds(60), "50 predictions", () -> predictions() == 50);
            } catch (AssertionError e) {
                throw new AssertionError(
                        e.getMessage() + ": " + predictions() + " predictions committed; dead letters: "
                                + deadLetterReasons() + "; streams "
                                + app.streams().state()
                                + "; serving meters "
                                + registry.find("eddy.serving.dead.letters").counters().stream()
                                        .map(c -> c.getId().getTag("reason") + "=" + c.count())
                                        .toList(),
                        e);
            }
            assertThat(values(KafkaReads.readAll(
                            kafka.bootstrapServers(),
                            "e2e.predictions",
                            new StringDeserializer(),
                            AvroSerdes.predictions().deserializer())))
                    .allSatisfy(p -> {
                        assertThat(p.getModelId()).isEqualTo(MODEL);
                        // snapshot versions count from 0; which one served a feature depends on timing
                        servedVersions.add(p.getModelVersion());
                        assertThat(p.getOutputs()).hasSize(1);
                    });

            HttpResponse<String> model = get(app.modelsUri().resolve("/models/" + MODEL));
            assertThat(model.statusCode()).isEqualTo(200);
            assertThat(model.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).contains("application/json"));
            assertThat(model.body()).contains("\"model\":\"" + MODEL + "\"").contains("\"steps\":");
            HttpResponse<String> unknown = get(app.modelsUri().resolve("/models/no-such-model"));
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).contains("\"error\"").contains("no-such-model");
        }

        List<ModelSnapshot> snapshots = values(KafkaReads.readAll(
                kafka.bootstrapServers(),
                "e2e.snapshots",
                new StringDeserializer(),
                AvroSerdes.modelSnapshots().deserializer()));
        assertThat(snapshots).isNotEmpty();
        assertThat(snapshots.stream().map(ModelSnapshot::getVersion).toList())
                .as("every prediction names a snapshot that was published")
                .containsAll(servedVersions);
        for (int i = 1; i < snapshots.size(); i++) {
            assertThat(snapshots.get(i).getVersion())
                    .isGreaterThan(snapshots.get(i - 1).getVersion());
        }
        ModelSnapshot last = snapshots.get(snapshots.size() - 1);
        assertThat(last.getReason()).as("clean shutdown").isEqualTo(SnapshotReason.FINAL);
        assertThat(last.getModelId()).isEqualTo(MODEL);
        assertThat(last.getParameters()).hasSize(6);
        assertThat(last.getParameters().stream()
                        .mapToInt(t -> t.getValues().remaining() / Double.BYTES)
                        .sum())
                .isEqualTo(30 * 32 + 32 + 32 * 16 + 16 + 16 + 1);
        assertThat(last.getExamplesSeen()).isEqualTo(32 * last.getStepsSeen()).isLessThanOrEqualTo(trainedOrHeldOut);

        List<TrainingMetrics> metrics = values(KafkaReads.readAll(
                kafka.bootstrapServers(),
                "e2e.metrics",
                new StringDeserializer(),
                AvroSerdes.trainingMetrics().deserializer()));
        assertThat(metrics).hasSize((int) (last.getStepsSeen() / 10));
        assertThat(metrics).allSatisfy(m -> assertThat(m.getHoldoutMetricName()).isEqualTo("accuracy"));

        List<ConsumerRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead)
                .extracting(r -> header(r, "eddy.dlq.reason"))
                .containsExactlyInAnyOrder("undecodable", "wrong-feature-count");
        assertThat(dead).allSatisfy(r -> assertThat(header(r, "eddy.dlq.topic")).isEqualTo("e2e.examples"));

        // Last: the one check that needs a tool the machine may lack, so that its absence skips nothing else.
        // The whole scrape (Eddy's, the JVM's and Kafka's client meters, the latter renamed by PrometheusLintNames)
        // must pass.
        Promtool.checkMetrics(scrape, dir);
    }

    private static int predictions() {
        return KafkaReads.readAll(
                        kafka.bootstrapServers(),
                        "e2e.predictions",
                        new StringDeserializer(),
                        AvroSerdes.predictions().deserializer())
                .size();
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        return KafkaReads.readAll(
                kafka.bootstrapServers(), "e2e.dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<String> deadLetterReasons() {
        return deadLetters().stream()
                .map(r -> header(r, "eddy.dlq.topic") + ": " + header(r, "eddy.dlq.reason"))
                .toList();
    }

    private static double examplesCounted(MeterRegistry registry) {
        double n = registry.get("eddy.holdout.examples").counter().count();
        for (var c : registry.get("eddy.training.examples").counters()) {
            n += c.count();
        }
        return n;
    }

    private static void assertSnapshotTopicIsCompacted() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "e2e.snapshots");
            var config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG))
                    .extracting(ConfigEntry::value)
                    .isEqualTo("compact");
            assertThat(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG))
                    .extracting(ConfigEntry::value)
                    .isEqualTo(Integer.toString(64 << 20));
        }
    }

    /** One record that is not an Avro example, one example with 3 features for the 30-input model. */
    private static void produceBadRecords() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("e2e.examples", "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get();
            Example wrong = Example.newBuilder()
                    .setId("wrong")
                    .setModelId(MODEL)
                    .setFeatures(List.of(1.0, 2.0, 3.0))
                    .setClassLabel(1)
                    .setTarget(null)
                    .setEventTime(java.time.Instant.EPOCH)
                    .setWeight(null)
                    .build();
            producer.send(new ProducerRecord<>(
                            "e2e.examples", AvroSerdes.examples().serializer().serialize("e2e.examples", wrong)))
                    .get();
        }
    }

    private static String scrape(EddyApp app) throws Exception {
        HttpResponse<String> r = get(app.metricsUri());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static HttpResponse<String> get(java.net.URI uri) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double value(String scrape, String series) {
        return scrape.lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(
                        l -> Double.parseDouble(l.substring(series.length() + 1).strip()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no series " + series));
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static <V> List<V> values(List<? extends ConsumerRecord<?, V>> records) {
        List<V> out = new ArrayList<>();
        records.forEach(r -> out.add(r.value()));
        return out;
    }
}
