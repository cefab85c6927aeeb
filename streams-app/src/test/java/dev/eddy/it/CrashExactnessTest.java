package dev.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.app.EddyApp;
import dev.eddy.config.EddyConfig;
import dev.eddy.core.kernel.Precision;
import dev.eddy.core.optim.Parameter;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.it.Runs.Decision;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.serving.SnapshotModels;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.ModelStatusSerde;
import dev.eddy.state.PartialBatch;
import dev.eddy.topology.TrainingTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exactly-once contract (DESIGN.md, "Exactly once"): {@code eddy run} in a separate JVM is killed with SIGKILL
 * at random points of a training run and restarted each time; when it has consumed everything, the snapshots it
 * published (every one, periodic, best and early-stop, then the FINAL one of the clean shutdown) are bit-identical
 * to those of an uninterrupted run on the same input, and its status counters are equal. Both routings are tested:
 * through the trainer-input topic, and {@code routing=direct}; direct routing on four input partitions
 * ({@code direct-partitioned}, one kill of each point), where the examples name no model and share a key of another
 * partition than the model's, so that every example reaches the trainer through the fan-out topic; and a model pruned
 * during training with the kills landing while its masks grow ({@code pruned}: direct routing, 80% sparsity from step
 * 50 to 400, masks every 25 steps, of about 560 steps; one kill of each point); a short float32 case ({@code
 * float32}: {@code precision=float32}, direct routing, {@value #FLOAT32_EXAMPLES} examples, {@value #FLOAT32_KILLS}
 * kills, at a random moment and while a snapshot is published); a model warm-started from an {@code eddy export}
 * file with its first layer frozen ({@code warm-started}: direct routing, as short as the float32 case), whose pinned
 * source and lineage must come through the kills unchanged, beside a model {@code tgt} that warm-starts from it: its
 * {@value #WAITING} examples come first, so it waits, holding them, until the model's first snapshot, then trains on
 * them (its snapshots are compared too); and as short an ensemble case ({@code ensemble}:
 * leveraging bagging of 3 members, direct routing). The {@code direct} case trains, beside {@code m} and on the same
 * examples (they name no model), two online searches of 4 small trials each: {@code asha} (rungs at 100·2ᵏ examples,
 * re-opened when its champion's drift detector fires) and {@code pbt} (an exploit round every 250 examples), so that
 * its kills land between rungs, during exploits and around champion switches; their decisions (each once, at the same
 * examples), the stored state of every search and trial (bit for bit) and their snapshot versions are compared too.
 *
 * <p>The kills cycle through four {@link KillPoint}s: at a random moment of training, right when a snapshot is
 * being published (the moment the snapshot record of an open transaction appears on the topic), while the
 * restarted process restores its state from the changelogs (Kafka Streams' restoration log line, within 0.5 s), and
 * right when a drift event is being published (a warning, a detection, a challenger starting, swapped in or dropped:
 * the drift detector's and the challenger's state are in the open transaction), or, in the {@code direct} case, a
 * search's decision, aimed in turn at an exploit and at a champion switch (with the search's state).
 *
 * <p>{@code -Dkill.points=N} (default 8: two of each) kills; {@code -Dkill.seed=S} repeats a run's kill points;
 * {@code -Dcrash.examples=N} (default 20,000) examples of elec2, or of breast_cancer replayed when the shared
 * datasets folder is absent.
 */
class CrashExactnessTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    private static final String MODEL = "m";
    private static final ModelStatusSerde STATUSES = new ModelStatusSerde();
    /** The case of direct routing on {@link #PARTITIONS} input partitions. */
    private static final String PARTITIONED = "direct-partitioned";

    private static final int PARTITIONS = 4;
    private static final String LAYERS = "32:relu,16:relu,1:sigmoid";
    private static final int EXAMPLES = Integer.getInteger("crash.examples", 20_000);
    private static final int KILLS = Integer.getInteger("kill.points", 8);
    /** The variant whose model prunes during training (with direct routing). */
    private static final String PRUNED = "pruned";
    /** The float32 variant, direct routing; kept short: float32 changes the numbers, not the exactly-once machinery. */
    private static final String FLOAT32 = "float32";

    /** The ensemble variant (leveraging bagging of 3), direct routing, as short as the float32 one. */
    private static final String ENSEMBLE = "ensemble";

    private static final int FLOAT32_EXAMPLES = 6_000;
    private static final int FLOAT32_KILLS = 2;
    /** The variant whose model warm-starts from {@link #WARM_SOURCE} (direct routing, as short as float32). */
    private static final String WARM = "warm-started";
    /** The export file it warm-starts from: a network of the same layers, initialized under another seed. */
    private static final Path WARM_SOURCE =
            Path.of("target", "crash-warm-start-source.eddy").toAbsolutePath();
    /** In the warm-started case: examples of model tgt, ahead of the model's, held until the model's first snapshot. */
    private static final int WAITING = 400;
    /** The model that waits for the first snapshot of {@link #MODEL}, in the warm-started case. */
    private static final String WAITER = "tgt";
    /** The variant with two searched models beside {@link #MODEL}: {@link #ASHA} and {@link #PBT}. */
    private static final String SEARCHED = "direct";
    /** In the {@link #SEARCHED} case: an ASHA search of 4 trials, rungs at 100·2ᵏ examples, re-opened on drift. */
    private static final String ASHA = "asha";
    /** In the {@link #SEARCHED} case: a PBT search of 4 trials of one shape, an exploit round every 250 examples. */
    private static final String PBT = "pbt";
    /** Marks a kill that landed while a search was under way. */
    private static final String DURING_SEARCH = ", during the searches";
    /**
     * What the event kills of the {@link #SEARCHED} case aim at, in turn: an exploit, then a champion switch (the
     * random kills land between rungs).
     */
    private static final List<String> AIMED_DECISIONS = List.of("search-exploit", "search-champion");
    /** An event kill that takes the next event of any kind. */
    private static final String ANY_EVENT = "";

    private static final long SEED = Long.getLong("kill.seed", System.nanoTime());
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration FINISH_TIMEOUT = Duration.ofSeconds(180);

    /**
     * The prefix of the state updater's log lines: its first line comes when the new assignment's tasks are handed to
     * it, i.e. when restoration starts (restoring the small model's changelogs then takes about 0.5 s).
     */
    private static final String RESTORE_LINE = "state-updater [";
    /** StoreChangelogReader's line when it restored a changelog partition. */
    private static final String RESTORED_LINE = "Finished restoring changelog";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"repartition", "direct", PARTITIONED, PRUNED, FLOAT32, WARM, ENSEMBLE})
    void killedAndRestartedTrainingPublishesExactlyWhatAnUninterruptedRunPublishes(String variant) throws Exception {
        boolean partitioned = variant.equals(PARTITIONED);
        boolean float32 = variant.equals(FLOAT32);
        boolean warm = variant.equals(WARM);
        boolean ensemble = variant.equals(ENSEMBLE);
        // Short cases: float32, a warm start and members change the numbers, not the exactly-once machinery.
        boolean shortRun = float32 || warm || ensemble;
        int examples = shortRun ? Math.min(EXAMPLES, FLOAT32_EXAMPLES) : EXAMPLES;
        boolean searched = variant.equals(SEARCHED);
        // Examples that name no model train every configured model: with searches, m and both searches.
        TrainingStreams stream = TrainingStreams.elec2OrBreastCancer(examples, partitioned || searched ? null : MODEL);
        int killCount =
                partitioned || variant.equals(PRUNED) ? KillPoint.values().length : shortRun ? FLOAT32_KILLS : KILLS;
        if (warm) {
            TrainerConfig source = TrainerConfig.fromProperties(
                    Map.of("input-size", Integer.toString(stream.inputSize()), "layers", LAYERS, "seed", "99"));
            Files.write(WARM_SOURCE, Trainer.create(source).inferenceModel().toBytes());
        }
        System.out.printf(
                "crash exactness, %s: %s, %d kills, -Dkill.seed=%d%n", variant, stream.description(), killCount, SEED);
        String ref = "ref-" + variant;
        String crash = "crash-" + variant;
        String examplesTopic = examplesTopic(variant);
        if (partitioned) {
            kafka.admin()
                    .createTopics(List.of(
                            new NewTopic(examplesTopic, PARTITIONS, (short) 1),
                            new NewTopic(ref + ".commands", PARTITIONS, (short) 1),
                            new NewTopic(crash + ".commands", PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }
        EddyApp.createTopics(EddyConfig.of(settings(ref, stream.inputSize())));
        EddyApp.createTopics(EddyConfig.of(settings(crash, stream.inputSize())));
        if (partitioned) {
            // in order under one key of another partition: every example crosses the fan-out topic
            stream.produce(
                    kafka.bootstrapServers(), examplesTopic, TrainingStreams.keyOfAnotherPartition(MODEL, PARTITIONS));
        } else {
            if (warm) {
                TrainingStreams.elec2OrBreastCancer(WAITING, WAITER).produce(kafka.bootstrapServers(), examplesTopic);
            }
            stream.produce(kafka.bootstrapServers(), examplesTopic);
        }

        long t0 = System.nanoTime();
        try (AppProcess refApp = start(ref, stream.inputSize(), 0)) {
            refApp.awaitMetricsUri(START_TIMEOUT);
            long running = System.nanoTime();
            Runs.awaitCaughtUp(kafka.admin(), "crash-test-" + ref, examplesTopic, FINISH_TIMEOUT, refApp);
            double seconds = (System.nanoTime() - running) / 1e9;
            System.out.printf(
                    "uninterrupted run: %d examples consumed in %.2f s after start-up (%.0f examples/s, end-to-end"
                            + " incl. the last commit), %.1f s in all%n",
                    stream.examples().size(),
                    seconds,
                    stream.examples().size() / seconds,
                    (System.nanoTime() - t0) / 1e9);
            assertThat(refApp.stop(Duration.ofSeconds(60))).as(refApp.log()).isEqualTo(AppProcess.EXIT_SIGTERM);
        }
        List<ModelSnapshot> expected = Runs.snapshots(kafka.bootstrapServers(), ref + ".snapshots");
        ModelStatus expectedStatus =
                Runs.statuses(kafka.bootstrapServers(), "crash-test-" + ref).get(MODEL);
        assertThat(expected).isNotEmpty();
        assertThat(expected.get(expected.size() - 1).getReason()).isEqualTo(SnapshotReason.FINAL);
        List<ModelSnapshot> ofModel =
                expected.stream().filter(s -> s.getModelId().equals(MODEL)).toList();
        if (variant.equals(WARM)) {
            assertThat(ofModel)
                    .allSatisfy(s -> assertThat(s.getWarmStart().getFile()).isEqualTo(WARM_SOURCE.toString()));
            List<ModelSnapshot> ofWaiter =
                    expected.stream().filter(s -> s.getModelId().equals(WAITER)).toList();
            assertThat(ofWaiter).isNotEmpty().allSatisfy(s -> {
                assertThat(s.getWarmStart().getModel()).isEqualTo(MODEL);
                assertThat(s.getWarmStart().getVersion()).isZero();
            });
            ModelStatus waiter =
                    Runs.statuses(kafka.bootstrapServers(), "crash-test-" + ref).get(WAITER);
            assertThat(waiter.examplesTrained() + waiter.holdoutReceived())
                    .as("the held examples applied once, up to a partial batch")
                    .isBetween((long) WAITING - 31, (long) WAITING);
        }
        long totalSteps = ofModel.get(ofModel.size() - 1).getStepsSeen();
        ModelSnapshot first = expected.get(0);
        ModelSnapshot lastPeriodic = expected.get(expected.size() - 2);
        System.out.printf(
                "training rate between the first and the last periodic snapshot: %.0f examples/s%n",
                (lastPeriodic.getExamplesSeen() - first.getExamplesSeen())
                        * 1000.0
                        / Math.max(
                                1,
                                lastPeriodic.getCreatedAt().toEpochMilli()
                                        - first.getCreatedAt().toEpochMilli()));
        List<String> events = new ArrayList<>();
        KafkaReads.readAll(
                        kafka.bootstrapServers(),
                        ref + ".metrics",
                        new StringDeserializer(),
                        AvroSerdes.trainingMetrics().deserializer())
                .forEach(r -> {
                    if (r.value().getEvent() != null) {
                        events.add(r.value().getExamplesSeen() + " "
                                + r.value().getEvent().getKind());
                    }
                });
        System.out.println("drift events of the uninterrupted run: "
                + events.stream().filter(e -> !e.contains(" search-")).toList());
        assertThat(events).as("drift events for the drift kill point").isNotEmpty();
        List<Decision> decisions = searched ? decisions(ref) : List.of();
        if (searched) {
            Map<String, Long> counts = new TreeMap<>();
            decisions.forEach(d -> counts.merge(d.model() + " " + d.kind(), 1L, Long::sum));
            System.out.println("search decisions of the uninterrupted run: " + counts);
            assertThat(counts)
                    .as("decisions during the run, for the kills to land among")
                    .containsKeys(
                            ASHA + " search-prune",
                            ASHA + " search-promote",
                            ASHA + " search-champion",
                            PBT + " search-exploit",
                            PBT + " search-champion");
            assertThat(counts.get(ASHA + " search-champion") + counts.get(PBT + " search-champion"))
                    .as("champion switches after the first choice of each search")
                    .isGreaterThan(2);
        }
        assertThat(expectedStatus.examplesTrained()
                        + expectedStatus.examplesWhilePaused()
                        + expectedStatus.holdoutReceived())
                .as("every example applied once, up to a partial batch")
                .isBetween((long) examples - 31, (long) examples);
        if (ensemble) {
            ModelSnapshot last = expected.get(expected.size() - 1);
            assertThat(SnapshotModels.inferenceModel(last).members()).isEqualTo(3);
            assertThat(expectedStatus.members()).hasSize(3);
        }
        if (float32) {
            ModelSnapshot last = expected.get(expected.size() - 1);
            assertThat(last.getPrecision()).isEqualTo("float32");
            InferenceModel model = SnapshotModels.inferenceModel(last);
            assertThat(model.precision()).isEqualTo(Precision.FLOAT32);
            for (Parameter p : model.network().parameters()) {
                for (double w : p.value()) {
                    assertThat((double) (float) w)
                            .as("%s holds floats", p.name())
                            .isEqualTo(w);
                }
            }
        }

        Random random = new Random(SEED);
        long[] killSteps = random.longs(killCount, totalSteps / 20, totalSteps * 19 / 20)
                .sorted()
                .toArray();
        List<String> kills = new ArrayList<>();
        for (int k = 0; k < killCount; k++) {
            KillPoint point = KillPoint.values()[k % KillPoint.values().length];
            try (KafkaConsumer<String, ModelSnapshot> progress = progressConsumer(crash);
                    AppProcess app = start(crash, stream.inputSize(), k)) {
                app.awaitMetricsUri(START_TIMEOUT);
                if (point == KillPoint.RESTORING) {
                    kills.add(killWhileRestoring(app, random, k));
                    continue;
                }
                if (point == KillPoint.DRIFT_EVENT) {
                    String aim = searched ? AIMED_DECISIONS.get(k / KillPoint.values().length % 2) : ANY_EVENT;
                    kills.add(killAtTheNextEvent(crash, app, k, aim, decisions));
                    continue;
                }
                ModelSnapshot seen = awaitProgress(progress, killSteps[k], app);
                if (point == KillPoint.RANDOM) {
                    Thread.sleep(random.nextInt(200));
                }
                app.kill();
                kills.add(String.format(
                        "kill %d (%s) at step >= %d (target %d)%s",
                        k + 1,
                        point.description,
                        seen.getStepsSeen(),
                        killSteps[k],
                        duringSearch(decisions, seen.getExamplesSeen())));
            }
        }
        System.out.println("crash run: " + kills);
        if (searched) {
            long during = kills.stream().filter(s -> s.contains(DURING_SEARCH)).count();
            System.out.printf("kills that landed while a search was under way: %d of %d%n", during, killCount);
            assertThat(during)
                    .as("kills among the search's decisions: %s", kills)
                    .isPositive();
            assertThat(kills)
                    .as("an event kill that met the decision it aimed at (%s)", AIMED_DECISIONS)
                    .anyMatch(s -> AIMED_DECISIONS.stream().anyMatch(aim -> s.contains(": " + aim + " of ")));
        }
        try (AppProcess app = start(crash, stream.inputSize(), killCount)) {
            app.awaitMetricsUri(START_TIMEOUT);
            Runs.awaitCaughtUp(kafka.admin(), "crash-test-" + crash, examplesTopic, FINISH_TIMEOUT, app);
            assertThat(app.stop(Duration.ofSeconds(60))).as(app.log()).isEqualTo(AppProcess.EXIT_SIGTERM);
        }
        List<ModelSnapshot> actual = Runs.snapshots(kafka.bootstrapServers(), crash + ".snapshots");

        assertThat(actual)
                .as("snapshots after %d kills, -Dkill.seed=%d", killCount, SEED)
                .hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            int at = i;
            assertThat(Runs.comparable(actual.get(i)))
                    .as(() -> String.format(
                            "%s: snapshot %d (version %d, %s); around it, uninterrupted %s, crash run %s",
                            variant,
                            at,
                            expected.get(at).getVersion(),
                            expected.get(at).getReason(),
                            around(expected, at),
                            around(actual, at)))
                    .isEqualTo(Runs.comparable(expected.get(i)));
        }
        ModelStatus actualStatus =
                Runs.statuses(kafka.bootstrapServers(), "crash-test-" + crash).get(MODEL);
        assertThat(actualStatus.steps()).isEqualTo(expectedStatus.steps());
        assertThat(actualStatus.examplesTrained()).isEqualTo(expectedStatus.examplesTrained());
        assertThat(actualStatus.examplesWhilePaused()).isEqualTo(expectedStatus.examplesWhilePaused());
        assertThat(actualStatus.holdoutReceived()).isEqualTo(expectedStatus.holdoutReceived());
        assertThat(actualStatus.snapshotVersion()).isEqualTo(expectedStatus.snapshotVersion());
        if (variant.equals(WARM)) {
            assertThat(Runs.statuses(kafka.bootstrapServers(), "crash-test-" + crash))
                    .extractingByKey(WAITER)
                    .isEqualTo(Runs.statuses(kafka.bootstrapServers(), "crash-test-" + ref)
                            .get(WAITER));
        }
        if (searched) {
            assertSameSearches(ref, crash, expected, decisions);
        }
    }

    /**
     * The searches came through the kills unchanged: the same decisions, each once, at the same examples; the same
     * stored state of every search and every trial, bit for bit (the search's record {@code <id>/search} with its
     * champion and strategy, each trial's trainer state, partial batch, holdout buffer, prequential window and status);
     * and each search's snapshots under its id numbered 0, 1, 2, … (the snapshots themselves are compared above). Of
     * the partial batches, the slots a restart loads are compared ({@link #liveSlots}).
     */
    private static void assertSameSearches(
            String ref, String crash, List<ModelSnapshot> expected, List<Decision> decisions) {
        assertThat(decisions(crash)).as("the decisions, each exactly once").isEqualTo(decisions);
        for (String store : List.of(
                TrainingTopology.TRAINER_STATE_STORE,
                TrainingTopology.PARTIAL_BATCH_STORE,
                TrainingTopology.HOLDOUT_STORE,
                TrainingTopology.STATUS_STORE)) {
            Map<String, byte[]> want = store.equals(TrainingTopology.PARTIAL_BATCH_STORE)
                    ? liveSlots("crash-test-" + ref)
                    : searchState("crash-test-" + ref, store);
            Map<String, byte[]> got = store.equals(TrainingTopology.PARTIAL_BATCH_STORE)
                    ? liveSlots("crash-test-" + crash)
                    : searchState("crash-test-" + crash, store);
            assertThat(got.keySet()).as("keys of the searches in %s", store).isEqualTo(want.keySet());
            want.forEach((key, bytes) ->
                    assertThat(got.get(key)).as("%s of %s", key, store).isEqualTo(bytes));
            System.out.printf("%s: %d records of the searches bit-identical%n", store, want.size());
        }
        for (String model : List.of(ASHA, PBT)) {
            List<ModelSnapshot> served =
                    expected.stream().filter(s -> s.getModelId().equals(model)).toList();
            assertThat(served).as("snapshots of %s", model).isNotEmpty();
            for (int v = 0; v < served.size(); v++) {
                assertThat(served.get(v).getVersion())
                        .as("%s's versions: strictly increasing, none lost or doubled", model)
                        .isEqualTo(v);
                assertThat(served.get(v).getTrial()).startsWith(model + "~t");
            }
            assertThat(served)
                    .as("%s publishes its champion at a switch", model)
                    .anySatisfy(s -> assertThat(s.getReason()).isEqualTo(SnapshotReason.CHAMPION));
        }
    }

    /**
     * Snapshots {@code i − 3} to {@code i + 3} of {@code snapshots} as "model vVERSION REASON@steps": where two runs
     * part, whether a snapshot differs or the models' snapshots interleave differently.
     */
    private static List<String> around(List<ModelSnapshot> snapshots, int i) {
        return snapshots.subList(Math.max(0, i - 3), Math.min(snapshots.size(), i + 4)).stream()
                .map(s -> s.getModelId() + " v" + s.getVersion() + " " + s.getReason() + "@" + s.getStepsSeen())
                .toList();
    }

    /** The committed search decisions of run {@code run}, in the order they were published. */
    private static List<Decision> decisions(String run) {
        return Runs.decisions(kafka.bootstrapServers(), run + ".metrics");
    }

    /**
     * The last committed value of every key of the searches ({@code <id>}, {@code <id>/…}, {@code <id>~tNN…}) in
     * store {@code store} of application {@code applicationId}, read from its changelog (a deleted key is absent).
     */
    /**
     * The searches' partial-batch slots that a restart loads: those of each trial's current batch, whose sequence is
     * the examples its trainer was given before the batch plus the slot ({@link PartialBatch}). The
     * slots of earlier batches are stale, and which of them were ever written depends on where the commits fell: a
     * model writes its batch at each commit, so a row that completed its batch between two commits was never written.
     */
    private static Map<String, byte[]> liveSlots(String applicationId) {
        Map<String, byte[]> statuses = searchState(applicationId, TrainingTopology.STATUS_STORE);
        Map<String, byte[]> live = new TreeMap<>();
        searchState(applicationId, TrainingTopology.PARTIAL_BATCH_STORE).forEach((key, bytes) -> {
            int cut = key.lastIndexOf('/');
            String model = key.substring(0, cut);
            long generation = STATUSES.deserialize(null, statuses.get(model)).examplesTrained();
            if (PartialBatch.sequence(bytes) == generation + Integer.parseInt(key.substring(cut + 1))) {
                live.put(key, bytes);
            }
        });
        return live;
    }

    private static Map<String, byte[]> searchState(String applicationId, String store) {
        return Runs.storeState(kafka.bootstrapServers(), applicationId, store, key -> List.of(ASHA, PBT).stream()
                .anyMatch(m -> key.equals(m) || key.startsWith(m + "/") || key.startsWith(m + "~")));
    }

    /**
     * {@link #DURING_SEARCH} when {@code examples} (of the stream, as a model counts them) lies between the first and
     * the last decision of the uninterrupted run, else nothing.
     */
    private static String duringSearch(List<Decision> decisions, long examples) {
        boolean during = !decisions.isEmpty()
                && decisions.get(0).examples() <= examples
                && examples
                        <= decisions.stream()
                                .mapToLong(Decision::examples)
                                .max()
                                .orElseThrow();
        return during ? DURING_SEARCH : "";
    }

    /** Where in the run a kill lands. */
    private enum KillPoint {
        RANDOM("random moment"),
        SNAPSHOT_PUBLISHING("snapshot being published"),
        RESTORING("restoring state"),
        DRIFT_EVENT("drift or search event being published");

        final String description;

        KillPoint(String description) {
            this.description = description;
        }
    }

    /**
     * Kills {@code app} within 0.3 s of Kafka Streams' state updater taking over the assigned tasks (after a kill -9
     * under exactly-once the local stores are wiped and rebuilt from the changelogs).
     *
     * @return what happened, for the run's log
     */
    private static String killWhileRestoring(AppProcess app, Random random, int k) throws Exception {
        boolean restoring = app.awaitOutput(RESTORE_LINE, Duration.ofSeconds(30));
        Thread.sleep(random.nextInt(300));
        String log = app.log();
        app.kill();
        log.lines()
                .filter(l -> l.contains("estor") || l.contains("RUNNING"))
                .limit(40)
                .forEach(l -> System.out.println("DIAG " + l));
        return String.format(
                "kill %d (%s) %.2f s after the process started, %s, %s",
                k + 1,
                KillPoint.RESTORING.description,
                (System.nanoTime() - app.startedNanos()) / 1e9,
                !restoring
                        ? "no restoration seen"
                        : log.contains(RESTORED_LINE) ? "restoration partly done" : "mid-restoration",
                log.contains(Runs.RUNNING_LINE) ? "after RUNNING" : "before RUNNING");
    }

    /**
     * Kills {@code app} as soon as it writes a metrics record with an event (drift, or a search's decision) of kind
     * {@code aim} ({@link #ANY_EVENT}: any kind), committed or not (the first such event after the point it restarted
     * from); if none comes within 20 s (the stream has no such event left), kills it there.
     *
     * @param decisions the uninterrupted run's search decisions, to tell whether the kill landed during a search
     * @return what happened, for the run's log
     */
    private static String killAtTheNextEvent(String run, AppProcess app, int k, String aim, List<Decision> decisions)
            throws InterruptedException {
        try (KafkaConsumer<String, TrainingMetrics> consumer = KafkaReads.consumer(
                kafka.bootstrapServers(),
                run + ".metrics",
                new StringDeserializer(),
                AvroSerdes.trainingMetrics().deserializer(),
                IsolationLevel.READ_UNCOMMITTED)) {
            consumer.seekToEnd(consumer.assignment());
            consumer.assignment().forEach(consumer::position);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && app.isAlive()) {
                for (ConsumerRecord<String, TrainingMetrics> r : consumer.poll(Duration.ofMillis(20))) {
                    if (r.value().getEvent() != null
                            && (aim.equals(ANY_EVENT)
                                    || r.value().getEvent().getKind().equals(aim))) {
                        app.kill();
                        return String.format(
                                "kill %d (%s: %s of %s at %d examples)%s",
                                k + 1,
                                KillPoint.DRIFT_EVENT.description,
                                r.value().getEvent().getKind(),
                                r.value().getModelId(),
                                r.value().getExamplesSeen(),
                                duringSearch(decisions, r.value().getExamplesSeen()));
                    }
                }
            }
            app.kill();
            return String.format(
                    "kill %d (%s: no %s within 20 s)",
                    k + 1, KillPoint.DRIFT_EVENT.description, aim.equals(ANY_EVENT) ? "event" : aim);
        }
    }

    /** The examples of the runs of one variant (a routing, {@code direct-partitioned} or {@code pruned}). */
    private static String examplesTopic(String variant) {
        return "crash-" + variant + ".examples";
    }

    /**
     * The application's settings for run {@code run} ({@code ref-<variant>} or {@code crash-<variant>}): its own
     * application id and output topics, and the pruning keys for {@code pruned}.
     */
    private static Map<String, String> settings(String run, int inputSize) {
        String variant = run.substring(run.indexOf('-') + 1);
        String routing = variant.equals(PRUNED)
                        || variant.equals(PARTITIONED)
                        || variant.equals(FLOAT32)
                        || variant.equals(WARM)
                        || variant.equals(ENSEMBLE)
                ? "direct"
                : variant;
        Map<String, String> s = new HashMap<>();
        s.put("application.id", "crash-test-" + run);
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put("routing", routing);
        s.put("topic.examples", examplesTopic(variant));
        s.put("topic.snapshots", run + ".snapshots");
        s.put("topic.metrics", run + ".metrics");
        s.put("topic.dead-letters", run + ".dlq");
        s.put("topic.commands", run + ".commands");
        s.put("snapshot-every", "10");
        s.put("commit.interval.ms", "500");
        // A killed member stays in the group until its session times out; the restarted one waits for that.
        s.put("kafka.session.timeout.ms", "6000");
        s.put("kafka.heartbeat.interval.ms", "1000");
        s.put("model." + MODEL + ".input-size", Integer.toString(inputSize));
        s.put("model." + MODEL + ".layers", LAYERS);
        s.put("model." + MODEL + ".batch-size", "32");
        s.put("model." + MODEL + ".eval-every", "25");
        if (variant.equals(WARM)) {
            s.put("model." + MODEL + ".warm-start.file", WARM_SOURCE.toString());
            s.put("model." + MODEL + ".frozen-layers", "1");
            s.put("model." + WAITER + ".input-size", Integer.toString(inputSize));
            s.put("model." + WAITER + ".layers", LAYERS);
            s.put("model." + WAITER + ".batch-size", "32");
            s.put("model." + WAITER + ".eval-every", "25");
            s.put("model." + WAITER + ".warm-start.from", MODEL);
            s.put("model." + WAITER + ".frozen-layers", "1");
        }
        if (variant.equals(FLOAT32)) {
            s.put("model." + MODEL + ".precision", "float32");
        }
        if (variant.equals(ENSEMBLE)) {
            s.put("model." + MODEL + ".ensemble", "leveraging-bagging");
            s.put("model." + MODEL + ".ensemble.size", "3");
        }
        if (variant.equals(SEARCHED)) {
            for (String searched : List.of(ASHA, PBT)) {
                String m = "model." + searched + ".";
                s.put(m + "input-size", Integer.toString(inputSize));
                s.put(m + "batch-size", "16");
                s.put(m + "eval-every", "25");
                s.put(m + "search.trials", "4");
                s.put(m + "search.switch-margin", "0");
            }
            // Small trials (a hidden layer of 8, or none): the searches must not dominate the case's time.
            s.put("model." + ASHA + ".layers", "8:relu,1:sigmoid");
            s.put("model." + ASHA + ".search.strategy", "asha");
            s.put("model." + ASHA + ".search.space.layers", "8:relu|");
            s.put("model." + ASHA + ".search.space.learning-rate", "0.003|0.03|0.3");
            s.put("model." + ASHA + ".search.asha.min-examples", "100");
            s.put("model." + ASHA + ".search.asha.max-examples", "12800");
            s.put("model." + ASHA + ".search.asha.eta", "2");
            s.put("model." + PBT + ".layers", "8:relu,1:sigmoid");
            s.put("model." + PBT + ".search.strategy", "pbt");
            s.put("model." + PBT + ".search.space.learning-rate", "loguniform(0.003,0.3)");
            s.put("model." + PBT + ".search.pbt.interval-examples", "250");
        }
        if (variant.equals(PRUNED)) {
            s.put("model." + MODEL + ".prune.target-sparsity", "0.8");
            s.put("model." + MODEL + ".prune.begin-step", "50");
            s.put("model." + MODEL + ".prune.end-step", "400");
            s.put("model." + MODEL + ".prune.frequency", "25");
        }
        return s;
    }

    private AppProcess start(String run, int inputSize, int attempt) throws Exception {
        return AppProcess.start(
                dir.resolve(run + "-" + attempt + ".log"),
                Runs.STATE_LOGGING,
                Runs.args(settings(run, inputSize), dir.resolve(run + "-state")));
    }

    /** A read_uncommitted consumer of the run's snapshots, from their current end: what the next process writes. */
    private static KafkaConsumer<String, ModelSnapshot> progressConsumer(String run) {
        KafkaConsumer<String, ModelSnapshot> consumer = KafkaReads.consumer(
                kafka.bootstrapServers(),
                run + ".snapshots",
                new StringDeserializer(),
                AvroSerdes.modelSnapshots().deserializer(),
                IsolationLevel.READ_UNCOMMITTED);
        consumer.seekToEnd(consumer.assignment());
        consumer.assignment().forEach(consumer::position); // resolve the end now, before the process writes
        return consumer;
    }

    /**
     * Waits until the process wrote a snapshot of {@link #MODEL} of at least {@code steps} steps, committed or not (so
     * the kill often lands inside an open transaction).
     *
     * @return that snapshot
     */
    private static ModelSnapshot awaitProgress(
            KafkaConsumer<String, ModelSnapshot> consumer, long steps, AppProcess app) {
        long deadline = System.nanoTime() + FINISH_TIMEOUT.toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline && app.isAlive()) {
            for (ConsumerRecord<String, ModelSnapshot> r : consumer.poll(Duration.ofMillis(20))) {
                if (r.value().getModelId().equals(MODEL)) {
                    seen = Math.max(seen, r.value().getStepsSeen());
                    if (seen >= steps) {
                        return r.value();
                    }
                }
            }
        }
        throw new AssertionError("no snapshot of step " + steps + " (saw " + seen + "):\n" + app.log());
    }
}
