package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.layer.Dense;
import dev.eddy.core.train.Trainer;
import dev.eddy.lifecycle.SnapshotLog;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.WarmStartLineage;
import dev.eddy.serving.SnapshotModels;
import dev.eddy.state.WarmStartSource;
import dev.eddy.warmstart.ResolvedWarmStart;
import dev.eddy.warmstart.WarmStartResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm starts through the production topology: resolution of the configured source against the snapshots a source
 * model published, the pinned source applied when the model has no state and again on {@code reset}, the lineage in
 * the status and every snapshot, and a restart that continues exactly.
 */
class WarmStartTrainingTest {

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    /** The snapshots v0..v9 of model src: one per step of 4 examples. */
    private static List<ModelSnapshot> published;

    private static Map<String, String> model(String id, String layers, String loss) {
        Map<String, String> p = new HashMap<>();
        p.put("model." + id + ".input-size", "2");
        p.put("model." + id + ".layers", layers);
        p.put("model." + id + ".loss", loss);
        p.put("model." + id + ".optimizer", "sgd");
        p.put("model." + id + ".learning-rate", "0.1");
        p.put("model." + id + ".batch-size", "4");
        p.put("model." + id + ".eval-every", "1000");
        p.put("model." + id + ".early-stopping.enabled", "false");
        return p;
    }

    static Map<String, String> source() {
        Map<String, String> s = model("src", "4:tanh,1:sigmoid", "binary_crossentropy");
        s.put("holdout.fraction", "0");
        s.put("snapshot-every", "1");
        return s;
    }

    /** src and tgt, which warm-starts from src with a new head of two softmax classes and its first layer frozen. */
    static Map<String, String> both(String... keyValues) {
        Map<String, String> s = source();
        s.putAll(model("tgt", "4:tanh,2:softmax", "categorical_crossentropy"));
        s.put("model.tgt.warm-start.from", "src");
        s.put("model.tgt.frozen-layers", "1");
        for (int i = 0; i < keyValues.length; i += 2) {
            s.put(keyValues[i], keyValues[i + 1]);
        }
        return s;
    }

