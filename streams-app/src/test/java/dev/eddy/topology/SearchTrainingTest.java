package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.config.EddyConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.state.ModelStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A search inside the Kafka application ({@code model.m.search.*}): its trials train in the task of {@code m}, only
 * the champion publishes, under {@code m} with {@code m}'s own versions, every decision is a metrics record, the
 * search continues exactly across restarts, and it takes the same decisions as {@code eddy evaluate}'s
 * {@link LocalSearch} (one driver, two homes).
 */
class SearchTrainingTest {

    private static final String MODEL = "m";

    @TempDir
    Path dir;

    static Map<String, String> settings() {
        Map<String, String> s = new HashMap<>(TrainingFixture.logisticModel(MODEL));
        s.put("holdout.fraction", "0.2");
        s.put("prequential.window", "20");
        s.put("snapshot-every", "5");
        s.put("model.m.search.strategy", "asha");
        s.put("model.m.search.trials", "6");
        s.put("model.m.search.asha.min-examples", "16");
        s.put("model.m.search.asha.max-examples", "256");
        s.put("model.m.search.asha.eta", "2");
        s.put("model.m.search.switch-margin", "0");
        s.put("model.m.search.space.learning-rate", "0.001|0.03|0.3");
        s.put("model.m.search.space.batch-size", "1|4");
        return s;
    }

    private record Run(
            List<ModelSnapshot> snapshots,
            List<TrainingMetrics> metrics,
            List<byte[]> trialStates,
            ModelStatus served) {}

    /** Pipes the segments, each in a new driver restored from the changelogs of the one before. */
    private static Run run(Path stateDir, List<List<Example>> segments) {
        return run(settings(), stateDir, segments);
    }

    private static Run run(Map<String, String> settings, Path stateDir, List<List<Example>> segments) {
        List<ModelSnapshot> snapshots = new ArrayList<>();
        List<TrainingMetrics> metrics = new ArrayList<>();
        List<byte[]> states = new ArrayList<>();
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs = null;
        ModelStatus served = null;
        for (List<Example> segment : segments) {
            try (TrainingFixture f = new TrainingFixture(settings, stateDir)) {
                if (changelogs != null) {
                    f.restore(changelogs);
                }
                f.pipe(segment);
                snapshots.addAll(f.snapshots.readValuesToList());
                metrics.addAll(f.metrics.readValuesToList());
                changelogs = f.changelogs();
                served = f.status(MODEL);
                states.clear();
                for (int t = 0; t < 6; t++) {
                    states.add(f.trainerState(SearchTraining.trialId(MODEL, t)));
                }
            }
        }
        return new Run(snapshots, metrics, states, served);
    }

    private static List<String> events(List<TrainingMetrics> metrics) {
        return metrics.stream()
                .filter(r -> r.getEvent() != null && r.getEvent().getKind().startsWith("search-"))
                .map(r -> r.getModelId() + " " + r.getEvent().getKind() + " "
                        + r.getEvent().getDetail())
                .toList();
    }

    /**
     * A clean stop's FINAL snapshot takes {@code m}'s next version, and the search's record keeps it in the same
     * transaction: the application may close right after it, and the restarted search publishes after that version
     * (before, the record kept the version before it, and the next snapshot repeated the FINAL's version).
     */
    @Test
    void theFinalSnapshotsVersionIsKeptForTheRestart() {
        List<Example> examples = TrainingFixture.blobs(400, 3, MODEL);
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        long finalVersion;
        try (TrainingFixture f = new TrainingFixture(settings(), dir.resolve("a"))) {
            f.pipe(examples.subList(0, 200));
            f.snapshots.readValuesToList();
            f.finals.request();
            f.driver.advanceWallClockTime(FinalSnapshotTrigger.POLL_INTERVAL);
            List<ModelSnapshot> finals = f.snapshots.readValuesToList();
            assertThat(finals).extracting(ModelSnapshot::getReason).containsExactly(SnapshotReason.FINAL);
            finalVersion = finals.get(0).getVersion();
            assertThat(f.status(MODEL).snapshotVersion()).isEqualTo(finalVersion);
            changelogs = f.changelogs();
        }
        try (TrainingFixture f = new TrainingFixture(settings(), dir.resolve("b"))) {
            f.restore(changelogs);
            f.pipe(examples.subList(200, 400));
            List<ModelSnapshot> after = f.snapshots.readValuesToList();
            assertThat(after).isNotEmpty();
            assertThat(after.get(0).getVersion()).isEqualTo(finalVersion + 1);
        }
    }

