package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.core.prequential.SlidingWindow;
import dev.eddy.core.train.Learners;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.state.DriftStatus;
import dev.eddy.state.ModelStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model watches its live errors: a drift re-arms a paused model, a challenger trains and may take over. */
class DriftHandlingTest {

    private static final String MODEL = "m";

    @TempDir
    Path dir;

    private static Map<String, String> seaModel(Map<String, String> overrides) {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", "drift");
        s.put("holdout.fraction", "0.1");
        s.put("model." + MODEL + ".input-size", "3");
        s.put("model." + MODEL + ".layers", "16:relu,1:sigmoid");
        s.put("model." + MODEL + ".optimizer", "adam");
        s.put("model." + MODEL + ".learning-rate", "0.01");
        s.put("model." + MODEL + ".batch-size", "8");
        s.put("model." + MODEL + ".eval-every", "25");
        s.putAll(overrides);
        return s;
    }

    private static List<Example> examples(FileOrderStream stream) throws IOException {
        List<Example> out = new ArrayList<>();
        try (FileOrderStream.Pass rows = stream.read()) {
            while (rows.hasNext()) {
                LabeledRow row = rows.next();
                out.add(Example.newBuilder()
                        .setId(stream.exampleId(row))
                        .setModelId(MODEL)
                        .setFeatures(Arrays.stream(row.features()).boxed().toList())
                        .setClassLabel(row.classLabel())
                        .setEventTime(Instant.EPOCH)
                        .build());
            }
        }
        return out;
    }

    /**
     * SEA switches concept every 10,000 examples. Early stopping pauses the model within the first concept; at the
     * switch its errors rise, ADWIN detects the drift and the model trains again, with no command: within 5,000
     * examples its windowed accuracy is back within 0.02 of its level before the switch.
     */
    @Test
    void aModelPausedByEarlyStoppingReArmsItselfAtTheNextDrift() throws IOException {
        Map<String, String> s = seaModel(Map.of(
                "model." + MODEL + ".early-stopping.patience",
                "3",
                "model." + MODEL + ".drift.challenger",
                "none",
                "prequential.window",
                "1000"));
        List<Example> sea = examples(FileOrderStream.dataset("sea", 20_000, 42, 10_000));
        List<TrainingMetrics> records = new ArrayList<>();
        SlidingWindow training = new SlidingWindow(1000);
        double[] accuracyAt = new double[sea.size()];
        int[] index = {0};
        boolean[] pausedBeforeDrift = {false};
        ModelStatus status;
        LocalTraining local = new LocalTraining(EddyConfig.of(s), new TrainingListener() {
            @Override
            public void onEvaluation(String modelId, TrainingMetrics metrics) {
                records.add(metrics);
            }
        });
        for (Example e : sea) {
            if (!local.heldOut(e)) {
                // the model's score of this training example: its prediction before it trains on it
                double[] x = e.getFeatures().stream()
                        .mapToDouble(Double::doubleValue)
                        .toArray();
                double predicted = local.predictions(new double[][] {x})[0];
                training.add(predicted == e.getClassLabel() ? 1 : 0);
            }
            local.accept(e);
            accuracyAt[index[0]] = training.mean();
            if (index[0] == 9_999) {
                pausedBeforeDrift[0] = local.status().paused();
            }
            index[0]++;
        }
        assertThat(pausedBeforeDrift[0])
                .as("early stopping paused the model before the switch")
                .isTrue();
        status = local.status();
        // The first detection after the switch found the model paused and re-armed it: it trained again.
        TrainingMetrics drift = records.stream()
                .filter(m -> m.getEvent() != null && m.getEvent().getKind().equals("drift"))
                .filter(m -> m.getEvent().getDetail().contains("the paused model resumes"))
                .findFirst()
                .orElseThrow();
        assertThat(status.examplesTrained()).isGreaterThan(drift.getExamplesSeen());
        assertThat(status.drift().lastDetectionExample()).isGreaterThan(9_000);
        double before = accuracyAt[9_999];
        boolean recovered = false;
        for (int i = 10_000; i < 15_000 && !recovered; i++) {
            recovered = accuracyAt[i] >= before - 0.02;
        }
        assertThat(recovered)
                .as("windowed accuracy back within 0.02 of %.4f within 5,000 examples", before)
                .isTrue();
    }

