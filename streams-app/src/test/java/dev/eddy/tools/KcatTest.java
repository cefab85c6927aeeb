package dev.eddy.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.app.EddyApp;
import dev.eddy.config.EddyConfig;
import dev.eddy.it.EmbeddedKafka;
import dev.eddy.it.KafkaReads;
import dev.eddy.it.TrainingStreams;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.Prediction;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.serde.AvroSerdes;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code kcat} (librdkafka, not the Java client) reads the snapshots and predictions topics of an app that
 * trained and served in this JVM: every committed record, with the same partition, offset, key and bytes as a
 * read_committed {@code KafkaConsumer} sees, and payloads that decode as Avro single-object records. Skipped, with
 * the reason, where kcat is not installed.
 */
class KcatTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    private static final Optional<Path> KCAT = Executables.onPath("kcat");
    private static final String MODEL = "bc";
    private static final int FEATURES = 50;

    /** One record per entry: a header line, then exactly {@code %S} payload bytes (binary-safe, no separator). */
    private static final String FORMAT = "%p\\t%o\\t%k\\t%S\\n%s";

    private static final Comparator<KcatRecord> ORDER =
            Comparator.comparingInt(KcatRecord::partition).thenComparingLong(KcatRecord::offset);

    @TempDir
    Path dir;

    @Test
    void kcatReadsSnapshotsAndPredictionsOfARunningApp() throws Exception {
        Assumptions.assumeTrue(
                KCAT.isPresent(),
                "kcat not on the PATH (Debian package kcat): the snapshots and predictions topics were not read with"
                        + " a real non-Java client");
        EddyConfig config = EddyConfig.of(Map.of(
                "application.id", "kcat",
                "bootstrap.servers", kafka.bootstrapServers(),
                "state.dir", dir.resolve("state").toString(),
                "snapshot-every", "20",
                "commit.interval.ms", "200",
                "model.bc.input-size", "30",
                "model.bc.layers", "16:relu,1:sigmoid",
                "model.bc.batch-size", "32"));
        String snapshotsTopic = config.topics().snapshots();
        String featuresTopic = config.value("topic.features");
        String predictionsTopic = config.value("topic.predictions");
        EddyApp.createTopics(config);
        TrainingStreams training = TrainingStreams.breastCancer(4 * 569, MODEL);
        training.produce(kafka.bootstrapServers(), config.topics().examples());
        List<Example> scored = training.examples().subList(0, FEATURES);

        try (EddyApp app = EddyApp.start(config, new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
            KafkaReads.await(Duration.ofSeconds(90), "a snapshot", () -> !committed(snapshotsTopic)
                    .isEmpty());
            new TrainingStreams(training.description(), training.inputSize(), scored)
                    .produce(kafka.bootstrapServers(), featuresTopic);
            KafkaReads.await(
                    Duration.ofSeconds(60),
                    FEATURES + " predictions",
                    () -> committed(predictionsTopic).size() == FEATURES);
        }

        // After close: no open transaction, so both readers see the same last stable offsets.
        List<KcatRecord> snapshots = sameAsConsumer(snapshotsTopic);
        assertThat(snapshots).isNotEmpty();
        List<ModelSnapshot> decoded = new ArrayList<>();
        snapshots.forEach(r -> {
            assertThat(r.key()).isEqualTo(MODEL);
            ModelSnapshot s = AvroSerdes.modelSnapshots().deserializer().deserialize("kcat", r.value());
            assertThat(s.getModelId()).isEqualTo(MODEL);
            decoded.add(s);
        });
        assertThat(decoded.get(decoded.size() - 1).getReason()).isEqualTo(SnapshotReason.FINAL);
        assertThat(decoded.get(decoded.size() - 1).getParameters().stream()
                        .mapToInt(t -> t.getValues().remaining() / Double.BYTES)
                        .sum())
                .isEqualTo(30 * 16 + 16 + 16 + 1);

        List<KcatRecord> predictions = sameAsConsumer(predictionsTopic);
        assertThat(predictions)
                .extracting(KcatRecord::key)
                .containsExactlyInAnyOrderElementsOf(
                        scored.stream().map(Example::getId).toList());
        predictions.forEach(r -> {
            Prediction p = AvroSerdes.predictions().deserializer().deserialize("kcat", r.value());
            assertThat(p.getId()).isEqualTo(r.key());
            assertThat(p.getModelId()).isEqualTo(MODEL);
            assertThat(p.getModelVersion()).isPositive();
            assertThat(p.getOutputs()).singleElement().satisfies(y -> assertThat(y)
                    .isBetween(0.0, 1.0));
        });
    }

    /**
     * Reads {@code topic} with kcat and with a read_committed {@code KafkaConsumer} and asserts both saw the same
     * records (partition, offset, key, bytes).
     *
     * @return kcat's records in partition and offset order
     */
    private List<KcatRecord> sameAsConsumer(String topic) throws Exception {
        List<KcatRecord> byKcat = kcat(topic);
        List<KcatRecord> byConsumer = KafkaReads.readAll(
                        kafka.bootstrapServers(), topic, new StringDeserializer(), new ByteArrayDeserializer())
                .stream()
                .map(r -> new KcatRecord(r.partition(), r.offset(), r.key(), r.value()))
                .sorted(ORDER)
                .toList();
        assertThat(byKcat).as("kcat's records of %s", topic).isEqualTo(byConsumer);
        return byKcat;
    }

    private static List<?> committed(String topic) {
        return KafkaReads.readAll(
                kafka.bootstrapServers(), topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Every committed record of {@code topic}, as the real kcat prints them. */
    private List<KcatRecord> kcat(String topic) throws Exception {
        Path out = dir.resolve(topic + ".kcat");
        Path err = dir.resolve(topic + ".kcat.err");
        Process p = new ProcessBuilder(
                        KCAT.get().toString(),
                        "-b",
                        kafka.bootstrapServers(),
                        "-C",
                        "-t",
                        topic,
                        "-o",
                        "beginning",
                        "-e",
                        "-q",
                        "-X",
                        "isolation.level=read_committed",
                        "-f",
                        FORMAT)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS))
                    .as("kcat finished reading %s", topic)
                    .isTrue();
            assertThat(p.exitValue()).as("kcat: %s", Files.readString(err)).isZero();
        } finally {
            p.destroyForcibly();
        }
        List<KcatRecord> records = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(out))) {
            for (String header = line(in); header != null; header = line(in)) {
                String[] f = header.split("\t", -1);
                assertThat(f).as("kcat header line '%s'", header).hasSize(4);
                byte[] value = new byte[Integer.parseInt(f[3])];
                in.readFully(value);
                records.add(new KcatRecord(Integer.parseInt(f[0]), Long.parseLong(f[1]), f[2], value));
            }
        }
        records.sort(ORDER);
        return records;
    }

    /** The next {@code \n}-terminated UTF-8 line, without the terminator; null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                assertThat(bytes.size()).as("kcat output ends mid-line").isZero();
                return null;
            }
            bytes.write(b);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A record as kcat prints it; equal when partition, offset, key and payload bytes are. */
    private record KcatRecord(int partition, long offset, String key, byte[] value) {

        @Override
        public boolean equals(Object o) {
            return o instanceof KcatRecord r
                    && partition == r.partition
                    && offset == r.offset
                    && key.equals(r.key)
                    && Arrays.equals(value, r.value);
        }

        @Override
        public int hashCode() {
            return 31 * Objects.hash(partition, offset, key) + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return partition + ":" + offset + " key=" + key + " (" + value.length + " bytes)";
        }
    }
}