    /**
     * A model that is a search, then a plain model, then a search again continues one version counter: the search's
     * stored record is older than the versions the plain model published (which serving, the snapshot log and warm
     * starts would otherwise have kept over the search's repeated ones).
     */
    @Test
    void aSearchAgainAfterAPlainModelPublishesAfterItsVersions() {
        List<Example> examples = TrainingFixture.blobs(600, 7, MODEL);
        Map<String, String> plain = new HashMap<>(settings());
        plain.keySet().removeIf(k -> k.startsWith("model.m.search."));
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        long last;
        try (TrainingFixture f = new TrainingFixture(settings(), dir.resolve("search"))) {
            f.pipe(examples.subList(0, 200));
            changelogs = f.changelogs();
        }
        try (TrainingFixture f = new TrainingFixture(plain, dir.resolve("plain"))) {
            f.restore(changelogs);
            f.pipe(examples.subList(200, 400));
            List<ModelSnapshot> published = f.snapshots.readValuesToList();
            assertThat(published).isNotEmpty();
            last = published.get(published.size() - 1).getVersion();
            changelogs = f.changelogs();
        }
        try (TrainingFixture f = new TrainingFixture(settings(), dir.resolve("again"))) {
            f.restore(changelogs);
            f.pipe(examples.subList(400, 600));
            List<ModelSnapshot> published = f.snapshots.readValuesToList();
            assertThat(published).isNotEmpty();
            assertThat(published.get(0).getVersion()).isEqualTo(last + 1);
        }
    }

    @Test
    void onlyTheChampionPublishesUnderTheModelsIdWithItsOwnVersions() {
        Run run = run(dir.resolve("a"), List.of(TrainingFixture.blobs(600, 3, MODEL)));

        assertThat(run.snapshots()).isNotEmpty();
        for (int i = 0; i < run.snapshots().size(); i++) {
            ModelSnapshot s = run.snapshots().get(i);
            assertThat(s.getModelId()).isEqualTo(MODEL);
            assertThat(s.getVersion())
                    .as("m's own counter, strictly increasing")
                    .isEqualTo(i);
            assertThat(s.getTrial()).startsWith(MODEL + "~t");
            assertThat(s.getTrialConfig()).containsOnlyKeys("batch-size", "learning-rate");
        }
        ModelSnapshot last = run.snapshots().get(run.snapshots().size() - 1);
        assertThat(run.served().snapshotVersion())
                .as("m's status: its own version")
                .isEqualTo(last.getVersion());
        assertThat(run.served().stateBytes())
                .as("m has no trainer state of its own")
                .isZero();
        List<String> events = events(run.metrics());
        assertThat(events).anyMatch(e -> e.startsWith("m search-prune m~t"));
        assertThat(events).anyMatch(e -> e.startsWith("m search-promote m~t"));
        long switches =
                events.stream().filter(e -> e.contains("search-champion")).count() - 1;
        assertThat(run.snapshots().stream().filter(s -> s.getReason() == SnapshotReason.CHAMPION))
                .as("a switch publishes the new champion at once")
                .hasSize((int) switches);
        // After a switch, every snapshot comes from the new champion.
        for (int i = 1; i < run.snapshots().size(); i++) {
            ModelSnapshot s = run.snapshots().get(i);
            if (s.getReason() != SnapshotReason.CHAMPION) {
                assertThat(s.getTrial()).isEqualTo(run.snapshots().get(i - 1).getTrial());
            }
        }
    }

    @Test
    void restartsContinueTheSearchExactly() {
        List<Example> input = TrainingFixture.blobs(600, 5, MODEL);
        Run whole = run(dir.resolve("whole"), List.of(input));
        Run pieces = run(
                dir.resolve("pieces"),
                List.of(input.subList(0, 45), input.subList(45, 301), input.subList(301, input.size())));

        assertThat(events(pieces.metrics())).isEqualTo(events(whole.metrics())).isNotEmpty();
        assertThat(pieces.snapshots()).hasSameSizeAs(whole.snapshots());
        for (int i = 0; i < whole.snapshots().size(); i++) {
            ModelSnapshot a = whole.snapshots().get(i);
            ModelSnapshot b = pieces.snapshots().get(i);
            assertThat(b.getVersion()).isEqualTo(a.getVersion());
            assertThat(b.getTrial()).isEqualTo(a.getTrial());
            assertThat(b.getReason()).isEqualTo(a.getReason());
            assertThat(b.getParameters()).isEqualTo(a.getParameters());
        }
        for (int t = 0; t < 6; t++) {
            assertThat(pieces.trialStates().get(t))
                    .isEqualTo(whole.trialStates().get(t));
        }
    }