    /**
     * A restart while a challenger trains (between the warning and the swap) continues bit-identically: the watch and
     * the challenger's state are in the stores. The concept flips (every label inverted) after 600 examples: DDM warns,
     * a fresh challenger trains on the new concept, and it replaces the model once it has scored 100 examples better.
     */
    @Test
    void aRestartWhileAChallengerTrainsContinuesExactly() {
        Map<String, String> s = challenging();
        List<Example> stream = flipping();
        List<ModelSnapshot> uninterrupted;
        List<TrainingMetrics> uninterruptedMetrics;
        byte[] stateUninterrupted;
        DriftStatus driftUninterrupted;
        int cut = -1;
        try (TrainingFixture f = new TrainingFixture(s, dir.resolve("a"))) {
            for (int i = 0; i < stream.size(); i++) {
                f.pipe(List.of(stream.get(i)));
                ModelStatus status = f.status(MODEL); // null until the first example reached the trainer
                if (cut < 0 && status != null && status.drift().challenger()) {
                    cut = i + 1;
                }
            }
            uninterrupted = f.snapshots.readValuesToList();
            uninterruptedMetrics = f.metrics.readValuesToList();
            stateUninterrupted = f.trainerState(MODEL);
            driftUninterrupted = f.status(MODEL).drift();
        }
        assertThat(cut).as("a challenger started").isPositive();
        assertThat(uninterruptedMetrics)
                .extracting(m -> m.getEvent() == null ? "" : m.getEvent().getKind())
                .contains("drift-warning", "challenger-start", "challenger-swap");
        assertThat(uninterrupted).extracting(ModelSnapshot::getReason).contains(SnapshotReason.CHALLENGER);

        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        List<ModelSnapshot> snapshots;
        List<TrainingMetrics> metrics;
        try (TrainingFixture f = new TrainingFixture(s, dir.resolve("b"))) {
            f.pipe(stream.subList(0, cut + 10));
            assertThat(f.status(MODEL).drift().challenger()).isTrue();
            snapshots = new ArrayList<>(f.snapshots.readValuesToList());
            metrics = new ArrayList<>(f.metrics.readValuesToList());
            changelogs = f.changelogs();
        }
        try (TrainingFixture f = new TrainingFixture(s, dir.resolve("c"))) {
            f.restore(changelogs);
            f.pipe(stream.subList(cut + 10, stream.size()));
            snapshots.addAll(f.snapshots.readValuesToList());
            metrics.addAll(f.metrics.readValuesToList());
            assertThat(f.trainerState(MODEL)).isEqualTo(stateUninterrupted);
            assertThat(f.status(MODEL).drift()).isEqualTo(driftUninterrupted);
        }
        assertThat(snapshots)
                .extracting(ModelSnapshot::getReason)
                .containsExactlyElementsOf(
                        uninterrupted.stream().map(ModelSnapshot::getReason).toList());
        assertThat(snapshots)
                .extracting(ModelSnapshot::getParameters)
                .containsExactlyElementsOf(
                        uninterrupted.stream().map(ModelSnapshot::getParameters).toList());
        assertThat(metrics)
                .extracting(TrainingMetrics::getEvent)
                .containsExactlyElementsOf(uninterruptedMetrics.stream()
                        .map(TrainingMetrics::getEvent)
                        .toList());
    }

    /** DDM, and a fresh challenger that takes over once it has scored 100 examples better. */
    private static Map<String, String> challenging() {
        Map<String, String> s = TrainingFixture.logisticModel(MODEL);
        s.put("application.id", "drift");
        s.put("holdout.fraction", "0.1");
        s.put("model." + MODEL + ".drift.detector", "ddm");
        s.put("model." + MODEL + ".drift.min-challenger-examples", "100");
        return s;
    }

    /** 600 examples of a concept, then 600 of its inverse (every label flipped). */
    private static List<Example> flipping() {
        List<Example> stream = new ArrayList<>(TrainingFixture.blobs(600, 1, MODEL));
        for (Example e : TrainingFixture.blobs(600, 2, MODEL)) {
            stream.add(
                    Example.newBuilder(e).setClassLabel(1 - e.getClassLabel()).build());
        }
        return stream;
    }

