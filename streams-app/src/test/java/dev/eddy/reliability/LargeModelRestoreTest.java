package dev.eddy.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.app.EddyApp;
import dev.eddy.config.EddyConfig;
import dev.eddy.io.ExampleProducer;
import dev.eddy.it.AppProcess;
import dev.eddy.it.EmbeddedKafka;
import dev.eddy.it.KafkaReads;
import dev.eddy.it.Runs;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.state.ModelStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Size (issue 5, item 5) with the exactly-once contract: a 784-1024-256-10 Adam model (1,068,810 parameters, ~25 MB of
 * training state, ~8.5 MB snapshots) trains in {@code eddy run} on the embedded broker with the README's settings only
 * ({@code commit.interval.ms=1000}, as recommended for ~1M-parameter models; static membership, {@code
 * kafka.group.instance.id}, the setting for fast restarts), is killed with SIGKILL while a snapshot is being
 * published, restarts, and finishes; every snapshot it published (periodic, then the FINAL one of the clean stop) is
 * bit-identical to those of an uninterrupted run on the same input, and its status counters are equal, as in
 * {@code CrashExactnessTest}. How long the restore takes is measured by {@code benchmarks/run-restore.sh}, not here.
 */
class LargeModelRestoreTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    private static final String MODEL = "big";
    private static final String EXAMPLES_TOPIC = MODEL + ".examples";
    private static final int EXAMPLES = Integer.getInteger("large.examples", 2_400);
    private static final int SNAPSHOT_EVERY = 25;
    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    @TempDir
    Path dir;

    @Test
    void aMillionParameterModelKilledAndRestartedPublishesWhatAnUninterruptedRunPublishes() throws Exception {
        EddyApp.createTopics(EddyConfig.of(settings("ref")));
        EddyApp.createTopics(EddyConfig.of(settings("crash")));
        produce(EXAMPLES);

        try (AppProcess ref = start("ref", 0)) {
            ref.awaitMetricsUri(TIMEOUT);
            Runs.awaitCaughtUp(kafka.admin(), application("ref"), EXAMPLES_TOPIC, TIMEOUT, ref);
            assertThat(ref.stop(Duration.ofSeconds(60))).as(ref.log()).isEqualTo(AppProcess.EXIT_SIGTERM);
        }
        List<ModelSnapshot> expected = Runs.snapshots(kafka.bootstrapServers(), "ref.snapshots");
        ModelStatus expectedStatus =
                Runs.statuses(kafka.bootstrapServers(), application("ref")).get(MODEL);
        assertThat(expected).hasSizeGreaterThan(2);
        assertThat(expected.get(expected.size() - 1).getReason()).isEqualTo(SnapshotReason.FINAL);
        long killAt = 2L * SNAPSHOT_EVERY;
        assertThat(expected.get(expected.size() - 1).getStepsSeen()).isGreaterThan(killAt);

        long seen;
        try (KafkaConsumer<String, ModelSnapshot> written = writtenSnapshots("crash");
                AppProcess app = start("crash", 0)) {
            seen = awaitWritten(written, killAt, app);
            app.kill();
        }
        long committed = Runs.statuses(kafka.bootstrapServers(), application("crash"))
                .get(MODEL)
                .steps();
        System.out.printf(
                "large model: %d parameters; killed with a snapshot of step %d written, %d steps committed%n",
                expected.get(0).getArchitecture().getLayers().stream()
                        .mapToLong(l -> l.getParameterCount())
                        .sum(),
                seen,
                committed);
        try (AppProcess app = start("crash", 1)) {
            app.awaitMetricsUri(TIMEOUT);
            Runs.awaitCaughtUp(kafka.admin(), application("crash"), EXAMPLES_TOPIC, TIMEOUT, app);
            assertThat(app.stop(Duration.ofSeconds(60))).as(app.log()).isEqualTo(AppProcess.EXIT_SIGTERM);
        }

        List<ModelSnapshot> actual = Runs.snapshots(kafka.bootstrapServers(), "crash.snapshots");
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(Runs.comparable(actual.get(i)))
                    .as(
                            "snapshot %d (version %d, %s)",
                            i, expected.get(i).getVersion(), expected.get(i).getReason())
                    .isEqualTo(Runs.comparable(expected.get(i)));
        }
        ModelStatus actualStatus =
                Runs.statuses(kafka.bootstrapServers(), application("crash")).get(MODEL);
        assertThat(actualStatus.steps()).isEqualTo(expectedStatus.steps());
        assertThat(actualStatus.examplesTrained()).isEqualTo(expectedStatus.examplesTrained());
        assertThat(actualStatus.holdoutReceived()).isEqualTo(expectedStatus.holdoutReceived());
        assertThat(actualStatus.snapshotVersion()).isEqualTo(expectedStatus.snapshotVersion());
    }

    private static String application(String run) {
        return "large-model-" + run;
    }

    /** The settings of run {@code ref} or {@code crash}: its own application id and output topics, one input topic. */
    private static Map<String, String> settings(String run) {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", application(run));
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put("topic.examples", EXAMPLES_TOPIC);
        s.put("topic.snapshots", run + ".snapshots");
        s.put("topic.metrics", run + ".metrics");
        s.put("topic.dead-letters", run + ".dlq");
        s.put("topic.commands", run + ".commands");
        s.put("serving.enabled", "false");
        s.put("snapshot-every", Integer.toString(SNAPSHOT_EVERY));
        s.put("commit.interval.ms", "1000");
        // Static membership: the restarted instance takes its tasks back at once instead of waiting for the session
        // of the killed one to expire.
        s.put("kafka.group.instance.id", application(run) + "-1");
        s.put("kafka.session.timeout.ms", "10000");
        s.put("model." + MODEL + ".input-size", "784");
        s.put("model." + MODEL + ".layers", "1024:relu,256:relu,10:softmax");
        s.put("model." + MODEL + ".loss", "categorical_crossentropy");
        s.put("model." + MODEL + ".optimizer", "adam");
        s.put("model." + MODEL + ".batch-size", "16");
        s.put("model." + MODEL + ".eval-every", "1000");
        s.put("model." + MODEL + ".early-stopping.enabled", "false");
        return s;
    }

    private AppProcess start(String run, int attempt) throws Exception {
        List<String> jvm = new ArrayList<>(Runs.STATE_LOGGING);
        jvm.add("-Xmx1g");
        return AppProcess.start(
                dir.resolve(run + "-" + attempt + ".log"), jvm, Runs.args(settings(run), dir.resolve(run + "-state")));
    }

    /** Random 784-feature examples with random digit labels, seeded. */
    private static void produce(int n) {
        SplittableRandom random = new SplittableRandom(7);
        try (ExampleProducer producer = new ExampleProducer(kafka.bootstrapServers(), EXAMPLES_TOPIC)) {
            for (int i = 0; i < n; i++) {
                List<Double> x = new ArrayList<>(784);
                for (int j = 0; j < 784; j++) {
                    x.add(random.nextDouble());
                }
                producer.send(Example.newBuilder()
                        .setId("r-" + i)
                        .setModelId(MODEL)
                        .setFeatures(x)
                        .setClassLabel(random.nextInt(10))
                        .setTarget(null)
                        .setEventTime(Instant.EPOCH)
                        .build());
            }
            producer.flush();
            assertThat(producer.acknowledged()).isEqualTo(n);
        }
    }

    /** A read_uncommitted consumer of the run's snapshots from their current end: what the next process writes. */
    private static KafkaConsumer<String, ModelSnapshot> writtenSnapshots(String run) {
        KafkaConsumer<String, ModelSnapshot> consumer = KafkaReads.consumer(
                kafka.bootstrapServers(),
                run + ".snapshots",
                new StringDeserializer(),
                AvroSerdes.modelSnapshots().deserializer(),
                IsolationLevel.READ_UNCOMMITTED);
        consumer.seekToEnd(consumer.assignment());
        consumer.assignment().forEach(consumer::position);
        return consumer;
    }

    /**
     * Waits until the process wrote a snapshot of at least {@code steps} steps, committed or not (so the kill lands
     * in its transaction when the commit has not come yet).
     *
     * @return the step count of that snapshot
     */
    private static long awaitWritten(KafkaConsumer<String, ModelSnapshot> consumer, long steps, AppProcess app) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && app.isAlive()) {
            for (ConsumerRecord<String, ModelSnapshot> r : consumer.poll(Duration.ofMillis(20))) {
                if (r.value().getStepsSeen() >= steps) {
                    return r.value().getStepsSeen();
                }
            }
        }
        throw new AssertionError("no snapshot of step " + steps + ":\n" + app.log());
    }
}