    /**
     * PBT in the application: restarts mid-interval and right after exploits continue exactly (same exploits, same
     * trial states), also where an exploit changed a non-live key (l2): the restarted trial opens under the
     * configuration in the search state.
     */
    @Test
    void aPbtSearchRestartsExactlyThroughItsExploits() {
        Map<String, String> pbt = settings();
        pbt.keySet().removeIf(k -> k.startsWith("model.m.search.asha."));
        pbt.put("model.m.search.strategy", "pbt");
        pbt.put("model.m.search.pbt.interval-examples", "40");
        pbt.put("model.m.search.space.learning-rate", "loguniform(0.001,0.5)");
        pbt.put("model.m.search.space.l2", "uniform(0,0.01)");
        List<Example> input = TrainingFixture.blobs(400, 11, MODEL);
        Run whole = run(pbt, dir.resolve("whole"), List.of(input));
        Run pieces = run(
                pbt,
                dir.resolve("pieces"),
                List.of(input.subList(0, 70), input.subList(70, 101), input.subList(101, input.size())));

        List<String> events = events(whole.metrics());
        assertThat(events.stream().filter(e -> e.contains("search-exploit")))
                .as("k = ⌈6 · 0.25⌉ = 2 exploits per round of 40")
                .hasSizeGreaterThanOrEqualTo(14)
                .allMatch(e -> e.matches("m search-exploit m~t0\\d: from trial \\d to trial \\d: \\{.*l2=.*\\}"));
        assertThat(events(pieces.metrics())).isEqualTo(events);
        for (int t = 0; t < 6; t++) {
            assertThat(pieces.trialStates().get(t))
                    .as("trial %d", t)
                    .isEqualTo(whole.trialStates().get(t));
        }
    }

    /**
     * A PBT exploit replaces the trial's weights and its early stopping starts afresh: until its next evaluation the
     * trial's status has no best holdout scores and no holdout scores at all (they scored the replaced weights), and
     * the early-stopping wait is 0.
     */
    @Test
    void aPbtExploitLeavesNoScoreOfTheReplacedWeights() {
        Map<String, String> pbt = settings();
        pbt.keySet().removeIf(k -> k.startsWith("model.m.search."));
        pbt.put("model.m.search.strategy", "pbt");
        pbt.put("model.m.search.trials", "4");
        pbt.put("model.m.search.pbt.interval-examples", "40");
        pbt.put("model.m.search.space.learning-rate", "loguniform(0.001,0.5)");
        pbt.put("model.m.eval-every", "3"); // 12 examples: the exploits at 40, 80, ... fall between evaluations
        pbt.put("model.m.early-stopping.enabled", "true");
        pbt.put("model.m.early-stopping.patience", "1000");
        int exploits = 0;
        try (TrainingFixture f = new TrainingFixture(pbt, dir.resolve("pbt"))) {
            for (Example e : TrainingFixture.blobs(400, 11, MODEL)) {
                Map<String, ModelStatus> before = new HashMap<>();
                for (int t = 0; t < 4; t++) {
                    before.put(SearchTraining.trialId(MODEL, t), f.status(SearchTraining.trialId(MODEL, t)));
                }
                f.pipe(List.of(e));
                for (String event : events(f.metrics.readValuesToList())) {
                    Matcher m = Pattern.compile(".* search-exploit (m~t\\d+): from trial \\d+ to trial")
                            .matcher(event);
                    if (!m.lookingAt()) {
                        continue;
                    }
                    String trial = m.group(1);
                    assertThat(before.get(trial).bestHoldoutLoss())
                            .as("%s had a best evaluation before the exploit", trial)
                            .isNotNaN();
                    ModelStatus after = f.status(trial);
                    assertThat(after.bestHoldoutLoss()).as(event).isNaN();
                    assertThat(after.bestHoldoutMetricValue()).as(event).isNaN();
                    assertThat(after.earlyStoppingWait()).as(event).isZero();
                    assertThat(after.lastHoldoutLoss()).as(event).isNaN();
                    assertThat(after.holdoutMetricValue()).as(event).isNaN();
                    exploits++;
                }
            }
        }
        assertThat(exploits).isGreaterThanOrEqualTo(5);
    }