    /**
     * The examples of {@code stream} taken one at a time, with {@code sets} sent after the first {@code setAt}, until
     * a challenger takes over: the examples taken when the challenger started, and when it took over (−1, −1: none
     * did).
     */
    private int[] challengerTakesOver(
            Map<String, String> s, List<Example> stream, int setAt, List<String> sets, String dirName) {
        try (TrainingFixture f = new TrainingFixture(s, dir.resolve(dirName))) {
            int start = -1;
            for (int i = 0; i < stream.size(); i++) {
                f.pipe(List.of(stream.get(i)));
                if (i + 1 == setAt) {
                    sets.forEach(f::command);
                }
                for (TrainingMetrics m : f.metrics.readValuesToList()) {
                    String kind = m.getEvent() == null ? "" : m.getEvent().getKind();
                    if (kind.equals("challenger-start")) {
                        start = i + 1;
                    } else if (kind.equals("challenger-swap")) {
                        return new int[] {start, i + 1};
                    }
                }
            }
        }
        return new int[] {-1, -1};
    }

    /**
     * A live {@code set} while a challenger trains reaches the challenger too: when it takes over, the model keeps the
     * set values (it used to return to those the challenger started with, a budget raised on the model could leave the
     * challenger stopped, and a restart rebuilt the partial batch at another size than the one in memory), and a
     * restart after the swap continues bit-identically.
     */
    @Test
    void aSetWhileAChallengerTrainsHoldsWhenItTakesOver() {
        Map<String, String> s = challenging();
        List<Example> stream = flipping();
        List<String> sets = List.of("set m learning-rate 0.05", "set m batch-size 3", "set m budget.max-steps 100000");
        int start = challengerTakesOver(s, stream, -1, List.of(), "scan")[0];
        assertThat(start).as("a challenger took over").isPositive();
        int[] withSets = challengerTakesOver(s, stream, start + 2, sets, "scan-sets");
        assertThat(withSets[0]).as("the same challenger takes over").isEqualTo(start);
        int swap = withSets[1];
        byte[] uninterrupted;
        try (TrainingFixture f = new TrainingFixture(s, dir.resolve("a"))) {
            f.pipe(stream.subList(0, start + 2));
            sets.forEach(f::command);
            f.pipe(stream.subList(start + 2, stream.size()));
            uninterrupted = f.trainerState(MODEL);
            TrainerConfig config = Learners.restore(uninterrupted).config();
            assertThat(config.learningRate()).isEqualTo(0.05);
            assertThat(config.batchSize()).isEqualTo(3);
        }
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        try (TrainingFixture f = new TrainingFixture(s, dir.resolve("b"))) {
            f.pipe(stream.subList(0, start + 2));
            sets.forEach(f::command);
            f.pipe(stream.subList(start + 2, swap + 1));
            changelogs = f.changelogs();
        }
        try (TrainingFixture f = new TrainingFixture(s, dir.resolve("c"))) {
            f.restore(changelogs);
            f.pipe(stream.subList(swap + 1, stream.size()));
            assertThat(f.trainerState(MODEL)).isEqualTo(uninterrupted);
        }
    }

    /**
     * A drift while a challenger trains re-arms the challenger too ({@code drift.lr-factor} and the rest), so that the
     * model keeps every drift's rate change whether or not a challenger takes over: the rate is the configured one
     * times the factor per drift.
     */
    @Test
    void aDriftWhileAChallengerTrainsReArmsItToo() {
        Map<String, String> s = challenging();
        s.put("model." + MODEL + ".drift.lr-factor", "2");
        try (TrainingFixture f = new TrainingFixture(s, dir.resolve("rearm"))) {
            f.pipe(flipping());
            List<String> events = f.metrics.readValuesToList().stream()
                    .map(m -> m.getEvent() == null ? "" : m.getEvent().getKind())
                    .filter(k -> !k.isEmpty())
                    .toList();
            String order = String.join(" ", events);
            assertThat(order)
                    .as("a drift between a challenger's start and its swap")
                    .containsPattern(
                            "challenger-start (drift-warning |drift )*drift (drift-warning |drift )*challenger-swap");
            long drifts = events.stream().filter(k -> k.equals("drift")).count();
            assertThat(Learners.restore(f.trainerState(MODEL)).config().learningRate())
                    .isEqualTo(0.1 * Math.pow(2, drifts));
        }
    }