    @BeforeAll
    static void trainTheSource() {
        try (TrainingFixture f = new TrainingFixture(source(), shared.resolve("src"))) {
            f.pipe(TrainingFixture.blobs(40, 1, "src"));
            published = f.snapshots.readValuesToList();
        }
        assertThat(published)
                .extracting(ModelSnapshot::getVersion)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    private static SnapshotLog log(List<ModelSnapshot> snapshots) {
        return new SnapshotLog(snapshots, 0);
    }

    private static Map<String, ResolvedWarmStart> resolve(Map<String, String> settings, List<ModelSnapshot> snapshots)
            throws InterruptedException {
        return new WarmStartResolver(EddyConfig.of(settings), () -> log(snapshots), line -> {}).resolve();
    }

    private static List<Example> examples(int n, long seed) {
        return TrainingFixture.blobs(n, seed, "tgt");
    }

    @Test
    void resolvesTheNewestAcceptedSnapshotOrTheGivenVersionAndReportsIt() throws InterruptedException {
        List<String> report = new ArrayList<>();
        List<ModelSnapshot> withRefused = new ArrayList<>(published);
        withRefused.add(ModelSnapshot.newBuilder(published.get(9))
                .setVersion(10)
                .setAccepted(false)
                .setRefusalReason("worse")
                .build());
        ResolvedWarmStart newest = new WarmStartResolver(EddyConfig.of(both()), () -> log(withRefused), report::add)
                .resolve()
                .get("tgt");
        assertThat(newest.source()).isEqualTo(WarmStartSource.snapshot("src", 9));
        assertThat(newest.model().predict(new double[][] {{0.5, -1}}))
                .isEqualTo(SnapshotModels.inferenceModel(published.get(9)).predict(new double[][] {{0.5, -1}}));
        assertThat(report)
                .containsExactly("model tgt: warm start from model src v9; 1 of 2 layers copied, frozen-layers=1,"
                        + " standardizer copy; applied when tgt has no state yet and on 'reset tgt'");

        assertThat(resolve(both("model.tgt.warm-start.from", "src@3"), published)
                        .get("tgt")
                        .source())
                .isEqualTo(WarmStartSource.snapshot("src", 3));
    }

    /**
     * A model that waited when its instance stopped, whose source's snapshot came before the restart (so the start
     * resolved its warm start and it no longer awaits one), starts within a second of the restart and trains on its held
     * inputs, without waiting for an input of its own (which may never come; it used to hold them until one did).
     */
    @Test
    void aModelThatWaitedBeforeARestartStartsWithoutANewInput() {
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("waiting"), Map.of())) {
            f.pipe(examples(10, 2));
            assertThat(f.status("tgt").waiting()).isNotNull();
            changelogs = f.changelogs();
        }
        ModelSnapshot first = published.get(0);
        Map<String, ResolvedWarmStart> resolved = Map.of(
                "tgt",
                new ResolvedWarmStart(
                        "warm-start.from=src",
                        WarmStartSource.snapshot("src", first.getVersion()),
                        SnapshotModels.inferenceModel(first),
                        true));
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("restarted"), resolved)) {
            f.restore(changelogs);
            f.driver.advanceWallClockTime(Duration.ofSeconds(2));
            assertThat(f.status("tgt").waiting()).isNull();
            assertThat(f.status("tgt").examplesTrained())
                    .as("the 10 held inputs: two steps of 4, the other 2 in the partial batch")
                    .isEqualTo(8);
        }
    }

    @Test
    void aSourceThatIsNotThereIsRefusedAtStartNamingWhatIs() {
        assertThatThrownBy(() -> resolve(both("model.tgt.warm-start.from", "src@42"), published.subList(6, 10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("model.tgt.warm-start.from=src@42: version 42 of model 'src' is not on topic"
                        + " eddy.model-snapshots")
                .hasMessageContaining("versions there: [6, 7, 8, 9]");
        assertThatThrownBy(() -> resolve(
                        both("model.tgt.warm-start.from", "nope", "model.tgt.warm-start.timeout-ms", "0"), published))
                .hasMessage("model.tgt.warm-start.from=nope: no snapshot of model 'nope' on topic eddy.model-snapshots"
                        + " after waiting 0 ms (model.tgt.warm-start.timeout-ms); models with snapshots there: [src]");
        assertThatThrownBy(() -> resolve(both("model.tgt.warm-start.from", "src@3"), List.of()))
                .hasMessage("model.tgt.warm-start.from=src@3: model 'src' has no snapshot on topic"
                        + " eddy.model-snapshots yet; it trains in this application, so tgt can wait for its first"
                        + " snapshot: name no version (model.tgt.warm-start.from=src)");
        Map<String, String> wider = both();
        wider.put("model.tgt.input-size", "3");
        assertThatThrownBy(() -> resolve(wider, published))
                .hasMessageStartingWith("model.tgt.warm-start.from=src resolves to model src v9, but cannot warm-start"
                        + " from a model with input size 2 and layers 4:tanh,1:sigmoid into input size 3 and layers"
                        + " 4:tanh,2:softmax");
    }

    @Test
    void waitsForTheFirstSnapshotOfAModelAnotherApplicationTrains() throws InterruptedException {
        Map<String, String> tgtOnly = new HashMap<>(both("model.tgt.warm-start.timeout-ms", "30000"));
        tgtOnly.keySet().removeIf(k -> k.startsWith("model.src."));
        AtomicInteger reads = new AtomicInteger();
        List<String> report = new ArrayList<>();
        ResolvedWarmStart w = new WarmStartResolver(
                        EddyConfig.of(tgtOnly),
                        () -> log(reads.incrementAndGet() < 3 ? List.of() : published),
                        report::add)
                .resolve()
                .get("tgt");
        assertThat(w.source()).isEqualTo(WarmStartSource.snapshot("src", 9));
        assertThat(reads).hasValue(3);
        assertThat(report.get(0))
                .isEqualTo("model tgt: waiting for a first snapshot of model 'src' on topic eddy.model-snapshots (up to"
                        + " model.tgt.warm-start.timeout-ms=30000)");

        tgtOnly.put("model.tgt.warm-start.timeout-ms", "1500");
        long start = System.nanoTime();
        assertThatThrownBy(() -> resolve(tgtOnly, List.of()))
                .hasMessageContaining("no snapshot of model 'src' on topic eddy.model-snapshots after waiting 1500 ms");
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(1500);
    }

    @Test
    void anExportFileIsIdentifiedByItsSha256AndAnythingElseIsRefused() throws Exception {
        Path file = dir.resolve("src.eddy");
        byte[] exported = SnapshotModels.inferenceModel(published.get(4)).toBytes();
        Files.write(file, exported);
        ResolvedWarmStart w = resolve(fileSettings(file), published).get("tgt");
        assertThat(w.source().file()).isEqualTo(file.toString());
        assertThat(w.source().sha256()).isEqualTo(sha256(exported));
        Files.write(file, "m,1,2\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Map<String, String> notExport = fileSettings(file);
        assertThatThrownBy(() -> resolve(notExport, published))
                .hasMessageStartingWith("model.tgt.warm-start.file=" + file
                        + ": not a model in the 'eddy export' format" + " (not an Eddy model: starts with");
        notExport.put("model.tgt.warm-start.file", dir.resolve("missing.eddy").toString());
        assertThatThrownBy(() -> resolve(notExport, published)).hasMessageContaining("cannot read the file");
    }

    /** A file source without warm-start.from. */
    private static Map<String, String> fileSettings(Path file) {
        Map<String, String> s = both();
        s.remove("model.tgt.warm-start.from");
        s.put("model.tgt.warm-start.file", file.toString());
        return s;
    }

    @Test
    void aModelWithoutStateStartsFromTheSourceWithItsLineageInStatusAndSnapshots() throws InterruptedException {
        Map<String, ResolvedWarmStart> warm = resolve(both(), published);
        try (TrainingFixture f = new TrainingFixture(both(), dir, warm)) {
            f.pipe(examples(12, 2));
            List<ModelSnapshot> snapshots = f.snapshots.readValuesToList();
            assertThat(snapshots).hasSize(3);
            for (ModelSnapshot s : snapshots) {
                assertThat(s.getWarmStart())
                        .isEqualTo(WarmStartLineage.newBuilder()
                                .setModel("src")
                                .setVersion(9L)
                                .build());
            }
            assertThat(f.status("tgt").warmStart()).isEqualTo(WarmStartSource.snapshot("src", 9));
            Dense first =
                    Trainer.restore(f.trainerState("tgt")).network().layers().get(0);
            Dense sourceFirst = SnapshotModels.inferenceModel(published.get(9))
                    .network()
                    .layers()
                    .get(0);
            assertThat(first.kernel().value()).isEqualTo(sourceFirst.kernel().value());
            assertThat(first.bias().value()).isEqualTo(sourceFirst.bias().value());
        }
    }

    @Test
    void aFileSourceIsTheLineageOfTheSnapshots() throws Exception {
        Path file = dir.resolve("src.eddy");
        Files.write(file, SnapshotModels.inferenceModel(published.get(2)).toBytes());
        Map<String, ResolvedWarmStart> warm = resolve(fileSettings(file), published);
        try (TrainingFixture f = new TrainingFixture(fileSettings(file), dir.resolve("state"), warm)) {
            f.pipe(examples(4, 2));
            WarmStartLineage lineage = f.snapshots.readValue().getWarmStart();
            assertThat(lineage.getFile()).isEqualTo(file.toString());
            assertThat(lineage.getSha256()).isEqualTo(warm.get("tgt").source().sha256());
            assertThat(lineage.getModel()).isNull();
        }
    }

    /**
     * A restart, after which the topic's newest snapshot is another one, continues from the state, and a reset then
     * starts again from the pinned source: bit-identical to a run that never stopped.
     */
    @Test
    void aRestartAndAResetUseThePinnedSourceExactly() throws InterruptedException {
        Map<String, ResolvedWarmStart> early = resolve(both(), published.subList(0, 6));
        Map<String, ResolvedWarmStart> later = resolve(both(), published);
        assertThat(early.get("tgt").source().version()).isEqualTo(5);
        List<Example> before = examples(10, 3);
        List<Example> after = examples(10, 4);

        byte[] whole;
        List<ModelSnapshot> wholeSnapshots;
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("whole"), early)) {
            f.pipe(before);
            f.command("reset tgt");
            f.pipe(after);
            whole = f.trainerState("tgt");
            wholeSnapshots = f.snapshots.readValuesToList();
        }

        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        List<ModelSnapshot> pieces = new ArrayList<>();
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("first"), early)) {
            f.pipe(before);
            pieces.addAll(f.snapshots.readValuesToList());
            changelogs = f.changelogs();
        }
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("second"), later)) {
            f.restore(changelogs);
            f.command("reset tgt");
            f.pipe(after);
            assertThat(f.trainerState("tgt")).isEqualTo(whole);
            assertThat(f.status("tgt").warmStart()).isEqualTo(WarmStartSource.snapshot("src", 5));
            pieces.addAll(f.snapshots.readValuesToList());
        }
        assertThat(pieces).hasSameSizeAs(wholeSnapshots);
        for (int i = 0; i < pieces.size(); i++) {
            assertThat(pieces.get(i).getParameters())
                    .isEqualTo(wholeSnapshots.get(i).getParameters());
            assertThat(pieces.get(i).getWarmStart().getVersion()).isEqualTo(5L);
        }
    }

    /** When the configured source changes, a reset starts from the source resolved at this start and pins it. */
    @Test
    void aResetAfterTheSourceWasReconfiguredTakesTheNewSource() throws InterruptedException {
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        try (TrainingFixture f =
                new TrainingFixture(both(), dir.resolve("first"), resolve(both(), published.subList(0, 6)))) {
            f.pipe(examples(8, 3));
            changelogs = f.changelogs();
        }
        Map<String, String> pinned = both("model.tgt.warm-start.from", "src@9");
        try (TrainingFixture f = new TrainingFixture(pinned, dir.resolve("second"), resolve(pinned, published))) {
            f.restore(changelogs);
            f.pipe(examples(4, 4));
            assertThat(f.status("tgt").warmStart()).isEqualTo(WarmStartSource.snapshot("src", 5));
            f.command("reset tgt");
            assertThat(f.status("tgt").warmStart()).isEqualTo(WarmStartSource.snapshot("src", 9));
            assertThat(Trainer.restore(f.trainerState("tgt"))
                            .network()
                            .layers()
                            .get(0)
                            .kernel()
                            .value())
                    .isEqualTo(SnapshotModels.inferenceModel(published.get(9))
                            .network()
                            .layers()
                            .get(0)
                            .kernel()
                            .value());
        }
    }

    /** An ensemble of three src networks, as another application (or an earlier build of this one) trains it. */
    private static Map<String, String> ensembleSource() {
        Map<String, String> s = source();
        s.put("model.src.ensemble", "bagging");
        s.put("model.src.ensemble.size", "3");
        return s;
    }

    /**
     * A warm start copies one network: an ensemble's export file or its snapshot on the topic is refused at the start,
     * naming the key and the source (they were accepted, then every input of the model was a stale-config dead letter,
     * and a reset after a restart killed the stream thread).
     */
    @Test
    void anEnsembleSourceIsRefusedAtStartNamingTheKeyAndTheSource() throws Exception {
        List<ModelSnapshot> ensembles;
        try (TrainingFixture f = new TrainingFixture(ensembleSource(), dir.resolve("other"))) {
            f.pipe(TrainingFixture.blobs(8, 1, "src"));
            ensembles = f.snapshots.readValuesToList();
        }
        assertThat(ensembles).hasSize(2);
        String ensemble = "a warm start copies one network into one network; the source is an ensemble of 3 networks";

        Path file = dir.resolve("ensemble.eddy");
        byte[] exported = SnapshotModels.inferenceModel(ensembles.get(1)).toBytes();
        Files.write(file, exported);
        assertThatThrownBy(() -> resolve(fileSettings(file), published))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model.tgt.warm-start.file=" + file + " resolves to file " + file + " (sha256 "
                        + sha256(exported) + "), but " + ensemble);

        Map<String, String> tgtOnly = new HashMap<>(both());
        tgtOnly.keySet().removeIf(k -> k.startsWith("model.src."));
        assertThatThrownBy(() -> resolve(tgtOnly, ensembles))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model.tgt.warm-start.from=src resolves to model src v1, but " + ensemble);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /**
     * A waiting model does not take its source's snapshot when it is an ensemble (a source of this application
     * configured as one network but still training its stored ensemble until its reset): it waits on, holding its
     * inputs, and takes the first snapshot that transfers (the model's inputs were stale-config dead letters for good).
     */
    @Test
    void aWaitingModelWaitsOnPastAnEnsembleSnapshotOfItsSource() throws InterruptedException {
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        try (TrainingFixture f = new TrainingFixture(ensembleSource(), dir.resolve("ensemble"))) {
            f.pipe(TrainingFixture.blobs(8, 1, "src"));
            changelogs = f.changelogs();
        }
        Map<String, ResolvedWarmStart> warm = resolve(both(), List.of());
        assertThat(warm).as("awaited: src trains in this application").isEmpty();
        try (TrainingFixture f = new TrainingFixture(both(), dir.resolve("both"), warm)) {
            f.restore(changelogs);
            f.pipe(examples(4, 2));
            f.pipe(TrainingFixture.blobs(4, 3, "src"));
            assertThat(f.snapshots.readValuesToList())
                    .extracting(ModelSnapshot::getVersion)
                    .containsExactly(2L);
            assertThat(f.status("tgt").waiting().held()).as("still waiting").isEqualTo(4);
            assertThat(f.deadLetters.isEmpty()).isTrue();

            f.command("reset src"); // src adopts its configuration: one network
            f.pipe(TrainingFixture.blobs(4, 4, "src"));
            assertThat(f.status("tgt").waiting()).isNull();
            assertThat(f.status("tgt").warmStart()).isEqualTo(WarmStartSource.snapshot("src", 3));
            assertThat(f.status("tgt").examplesTrained()).isEqualTo(4);
            assertThat(f.deadLetters.isEmpty()).isTrue();
        }
    }

    /**
     * A reset whose fresh model cannot be built is a bad-command dead letter and the model trains on unchanged: here
     * the pinned file (its old content, which a reset starts from) no longer transfers to the layers the model was
     * reconfigured to (the reset threw out of the processor and killed the stream thread at every replay).
     */
    @Test
    void aResetWhosePinnedSourceNoLongerTransfersIsADeadLetter() throws Exception {
        Path file = dir.resolve("src.eddy");
        byte[] pinned = SnapshotModels.inferenceModel(published.get(4)).toBytes();
        Files.write(file, pinned);
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        try (TrainingFixture f =
                new TrainingFixture(fileSettings(file), dir.resolve("first"), resolve(fileSettings(file), published))) {
            f.pipe(examples(8, 3));
            changelogs = f.changelogs();
        }
        Map<String, String> wider = fileSettings(file);
        wider.put("model.tgt.layers", "8:tanh,2:softmax");
        Map<String, String> wideSource = new HashMap<>();
        wideSource.put("input-size", "2");
        wideSource.put("layers", "8:tanh,1:sigmoid");
        Files.write(
                file,
                Trainer.create(dev.eddy.core.train.TrainerConfig.fromProperties(wideSource))
                        .inferenceModel()
                        .toBytes());
        try (TrainingFixture f = new TrainingFixture(wider, dir.resolve("second"), resolve(wider, published))) {
            f.restore(changelogs);
            f.pipe(examples(4, 4));
            f.command("reset tgt");
            var dead = f.deadLetters.readRecordsToList();
            assertThat(dead).hasSize(1);
            assertThat(TrainingFixture.header(dead.get(0), "eddy.dlq.reason")).isEqualTo("bad-command");
            assertThat(TrainingFixture.header(dead.get(0), "eddy.dlq.detail"))
                    .isEqualTo("model 'tgt': 'reset' cannot start it afresh: model.tgt.warm-start.file=" + file
                            + " resolves to file " + file + " (sha256 " + sha256(pinned) + "), but cannot"
                            + " warm-start from a model with input size 2 and layers 4:tanh,1:sigmoid into input size 2"
                            + " and layers 8:tanh,2:softmax: the first layers differ (4:tanh and 8:tanh), so no layer"
                            + " would transfer; a layer matches when its units, activation and batch normalization are"
                            + " the same; it trains on unchanged");
            f.pipe(examples(4, 5));
            assertThat(f.status("tgt").examplesTrained())
                    .as("trained on as it was")
                    .isEqualTo(16);
            assertThat(f.status("tgt").warmStart().sha256()).isEqualTo(sha256(pinned));
        }
    }
}