    /** The trainer processor and {@code eddy evaluate} run the same driver: same decisions, same trial states. */
    @Test
    void theApplicationTakesTheDecisionsOfEvaluate() {
        List<Example> input = TrainingFixture.blobs(600, 7, MODEL);
        Run app = run(dir.resolve("app"), List.of(input));
        EddyConfig config = EddyConfig.of(settings());
        LocalSearch local = new LocalSearch(config.searches().get(MODEL), trial -> trialConfig(trial));
        input.forEach(local::accept);

        List<String> localEvents = local.events().stream()
                .map(e -> MODEL + " " + e.kind() + " " + SearchTraining.trialId(MODEL, e.trial()) + ": ")
                .toList();
        List<String> appEvents = events(app.metrics()).stream()
                .map(e -> e.substring(0, e.indexOf(": ") + 2))
                .toList();
        assertThat(appEvents).isEqualTo(localEvents).isNotEmpty();
        for (int t = 0; t < 6; t++) {
            assertThat(local.trialState(t)).isEqualTo(app.trialStates().get(t));
        }
    }

    private static EddyConfig trialConfig(SortedMap<String, String> trial) {
        Map<String, String> s = settings();
        s.keySet().removeIf(k -> k.startsWith("model.m.search."));
        trial.forEach((k, v) -> s.put("model." + MODEL + "." + k, v));
        return EddyConfig.of(s);
    }

    /** {@code reset m}: the search starts again from its first trials, as a new one would; m's versions go on. */
    @Test
    void resetRestartsTheSearchAndTheVersionsGoOn() {
        List<Example> input = TrainingFixture.blobs(300, 11, MODEL);
        Run fresh = run(dir.resolve("fresh"), List.of(input));
        try (TrainingFixture f = new TrainingFixture(settings(), dir.resolve("reset"))) {
            f.pipe(input);
            List<ModelSnapshot> before = f.snapshots.readValuesToList();
            f.metrics.readValuesToList();
            f.command("reset m");
            f.pipe(input);
            List<ModelSnapshot> after = f.snapshots.readValuesToList();
            List<String> events = events(f.metrics.readValuesToList());

            assertThat(events.get(0)).startsWith("m search-reset");
            assertThat(events.subList(1, events.size())).isEqualTo(events(fresh.metrics()));
            assertThat(after).hasSameSizeAs(fresh.snapshots());
            for (int i = 0; i < after.size(); i++) {
                assertThat(after.get(i).getVersion())
                        .isEqualTo(before.get(before.size() - 1).getVersion() + 1 + i);
                assertThat(after.get(i).getParameters())
                        .isEqualTo(fresh.snapshots().get(i).getParameters());
            }
            for (int t = 0; t < 6; t++) {
                assertThat(f.trainerState(SearchTraining.trialId(MODEL, t)))
                        .isEqualTo(fresh.trialStates().get(t));
            }
        }
    }

    /** A model that becomes a search keeps its versions: the search's first snapshot follows the last one. */
    @Test
    void aModelThatBecomesASearchContinuesItsVersions() {
        Map<String, String> plain = settings();
        plain.keySet().removeIf(k -> k.startsWith("model.m.search."));
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        long last;
        try (TrainingFixture f = new TrainingFixture(plain, dir.resolve("plain"))) {
            f.pipe(TrainingFixture.blobs(100, 13, MODEL));
            List<ModelSnapshot> published = f.snapshots.readValuesToList();
            last = published.get(published.size() - 1).getVersion();
            changelogs = f.changelogs();
        }
        try (TrainingFixture f = new TrainingFixture(settings(), dir.resolve("searched"))) {
            f.restore(changelogs);
            f.pipe(TrainingFixture.blobs(200, 17, MODEL));
            List<ModelSnapshot> published = f.snapshots.readValuesToList();
            assertThat(last).isPositive();
            assertThat(published).isNotEmpty();
            assertThat(published.get(0).getVersion()).isEqualTo(last + 1);
            assertThat(published.get(0).getTrial()).startsWith("m~t");
        }
    }