    /**
     * A challenger is compared on the examples it scored: a copy of the model, trained as the model is, is never
     * better and is dropped (a challenger that started inside a batch was once credited with no error on the rest of
     * that batch, and a copy took over).
     */
    @Test
    void aCopyOfTheModelNeverTakesOver() {
        Map<String, String> s = challenging();
        s.put("model." + MODEL + ".drift.challenger", "copy");
        try (TrainingFixture f = new TrainingFixture(s, dir.resolve("copy"))) {
            f.pipe(flipping());
            assertThat(f.metrics.readValuesToList())
                    .extracting(m -> m.getEvent() == null ? "" : m.getEvent().getKind())
                    .contains("challenger-start", "challenger-drop")
                    .doesNotContain("challenger-swap");
        }
    }

    /**
     * A PBT exploit to a configuration with another detector (searched {@code drift.*} keys) starts that detector's
     * watch, the one a restart opens from the stores.
     */
    @Test
    void anExploitToAnotherDetectorWatchesWithIt() {
        ModelTraining.Stores stores = LocalTraining.inMemoryStores();
        ModelTraining model = trial(stores, "adwin");
        List<Example> examples = TrainingFixture.blobs(40, 1, MODEL);
        examples.subList(0, 20).forEach(e -> model.train(e, 0));
        model.exploit(model, trialConfig("ddm"), 0);
        examples.subList(20, 40).forEach(e -> model.train(e, 0));
        model.flushState();
        assertThat(model.status().drift().detector()).isEqualTo("ddm");
        assertThat(trial(stores, "ddm").status().drift())
                .as("reopened from the stores")
                .isEqualTo(model.status().drift());
    }

    private static TrainerConfig trialConfig(String detector) {
        Map<String, String> p = new HashMap<>();
        TrainingFixture.logisticModel(MODEL)
                .forEach((k, v) -> p.put(k.substring(("model." + MODEL + ".").length()), v));
        p.put("drift.detector", detector);
        return TrainerConfig.fromProperties(p);
    }

    private static ModelTraining trial(ModelTraining.Stores stores, String detector) {
        return new ModelTraining(
                MODEL,
                trialConfig(detector),
                100,
                0,
                true,
                100,
                stores,
                TrainingListener.NONE,
                r -> {},
                null,
                PublishedVersions.NONE,
                0);
    }

    /** A configuration change of the detector applies at {@code reset}, like any non-live key: the new one starts. */
    /**
     * A drift event names the scored training example the detector fired at, as {@code /models/{id}} does: with
     * batches of 16 it named the batch's last example, up to 15 later.
     */
    @Test
    void aDriftEventNamesTheExampleItWasDetectedAt() {
        Map<String, String> s = challenging();
        s.put("model." + MODEL + ".batch-size", "16");
        s.put("model." + MODEL + ".drift.challenger", "none");
        s.remove("model." + MODEL + ".drift.min-challenger-examples");
        int drifts = 0;
        try (TrainingFixture f = new TrainingFixture(s, dir.resolve("at"))) {
            for (Example e : flipping()) {
                f.pipe(List.of(e));
                for (TrainingMetrics m : f.metrics.readValuesToList()) {
                    if (m.getEvent() != null && m.getEvent().getKind().equals("drift")) {
                        drifts++;
                        assertThat(m.getEvent().getDetail())
                                .contains("at scored training example "
                                        + f.status(MODEL).drift().lastDetectionExample());
                    }
                }
            }
        }
        assertThat(drifts).as("drifts detected").isPositive();
    }

    /**
     * Without prequential scoring nothing is watched: the status says so, whatever detector the configuration (or a
     * state stored before, with the default detector) has, and the model trains on.
     */
    @Test
    void withoutPrequentialScoringTheStatusShowsNoDetector() {
        TrainerConfig config = TrainerConfig.fromProperties(
                Map.of("input-size", "2", "layers", "1:sigmoid", "loss", "binary_crossentropy", "batch-size", "4"));
        assertThat(config.drift().detector()).isEqualTo("adwin");
        ModelTraining training = new ModelTraining(
                MODEL,
                config,
                200,
                0,
                false,
                100,
                LocalTraining.inMemoryStores(),
                TrainingListener.NONE,
                r -> {},
                null,
                PublishedVersions.NONE,
                0);
        flipping().forEach(e -> training.train(e, 0));
        assertThat(training.status().drift()).isEqualTo(DriftStatus.NONE);
        assertThat(training.status().examplesTrained()).isEqualTo(1200);
    }

