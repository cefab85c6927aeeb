package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.train.Trainer;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.NamedTensor;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.schema.Standardization;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.state.ModelStatus;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingTopologyTest {

    @TempDir
    Path dir;

    private static Map<String, String> settings() {
        Map<String, String> s = new HashMap<>(TrainingFixture.logisticModel("m"));
        s.put("holdout.fraction", "0");
        s.put("snapshot-every", "1");
        return s;
    }

    @Test
    void everyNodeAndStoreHasAnExplicitName() {
        Map<String, String> settings = settings();
        settings.put("holdout.mode", "topic");
        String description = TrainingTopology.build(EddyConfig.of(settings), TrainingListener.NONE)
                .describe()
                .toString();
        assertThat(description).doesNotContain("KSTREAM-").doesNotContain("KTABLE-");
        assertThat(description)
                .contains(
                        "examples-source",
                        "holdout-source",
                        "commands-source",
                        "route-examples",
                        "route-holdout",
                        "route-commands",
                        "dead-letter-sink",
                        "eddy-trainer-input-repartition",
                        "trainer",
                        "snapshot-sink",
                        "metrics-sink",
                        TrainingTopology.STATUS_STORE,
                        TrainingTopology.TRAINER_STATE_STORE,
                        TrainingTopology.PARTIAL_BATCH_STORE,
                        TrainingTopology.HOLDOUT_STORE);
    }

    @Test
    void sevenExamplesMakeOneStepOfFourAndAPartialBatchOfThree() {
        List<Example> input = TrainingFixture.blobs(8, 1, "m").subList(0, 7);
        try (TrainingFixture f = new TrainingFixture(settings(), dir)) {
            f.pipe(input);
            ModelStatus s = f.status("m");
            assertThat(s.steps()).isEqualTo(1);
            assertThat(s.examplesTrained()).isEqualTo(4);
            // Slots are written at each commit (the test driver commits after every record) and overwritten, not
            // deleted: 0-2 hold this batch; the first batch's last row completed it in its own record, so its slot
            // was never written.
            assertThat(f.storedSlots(TrainingTopology.PARTIAL_BATCH_STORE, "m")).isEqualTo(3);
            List<ModelSnapshot> snapshots = f.snapshots.readValuesToList();
            assertThat(snapshots).hasSize(1);
            // The one step was taken on exactly the first four examples, in order.
            Trainer reference = Trainer.create(f.config.models().get("m"));
            reference.step(features(input.subList(0, 4)), labels(input.subList(0, 4)));
            assertThat(kernel(snapshots.get(0)))
                    .containsExactly(
                            reference.network().layers().get(0).kernel().value());
            // The eighth example completes the batch of three.
            f.pipe(TrainingFixture.blobs(8, 1, "m").subList(7, 8));
            assertThat(f.status("m").steps()).isEqualTo(2);
            assertThat(f.status("m").examplesTrained()).isEqualTo(8);
        }
    }

    @Test
    void snapshotsCarryTheInputStandardizationOfTheTrainedExamples() {
        Map<String, String> settings = settings();
        settings.put("model.m.standardize", "true");
        List<Example> input = TrainingFixture.blobs(4, 15, "m");
        try (TrainingFixture f = new TrainingFixture(settings, dir)) {
            f.pipe(input);
            Standardization s = f.snapshots.readValue().getStandardization();
            double[][] x = features(input);
            for (int j = 0; j < 2; j++) {
                double mean = (x[0][j] + x[1][j] + x[2][j] + x[3][j]) / 4;
                double variance = 0;
                for (double[] row : x) {
                    variance += (row[j] - mean) * (row[j] - mean) / 4;
                }
                assertThat(s.getMean().get(j)).isCloseTo(mean, within(1e-12));
                assertThat(s.getVariance().get(j)).isCloseTo(variance, within(1e-12));
            }
            assertThat(s.getCount()).isEqualTo(4);
        }
    }

    @Test
    void snapshotVersionsIncreaseByOneFromZero() {
        try (TrainingFixture f = new TrainingFixture(settings(), dir)) {
            f.pipe(TrainingFixture.blobs(12, 2, "m"));
            List<ModelSnapshot> s = f.snapshots.readValuesToList();
            assertThat(s).extracting(ModelSnapshot::getVersion).containsExactly(0L, 1L, 2L);
            assertThat(s).extracting(ModelSnapshot::getStepsSeen).containsExactly(1L, 2L, 3L);
            assertThat(s).extracting(ModelSnapshot::getReason).containsOnly(SnapshotReason.PERIODIC);
            assertThat(s.get(2).getExamplesSeen()).isEqualTo(12);
        }
    }

    @Test
    void aSnapshotGateSeesEverySnapshotBeforeTheSink() {
        // Refuses odd versions: proves the gate's output, not the trainer's, reaches the topic.
        FixedKeyProcessorSupplier<String, ModelSnapshot, ModelSnapshot> gate = () -> new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<String, ModelSnapshot> context;

            @Override
            public void init(FixedKeyProcessorContext<String, ModelSnapshot> context) {
                this.context = context;
            }

            @Override
            public void process(FixedKeyRecord<String, ModelSnapshot> record) {
                ModelSnapshot s = ModelSnapshot.newBuilder(record.value()).build();
                if (s.getVersion() % 2 == 1) {
                    s.setAccepted(false);
                    s.setRefusalReason("odd");
                }
                context.forward(record.withValue(s));
            }
        };
        try (TrainingFixture f = new TrainingFixture(settings(), dir, gate)) {
            f.pipe(TrainingFixture.blobs(12, 2, "m"));
            assertThat(f.snapshots.readValuesToList())
                    .extracting(ModelSnapshot::getAccepted)
                    .containsExactly(true, false, true);
        }
    }

    @Test
    void holdoutSplitSendsExactlyTheIdsBelowTheFractionToTheHoldoutBuffer() {
        Map<String, String> settings = settings();
        settings.put("holdout.fraction", "0.3");
        settings.put("holdout.buffer-size", "50");
        settings.put("model.m.batch-size", "1000");
        List<Example> input = TrainingFixture.blobs(1000, 3, "m");
        // u(id) = (murmur2(utf8(id)) & 0x7fffffff) / 2^31, restated here from the documented rule.
        long expected = input.stream()
                .filter(e -> (Utils.murmur2(e.getId().getBytes(StandardCharsets.UTF_8)) & 0x7fffffff) / 0x1p31 < 0.3)
                .count();
        try (TrainingFixture f = new TrainingFixture(settings, dir)) {
            f.pipe(input);
            ModelStatus s = f.status("m");
            assertThat(s.holdoutReceived()).isEqualTo(expected);
            assertThat(expected).isBetween(300L - 45, 300L + 45); // ±3 binomial standard deviations
            assertThat(s.holdoutCount()).isEqualTo(50);
            assertThat(f.storedSlots(TrainingTopology.PARTIAL_BATCH_STORE, "m")).isEqualTo(1000 - (int) expected);
            assertThat(s.steps()).isZero();
        }
    }

    @Test
    void holdoutTopicModeBuffersOnlyTheHoldoutTopic() {
        Map<String, String> settings = settings();
        settings.put("holdout.mode", "topic");
        settings.put("holdout.fraction", "0.5");
        try (TrainingFixture f = new TrainingFixture(settings, dir)) {
            TestInputTopic<byte[], byte[]> holdout = f.driver.createInputTopic(
                    f.config.topics().holdout(), new ByteArraySerializer(), new ByteArraySerializer());
            TrainingFixture.blobs(3, 13, "m").forEach(e -> holdout.pipeInput(TrainingFixture.encode(e)));
            f.pipe(TrainingFixture.blobs(8, 14, "m"));
            ModelStatus s = f.status("m");
            assertThat(s.holdoutReceived()).isEqualTo(3);
            assertThat(s.examplesTrained()).isEqualTo(8);
        }
    }

    @Test
    void earlyStoppingPublishesTheBestWeightsPausesAndResumeReArms() {
        Map<String, String> settings = settings();
        settings.put("snapshot-every", "0");
        settings.put("holdout.fraction", "0.5");
        settings.put("holdout.buffer-size", "8");
        settings.put("model.m.eval-every", "1");
        settings.put("model.m.early-stopping.enabled", "true");
        settings.put("model.m.early-stopping.monitor", "holdout_loss");
        // An improvement must exceed 10 nats: only the first evaluation improves, the second stops training.
        settings.put("model.m.early-stopping.min-delta", "10");
        settings.put("model.m.early-stopping.patience", "1");
        settings.put("model.m.early-stopping.restore-best-weights", "true");
        try (TrainingFixture f = new TrainingFixture(settings, dir)) {
            f.pipe(TrainingFixture.blobs(60, 4, "m"));
            List<ModelSnapshot> snapshots = f.snapshots.readValuesToList();
            assertThat(snapshots)
                    .extracting(ModelSnapshot::getReason)
                    .containsExactly(SnapshotReason.BEST, SnapshotReason.EARLY_STOP);
            ModelSnapshot best = snapshots.get(0);
            ModelSnapshot stop = snapshots.get(1);
            assertThat(stop.getStepsSeen()).isGreaterThan(best.getStepsSeen());
            assertThat(parameters(stop)).usingRecursiveComparison().isEqualTo(parameters(best));
            assertThat(stop.getHoldoutMetrics().get("loss"))
                    .isEqualTo(best.getHoldoutMetrics().get("loss"));
            List<TrainingMetrics> metrics = f.metrics.readValuesToList();
            TrainingMetrics last = metrics.get(metrics.size() - 1);
            assertThat(last.getPaused()).isTrue();
            assertThat(last.getEarlyStoppingWait()).isEqualTo(1);
            assertThat(f.events).contains("paused m");

            ModelStatus paused = f.status("m");
            assertThat(paused.paused()).isTrue();
            assertThat(paused.examplesWhilePaused()).isPositive();
            f.pipe(TrainingFixture.blobs(20, 5, "m"));
            ModelStatus later = f.status("m");
            assertThat(later.steps()).isEqualTo(paused.steps());
            assertThat(later.examplesWhilePaused() + later.holdoutReceived())
                    .isEqualTo(paused.examplesWhilePaused() + paused.holdoutReceived() + 20);
            // a FINAL snapshot of the restored weights carries their scores, not those of the weights replaced
            f.finals.request();
            f.driver.advanceWallClockTime(FinalSnapshotTrigger.POLL_INTERVAL);
            ModelSnapshot atShutdown = f.snapshots.readValuesToList().get(0);
            assertThat(atShutdown.getReason()).isEqualTo(SnapshotReason.FINAL);
            assertThat(atShutdown.getHoldoutMetrics()).isEqualTo(stop.getHoldoutMetrics());

            f.command("{\"model\": \"m\", \"command\": \"resume\"}");
            assertThat(f.status("m").paused()).isFalse();
            assertThat(f.events).endsWith("resumed m");
            f.pipe(TrainingFixture.blobs(20, 6, "m"));
            assertThat(f.status("m").steps()).isGreaterThan(paused.steps());
            // Early stopping was re-armed: its first evaluation is an improvement again.
            assertThat(f.snapshots.readValuesToList())
                    .extracting(ModelSnapshot::getReason)
                    .startsWith(SnapshotReason.BEST);
        }
    }

    @Test
    void theStepBudgetPausesTrainingWithAnEarlyStopSnapshotUntilResumed() {
        Map<String, String> settings = settings();
        settings.put("snapshot-every", "0");
        settings.put("model.m.budget.max-steps", "2");
        try (TrainingFixture f = new TrainingFixture(settings, dir)) {
            f.pipe(TrainingFixture.blobs(12, 16, "m"));
            assertThat(f.snapshots.readValuesToList())
                    .extracting(ModelSnapshot::getReason, ModelSnapshot::getStepsSeen)
                    .containsExactly(tuple(SnapshotReason.EARLY_STOP, 2L));
            assertThat(f.status("m").paused()).isTrue();
            assertThat(f.status("m").examplesWhilePaused()).isEqualTo(4);
            f.command("resume m");
            f.pipe(TrainingFixture.blobs(8, 17, "m"));
            assertThat(f.status("m").steps()).isEqualTo(4);
            assertThat(f.status("m").paused()).isTrue();
        }
    }

    @Test
    void setAndResetCommandsReachTheModel() {
        Map<String, String> settings = settings();
        settings.put("snapshot-every", "0");
        try (TrainingFixture f = new TrainingFixture(settings, dir)) {
            f.pipe(TrainingFixture.blobs(3, 8, "m"));
            // The batch already holds 3 ≥ 2 examples: the new batch size trains on them at once.
            f.command("set m batch-size 2");
            assertThat(f.status("m").steps()).isEqualTo(1);
            assertThat(f.status("m").examplesTrained()).isEqualTo(3);
            f.pipe(TrainingFixture.blobs(2, 9, "m"));
            assertThat(f.status("m").steps()).isEqualTo(2);
            assertThat(f.status("m").examplesTrained()).isEqualTo(5);
            f.command("{\"model\":\"*\",\"command\":\"set\",\"key\":\"learning-rate\",\"value\":0.5}");
            assertThat(f.status("m").learningRate()).isEqualTo(0.5);
            f.command("reset m");
            assertThat(f.status("m").steps()).isZero();
            assertThat(f.status("m").learningRate()).isEqualTo(0.5);
            assertThat(f.deadLetters.isEmpty()).isTrue();
        }
    }

    @Test
    void aFinalSnapshotIsPublishedWhenRequested() throws InterruptedException {
        try (TrainingFixture f = new TrainingFixture(settings(), dir)) {
            f.pipe(TrainingFixture.blobs(9, 10, "m"));
            assertThat(f.snapshots.readValuesToList()).hasSize(2);
            f.driver.advanceWallClockTime(Duration.ofSeconds(1));
            assertThat(f.snapshots.isEmpty()).isTrue();
            f.finals.request();
            f.driver.advanceWallClockTime(FinalSnapshotTrigger.POLL_INTERVAL);
            List<ModelSnapshot> finals = f.snapshots.readValuesToList();
            assertThat(finals).extracting(ModelSnapshot::getReason).containsExactly(SnapshotReason.FINAL);
            assertThat(finals.get(0).getVersion()).isEqualTo(2);
            assertThat(finals.get(0).getStepsSeen()).isEqualTo(2);
            assertThat(f.finals.awaitPublished(1, Duration.ZERO)).isTrue();
            f.driver.advanceWallClockTime(Duration.ofSeconds(1));
            assertThat(f.snapshots.isEmpty()).isTrue();
        }
    }

    @Test
    void anExampleWithoutModelTrainsEveryModelAndEachModelValidatesItsCopy() {
        Map<String, String> settings = settings();
        settings.putAll(TrainingFixture.logisticModel("wide"));
        settings.put("model.wide.input-size", "3");
        settings.put("model.wide.batch-size", "2");
        settings.putAll(TrainingFixture.logisticModel("twin"));
        settings.put("model.twin.batch-size", "2");
        try (TrainingFixture f = new TrainingFixture(settings, dir)) {
            f.pipe(TrainingFixture.blobs(4, 12, null));
            assertThat(f.status("m").steps()).isEqualTo(1);
            assertThat(f.status("twin").steps()).isEqualTo(2);
            assertThat(f.status("wide")).isNull();
            // Each model has its own snapshot versions, keyed by its id.
            assertThat(f.snapshots.readKeyValuesToList())
                    .extracting(kv -> kv.key + " v" + kv.value.getVersion())
                    .containsExactlyInAnyOrder("m v0", "twin v0", "twin v1");
            assertThat(f.deadLetters.readRecordsToList()).hasSize(4).allSatisfy(r -> {
                assertThat(new String(r.headers().lastHeader("eddy.dlq.reason").value(), StandardCharsets.UTF_8))
                        .isEqualTo("wrong-feature-count");
                assertThat(new String(r.headers().lastHeader("eddy.dlq.model").value(), StandardCharsets.UTF_8))
                        .isEqualTo("wide");
            });
        }
    }

    static double[] kernel(ModelSnapshot s) {
        NamedTensor t = s.getParameters().stream()
                .filter(p -> p.getName().equals("dense_0/kernel"))
                .findFirst()
                .orElseThrow();
        return values(t);
    }

    static Map<String, double[]> parameters(ModelSnapshot s) {
        return s.getParameters().stream().collect(Collectors.toMap(NamedTensor::getName, TrainingTopologyTest::values));
    }

    /** The little-endian float64 values of a snapshot tensor. */
    static double[] values(NamedTensor tensor) {
        ByteBuffer b = tensor.getValues().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[b.remaining() / Double.BYTES];
        b.asDoubleBuffer().get(out);
        return out;
    }

    static double[][] features(List<Example> examples) {
        return examples.stream()
                .map(e -> e.getFeatures().stream()
                        .mapToDouble(Double::doubleValue)
                        .toArray())
                .toArray(double[][]::new);
    }

    static double[] labels(List<Example> examples) {
        return examples.stream().mapToDouble(e -> e.getClassLabel()).toArray();
    }
}