    /** {@code set m} of a key that is not searched reaches every trial: each evaluates at once. */
    @Test
    void settingAKeyThatIsNotSearchedChangesEveryTrial() {
        try (TrainingFixture f = new TrainingFixture(settings(), dir.resolve("set-all"))) {
            List<Example> input = TrainingFixture.blobs(30, 19, MODEL);
            f.pipe(input.subList(0, 10));
            assertThat(f.metrics.readValuesToList()).allMatch(r -> r.getEvent() != null);
            f.command("set m eval-every 1");
            f.pipe(input.subList(10, 30));
            assertThat(f.metrics.readValuesToList().stream()
                            .filter(r -> r.getEvent() == null)
                            .map(TrainingMetrics::getModelId)
                            .distinct())
                    .as("an evaluation record of every trial")
                    .containsExactlyInAnyOrder("m~t00", "m~t01", "m~t02", "m~t03", "m~t04", "m~t05");
            assertThat(f.deadLetters.readRecordsToList()).isEmpty();
        }
    }

    /**
     * {@code set m~t02 learning-rate 0.5} acts on that trial alone, through the trainer-input topic and with direct
     * routing; resetting a trial alone, or a trial that does not exist, is refused with a dead letter.
     */
    @ParameterizedTest
    @ValueSource(strings = {"repartition", "direct"})
    void aCommandToATrialActsOnThatTrial(String routing) {
        Map<String, String> settings = settings();
        settings.put("routing", routing);
        try (TrainingFixture f = new TrainingFixture(settings, dir.resolve("trial-" + routing))) {
            f.pipe(TrainingFixture.blobs(10, 23, MODEL));
            double[] before = new double[6];
            for (int t = 0; t < 6; t++) {
                before[t] = f.status(SearchTraining.trialId(MODEL, t)).learningRate();
            }
            f.command("set m~t02 learning-rate 0.5");
            f.command("{\"model\": \"m~t03\", \"command\": \"resume\"}");
            f.command("reset m~t01");
            f.command("resume m~t06");
            f.pipe(TrainingFixture.blobs(4, 29, MODEL));
            for (int t = 0; t < 6; t++) {
                assertThat(f.status(SearchTraining.trialId(MODEL, t)).learningRate())
                        .as("trial %d", t)
                        .isEqualTo(t == 2 ? 0.5 : before[t]);
            }
            List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertThat(dead)
                    .extracting(r -> header(r, DeadLetters.DETAIL))
                    .containsExactly(
                            "a trial cannot be reset alone; 'reset m' restarts the search",
                            "'m~t06' is not a trial of model 'm'; its trials are m~t00 to m~t05");
            // The trial's hyper-parameters as the search keeps them (its state record, DataOutput.writeUTF: a 2-byte
            // length, then the bytes) name the new value.
            KeyValueStore<String, byte[]> state = f.driver.getKeyValueStore(TrainingTopology.TRAINER_STATE_STORE);
            assertThat(new String(state.get(MODEL + "/search"), StandardCharsets.ISO_8859_1))
                    .contains("learning-rate\u0000\u00030.5");
        }
    }

    /** The application's listener (its meters) hears the champion's scores under m, the other trials' under theirs. */
    @Test
    void theListenerHearsTheChampionUnderTheModelsId() {
        try (TrainingFixture f = new TrainingFixture(settings(), dir.resolve("listener"))) {
            f.pipe(TrainingFixture.blobs(200, 31, MODEL));
            List<String> heard = f.scored.stream()
                    .map(TrainingFixture.Scored::modelId)
                    .distinct()
                    .toList();
            assertThat(heard).contains(MODEL).anyMatch(id -> id.startsWith("m~t"));
            assertThat(f.heldOut)
                    .as("the champion's held-out examples count as m's (its eddy.holdout.examples)")
                    .contains(MODEL)
                    .anyMatch(id -> id.startsWith("m~t"));
        }
    }

    @Test
    void settingASearchedKeyIsRefusedWithADeadLetter() {
        try (TrainingFixture f = new TrainingFixture(settings(), dir.resolve("set"))) {
            f.pipe(TrainingFixture.blobs(20, 9, MODEL));
            f.command("set m learning-rate 0.5");
            List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertThat(dead).hasSize(1);
            assertThat(header(dead.get(0), DeadLetters.REASON)).isEqualTo("bad-command");
            assertThat(header(dead.get(0), DeadLetters.DETAIL)).contains("'learning-rate' is searched");
        }
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