    /** {@code reset} starts the watch afresh, out of its warning zone: the gauge says so at once. */
    @Test
    void resetClearsTheWarningGauge() {
        TrainerConfig config = TrainerConfig.fromProperties(Map.of(
                "input-size", "2",
                "layers", "1:sigmoid",
                "loss", "binary_crossentropy",
                "optimizer", "sgd",
                "learning-rate", "0.1",
                "batch-size", "4",
                "drift.detector", "ddm",
                "drift.challenger", "none"));
        dev.eddy.metrics.TrainingMetricsBinder binder =
                new dev.eddy.metrics.TrainingMetricsBinder(Map.of(MODEL, config));
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        binder.bindTo(registry);
        ModelTraining training = new ModelTraining(
                MODEL,
                config,
                200,
                0,
                true,
                100,
                LocalTraining.inMemoryStores(),
                binder,
                r -> {},
                null,
                PublishedVersions.NONE,
                0);
        boolean warned = false;
        for (Example e : flipping()) {
            training.train(e, 0);
            if (training.status().drift().warning()) {
                assertThat(registry.get("eddy.drift.state").gauge().value()).isEqualTo(1.0);
                training.command(ModelCommand.parse("reset " + MODEL), 0);
                assertThat(training.status().drift().warning()).isFalse();
                assertThat(registry.get("eddy.drift.state").gauge().value()).isEqualTo(0.0);
                warned = true;
                break;
            }
        }
        assertThat(warned).as("a warning before the end of the stream").isTrue();
    }

    @Test
    void resetAdoptsAnotherDetector() {
        Map<String, String> adwin = TrainingFixture.logisticModel(MODEL);
        adwin.put("application.id", "drift");
        adwin.put("holdout.fraction", "0");
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        try (TrainingFixture f = new TrainingFixture(adwin, dir.resolve("a"))) {
            f.pipe(TrainingFixture.blobs(40, 1, MODEL));
            assertThat(f.status(MODEL).drift().detector()).isEqualTo("adwin");
            changelogs = f.changelogs();
        }
        Map<String, String> ddm = new HashMap<>(adwin);
        ddm.put("model." + MODEL + ".drift.detector", "ddm");
        try (TrainingFixture f = new TrainingFixture(ddm, dir.resolve("b"))) {
            f.restore(changelogs);
            f.pipe(TrainingFixture.blobs(8, 2, MODEL));
            assertThat(f.status(MODEL).drift().detector())
                    .as("the stored configuration, until reset")
                    .isEqualTo("adwin");
            f.command("reset " + MODEL);
            f.pipe(TrainingFixture.blobs(8, 3, MODEL));
            assertThat(f.status(MODEL).drift().detector()).isEqualTo("ddm");
            assertThat(f.status(MODEL).examplesTrained()).isEqualTo(8);
        }
    }

    /**
     * A challenger's error is NaN only for a row it did not score: one that predicts NaN (diverged) has an infinite
     * error, so it is compared, and loses, instead of never being compared.
     */
    @Test
    void aChallengerThatPredictsNaNHasAnInfiniteError() {
        Map<String, String> p = new HashMap<>();
        p.put("input-size", "1");
        p.put("layers", "4:tanh,1:linear");
        p.put("loss", "mse");
        p.put("optimizer", "sgd");
        p.put("learning-rate", "1e300");
        p.put("standardize", "false");
        p.put("standardize-target", "false");
        Trainer diverged = Trainer.create(TrainerConfig.fromProperties(p));
        diverged.step(new double[][] {{100}, {-100}}, new double[] {1e8, -1e8}, new double[] {1, 1});
        double[][] x = {{0}, {100}}; // its weights are infinite now: 0 · ∞ is NaN
        double[] y = {0, 1};
        assertThat(diverged.predictions(x)).containsExactly(Double.NaN, Double.POSITIVE_INFINITY);
        assertThat(DriftAdaptation.errors(diverged, x, y))
                .containsExactly(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
    }
}
