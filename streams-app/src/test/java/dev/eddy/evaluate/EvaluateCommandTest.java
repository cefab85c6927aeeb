package dev.eddy.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.cli.Eddy;
import dev.eddy.config.EddyConfig;
import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.it.AppProcess;
import dev.eddy.it.TrainingStreams;
import dev.eddy.schema.Example;
import dev.eddy.topology.LocalTraining;
import dev.eddy.topology.TrainingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {}

    static Run eddy(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Eddy.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void elec2InFileOrderGivesTheTableWithTheBaselinesAndTheSameFiguresTwice() throws IOException {
        assumeTrue(Files.exists(TrainingStreams.ELEC2), "elec2 is not at " + TrainingStreams.ELEC2.toAbsolutePath());
        Path report = dir.resolve("report");
        Run first = eddy("evaluate", "--csv", TrainingStreams.ELEC2.toString(), "--report", report.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out())
                .contains(
                        "| elec2 | 45,312 | default |",
                        "| elec2 | 45,312 | no-change |",
                        "| elec2 | 45,312 | majority |")
                .contains("wall time");
        JsonNode one = JSON.readTree(report.resolve("report.json").toFile());
        JsonNode stream = one.get("streams").get(0);
        assertThat(stream.get("name").asText()).isEqualTo("elec2");
        assertThat(stream.get("rows").asLong()).isEqualTo(45_312);
        assertThat(stream.get("task").asText()).isEqualTo("binary");
        JsonNode noChange = learner(stream, "no-change");
        assertThat(noChange.get("kappaTemporal").asDouble()).isZero();
        // the share of rows whose label repeats the previous one (the first compared with class 0)
        assertThat(noChange.get("accuracy").asDouble()).isBetween(0.853, 0.854);
        assertThat(learner(stream, "default").get("accuracy").asDouble()).isBetween(0.70, 0.95);
        assertThat(Files.exists(report.resolve("report.md"))).isTrue();
        assertThat(Files.size(report.resolve("elec2-window.png"))).isPositive();

        Run second = eddy("evaluate", "--csv", TrainingStreams.ELEC2.toString(), "--report", report.toString());
        assertThat(second.exitCode()).isZero();
        JsonNode two = JSON.readTree(report.resolve("report.json").toFile());
        assertThat(withoutRates(two)).isEqualTo(withoutRates(one));
    }

    /**
     * A generator's rows are read again by each learner, none kept: a million SEA rows, which took over 100 MB of
     * heap when the stream was held in memory (its rows and every learner's predictions), run in 32 MB, the cheapest
     * network beside the baselines.
     */
    @Test
    void aLongGeneratorStreamRunsInAHeapThatCouldNotHoldItsRows() throws IOException, InterruptedException {
        Path linear = file("linear.properties", "layers=\noptimizer=sgd\nlearning-rate=0.1\nbatch-size=256\n");
        Path report = dir.resolve("long");
        List<String> args = List.of(
                "evaluate",
                "--dataset",
                "sea",
                "--examples",
                "1000000",
                "--model",
                linear.toString(),
                "--report",
                report.toString());
        try (AppProcess eddy = AppProcess.eddy(dir.resolve("evaluate.log"), List.of("-Xmx32m"), args)) {
            assertThat(eddy.awaitExit(Duration.ofMinutes(5))).as(eddy.log()).isZero();
        }
        JsonNode stream = JSON.readTree(report.resolve("report.json").toFile())
                .get("streams")
                .get(0);
        assertThat(stream.get("rows").asLong()).isEqualTo(1_000_000);
        assertThat(Files.size(report.resolve("sea-window.png"))).isPositive();
        // SEA's labels are 10% noise: a linear model's accuracy is bounded by 0.9
        assertThat(learner(stream, "linear").get("accuracy").asDouble()).isBetween(0.80, 0.90);
    }

    private static JsonNode learner(JsonNode stream, String name) {
        return StreamSupport.stream(stream.get("learners").spliterator(), false)
                .filter(l -> l.get("name").asText().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static JsonNode withoutRates(JsonNode report) {
        JsonNode copy = report.deepCopy();
        copy.get("streams").forEach(s -> s.get("learners").forEach(l -> ((ObjectNode) l).remove("examplesPerSecond")));
        return copy;
    }

    @Test
    void aLearnerFileIsNamedByItsFileAndRegressionGetsItsOwnBaselines() throws IOException {
        Path sgd = file("sgd.properties", "layers=\noptimizer=sgd\nlearning-rate=0.1\nbatch-size=1\n");
        Path report = dir.resolve("r");
        Run run = eddy(
                "evaluate",
                "--dataset",
                "diabetes",
                "--dataset",
                "breast-cancer",
                "--model",
                sgd.toString(),
                "--report",
                report.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode streams = JSON.readTree(report.resolve("report.json").toFile()).get("streams");
        JsonNode diabetes = streams.get(0);
        assertThat(diabetes.get("task").asText()).isEqualTo("regression");
        assertThat(diabetes.get("learners"))
                .extracting(l -> l.get("name").asText())
                .containsExactly("sgd", "previous", "mean");
        JsonNode mean = learner(diabetes, "mean");
        assertThat(mean.has("accuracy")).isFalse();
        assertThat(mean.get("mae").asDouble()).isPositive();
        assertThat(mean.get("rmse").asDouble())
                .isGreaterThanOrEqualTo(mean.get("mae").asDouble());
        JsonNode cancer = streams.get(1);
        assertThat(cancer.get("learners"))
                .extracting(l -> l.get("name").asText())
                .containsExactly("sgd", "no-change", "majority");
        assertThat(learner(cancer, "sgd").get("accuracy").asDouble())
                .as("a logistic regression by SGD at batch 1 beats the majority class on breast-cancer")
                .isGreaterThan(learner(cancer, "majority").get("accuracy").asDouble());
    }

    /**
     * {@code standardize-target}, on by default for a regression network, applies to the regression streams only (like
     * the output layer, it follows the stream's task; a learner file may set it either way); on diabetes, targets
     * 25–346, the network it makes beats the running mean where the same network on raw targets
     * ({@code standardize-target=false}) does not.
     */
    @Test
    void standardizeTargetIsOnForRegressionStreamsByDefaultAndBeatsTheMeanOnDiabetes() throws IOException {
        String adamBatch1 = "batch-size=1\n";
        Path unset = file("unset.properties", adamBatch1);
        Path raw = file("raw.properties", adamBatch1 + "standardize-target=false\n");
        Path standardized = file("standardized.properties", adamBatch1 + "standardize-target=true\n");
        Path report = dir.resolve("r");
        Run run = eddy(
                "evaluate",
                "--dataset",
                "diabetes",
                "--dataset",
                "breast-cancer",
                "--model",
                unset.toString(),
                "--model",
                raw.toString(),
                "--model",
                standardized.toString(),
                "--report",
                report.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode streams = JSON.readTree(report.resolve("report.json").toFile()).get("streams");
        JsonNode diabetes = streams.get(0);
        double mean = learner(diabetes, "mean").get("mae").asDouble();
        assertThat(learner(diabetes, "standardized").get("mae").asDouble()).isLessThan(mean);
        assertThat(learner(diabetes, "raw").get("mae").asDouble()).isGreaterThan(mean);
        assertThat(learner(diabetes, "unset").get("mae").asDouble())
                .as("the default: standardized")
                .isEqualTo(learner(diabetes, "standardized").get("mae").asDouble());
        JsonNode cancer = streams.get(1);
        for (String learner : List.of("standardized", "raw")) {
            assertThat(learner(cancer, learner).get("accuracy").asDouble())
                    .as("on a classification stream the key is left out: the same network as unset")
                    .isEqualTo(learner(cancer, "unset").get("accuracy").asDouble());
        }
    }

    /**
     * A learner file with {@code search.*} keys is a search: its row is what it serves, its leaderboard follows the
     * table and is in report.json with every decision; each trial of a random search trains over the whole stream.
     */
    @Test
    void aSearchLearnerReportsWhatItServesAndItsLeaderboard() throws IOException {
        Path search = file(
                "hb.properties",
                "search.strategy=hyperband\nsearch.trials=4\nsearch.asha.min-examples=200\n"
                        + "search.asha.max-examples=1600\nsearch.asha.eta=2\n"
                        + "search.space.learning-rate=0.001|0.1\nsearch.space.batch-size=1|8\n");
        Path random = file("rs.properties", "search.strategy=random\nsearch.trials=3\nsearch.seed=7\n");
        Path report = dir.resolve("r");
        Run run = eddy(
                "evaluate",
                "--dataset",
                "sea",
                "--examples",
                "3000",
                "--model",
                search.toString(),
                "--model",
                random.toString(),
                "--report",
                report.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("| sea | 3,000 | hb |", "hb on sea (search.strategy=hyperband)", "| hb~t00 |", "| rs~t02 |");
        JsonNode stream = JSON.readTree(report.resolve("report.json").toFile())
                .get("streams")
                .get(0);
        assertThat(learner(stream, "hb").get("accuracy").asDouble()).isBetween(0.6, 1.0);
        JsonNode hb = stream.get("searches").get(0);
        assertThat(hb.get("strategy").asText()).isEqualTo("hyperband");
        assertThat(hb.get("trials")).hasSize(4);
        assertThat(hb.get("events"))
                .extracting(e -> e.get("kind").asText())
                .contains("search-champion", "search-prune");
        JsonNode rs = stream.get("searches").get(1);
        assertThat(rs.get("trials")).extracting(t -> t.get("status").asText()).containsOnly("running");
        assertThat(Files.size(report.resolve("sea-hb-trials.png"))).isPositive();
        assertThat(Files.readString(report.resolve("report.md"))).contains("![hb trials](sea-hb-trials.png)");
        long trained = rs.get("trials").get(0).get("examples").asLong();
        assertThat(rs.get("trialExamples").asLong()).isEqualTo(3 * trained);
    }

    /**
     * {@code search.strategy=pbt}: the bottom quarter copies a top trial every interval, so the leaderboard ends with
     * trials whose configurations were moved, and the exploit events name donor, receiver and configuration.
     */
    @Test
    void aPbtSearchExploitsAtEveryInterval() throws IOException {
        Path pbt = file(
                "pbt.properties",
                "search.strategy=pbt\nsearch.trials=4\nsearch.pbt.interval-examples=500\n"
                        + "search.space.learning-rate=loguniform(0.001,0.3)\nsearch.space.batch-size=1|8\n");
        Path report = dir.resolve("p");
        Run run = eddy(
                "evaluate",
                "--dataset",
                "sea",
                "--examples",
                "3000",
                "--model",
                pbt.toString(),
                "--report",
                report.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("| sea | 3,000 | pbt |", "pbt on sea (search.strategy=pbt)", "| pbt~t03 |");
        JsonNode stream = JSON.readTree(report.resolve("report.json").toFile())
                .get("streams")
                .get(0);
        assertThat(learner(stream, "pbt").get("accuracy").asDouble()).isBetween(0.6, 1.0);
        JsonNode search = stream.get("searches").get(0);
        assertThat(search.get("strategy").asText()).isEqualTo("pbt");
        List<JsonNode> exploits = new ArrayList<>();
        search.get("events").forEach(e -> {
            if (e.get("kind").asText().equals("search-exploit")) {
                exploits.add(e);
            }
        });
        // one exploit per round of 500 trained examples (k = ⌈4 · 0.25⌉ = 1; no fixed key, so always a donor)
        long trained = search.get("trials").get(0).get("examples").asLong();
        assertThat(trained).isBetween(2_000L, 3_000L);
        assertThat(exploits).hasSize((int) (trained / 500));
        for (JsonNode e : exploits) {
            assertThat(e.get("detail").asText())
                    .matches("from trial \\d to trial \\d: \\{batch-size=(1|8), learning-rate=.*\\}");
        }
        assertThat(search.get("trials"))
                .extracting(t -> t.get("status").asText())
                .containsOnly("running");
        assertThat(search.get("trialExamples").asLong())
                .isEqualTo(4 * search.get("trials").get(0).get("examples").asLong());
    }

    /**
     * A regression search ranks by windowed RMSE, smaller first, and reports RMSE; with ensemble-top the served value
     * is the mean of the voters', so it differs from the champion-only search on the same trials.
     */
    @Test
    void aRegressionSearchRanksByRmseSmallestFirst() throws IOException {
        Path one = file(
                "rs1.properties", "search.strategy=random\nsearch.trials=3\nsearch.space.learning-rate=0.001|0.01\n");
        Path mean = file(
                "rs3.properties",
                "search.strategy=random\nsearch.trials=3\nsearch.space.learning-rate=0.001|0.01\n"
                        + "search.ensemble-top=3\n");
        Path report = dir.resolve("reg");
        Run run = eddy(
                "evaluate",
                "--dataset",
                "diabetes",
                "--model",
                one.toString(),
                "--model",
                mean.toString(),
                "--report",
                report.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode stream = JSON.readTree(report.resolve("report.json").toFile())
                .get("streams")
                .get(0);
        assertThat(learner(stream, "rs1").get("rmse").asDouble()).isPositive();
        assertThat(learner(stream, "rs3").get("rmse").asDouble())
                .isNotEqualTo(learner(stream, "rs1").get("rmse").asDouble());
        JsonNode trials = stream.get("searches").get(0).get("trials");
        assertThat(trials.get(0).get("metric").asDouble())
                .isLessThanOrEqualTo(trials.get(1).get("metric").asDouble());
        assertThat(trials.get(1).get("metric").asDouble())
                .isLessThanOrEqualTo(trials.get(2).get("metric").asDouble());
    }

    @Test
    void badSearchKeysAreRefusedAtStartNamingTheFileAndKey() throws IOException {
        Path pbt = file("pbt.properties", "search.strategy=pbt\nsearch.pbt.interval-examples=0\n");
        Path range = file("range.properties", "search.strategy=random\nsearch.space.learning-rate=loguniform(1,0.1)\n");
        Path notTrainer = file("nt.properties", "search.strategy=random\nsearch.space.holdout.fraction=0.1|0.2\n");
        Path grid = file("grid.properties", "search.strategy=grid\nsearch.trials=500\n");
        Path badLayers = file("bl.properties", "search.strategy=grid\nsearch.space.layers=8:relu|8:nope\n");
        assertFailure(
                eddy("evaluate", "--dataset", "sea", "--model", pbt.toString()),
                "pbt.properties: search.pbt.interval-examples must be an integer >= 1, got '0'");
        assertFailure(
                eddy("evaluate", "--dataset", "sea", "--model", range.toString()),
                "range.properties: search.space.learning-rate: 'loguniform(1,0.1)' is an empty or inverted range");
        assertFailure(
                eddy("evaluate", "--dataset", "sea", "--model", notTrainer.toString()),
                "search.space.holdout.fraction: 'holdout.fraction' is not a trainer key");
        assertFailure(
                eddy("evaluate", "--dataset", "sea", "--model", grid.toString()),
                "search.trials=500 with search.strategy=grid",
                "has 192 points; leave search.trials unset or set it to 192");
        assertFailure(
                eddy("evaluate", "--dataset", "sea", "--model", badLayers.toString()),
                "bl.properties (trial",
                "8:nope");
        Path ensemble = file("ens.properties", "search.strategy=random\nensemble=bagging\n");
        Path ensembleSpace = file("ess.properties", "search.strategy=random\nsearch.space.ensemble=bagging|boosting\n");
        assertFailure(
                eddy("evaluate", "--dataset", "sea", "--model", ensemble.toString()),
                "ens.properties: key 'ensemble' cannot combine with 'search.strategy'",
                "use search.ensemble-top=k");
        assertFailure(
                eddy("evaluate", "--dataset", "sea", "--model", ensembleSpace.toString()),
                "ess.properties: key 'search.space.ensemble' cannot combine with 'search.strategy'");
        Path one = file("one.properties", "search.strategy=random\nensemble=none\n");
        assertThat(LearnerSpec.fromFile(one).search())
                .as("ensemble=none is one network")
                .isPresent();
    }

    /**
     * Every network prediction is compared with its own row's label: the accuracy in the report equals the trainer's
     * own count of correct predictions, made when each example was scored (a prediction put at another row would
     * disagree).
     */
    @Test
    void networkPredictionsArePutBackAtTheirRows() throws IOException {
        FileOrderStream stream = FileOrderStream.dataset("sea", 3_000, 5, 1_000);
        LearnerSpec learner = new LearnerSpec(
                "small",
                new TreeMap<>(
                        Map.of("layers", "8:relu", "batch-size", "7", "eval-every", "5", "budget.max-steps", "150")),
                Map.of("holdout.fraction", "0.3", "prequential.window", "100"));
        StreamResult result = new PrequentialEvaluation(stream, 100).run(List.of(learner), (s, l, r, t) -> {});

        EddyConfig config = learner.config(stream);
        LocalTraining reference = new LocalTraining(config, TrainingListener.NONE);
        try (FileOrderStream.Pass rows = stream.read()) {
            while (rows.hasNext()) {
                LabeledRow row = rows.next();
                reference.accept(Example.newBuilder()
                        .setId(stream.exampleId(row))
                        .setFeatures(Arrays.stream(row.features()).boxed().toList())
                        .setClassLabel(row.classLabel())
                        .setEventTime(Instant.EPOCH)
                        .build());
            }
        }
        reference.finish();
        assertThat(reference.status().paused()).as("paused part of the way").isTrue();
        assertThat(reference.status().prequentialExamples()).isEqualTo(3_000);
        double accuracy = reference.status().prequentialSum() / 3_000;
        assertThat(result.learners().get(0).accuracy()).isEqualTo(accuracy);
        assertThat(result.rows()).isEqualTo(3_000);
        assertThat(result.driftPoints()).containsExactly(1_000, 2_000);
    }

    @Test
    void badInputIsOneLineNamingTheFileLineOrKeyAndExitsOne() throws IOException {
        Path notCsv = file("model.bin", "\u0001\u0002 not a table");
        Path noLabel = file("nolabel.csv", "a,b\n1,2\n");
        Path nonNumeric = file("cells.csv", "a,b,label\n1,2,0\n1,x,1\n");
        Path unknownKey = file("typo.properties", "optimiser=sgd\n");
        Path prefixed = file("prefixed.properties", "model.m.optimizer=sgd\n");
        Path nested = Files.createDirectories(dir.resolve("other"));
        Path twin = Files.writeString(nested.resolve("typo2.properties"), "optimizer=sgd\n");
        Path twin2 = file("typo2.properties", "optimizer=adam\n");

        assertFailure(eddy("evaluate", "--csv", notCsv.toString()), notCsv.toString(), "header");
        assertFailure(eddy("evaluate", "--csv", noLabel.toString()), noLabel.toString(), "label");
        assertFailure(eddy("evaluate", "--csv", nonNumeric.toString()), nonNumeric.toString() + ": line 3");
        assertFailure(eddy("evaluate", "--dataset", "mnist"), "unknown dataset 'mnist'", "breast-cancer");
        Path fakeGzip = Files.write(dir.resolve("fake.csv"), new byte[] {0x1f, (byte) 0x8b, 0, 0, 'a', '\n'});
        assertFailure(
                eddy("evaluate", "--csv", fakeGzip.toString()),
                fakeGzip + ": starts as gzip (bytes 1f 8b) but does not decompress (Unsupported compression method)",
                "expected a CSV file");
        assertFailure(eddy("evaluate", "--csv", nested.toString()), nested + " is a directory; expected a CSV file");
        assertFailure(
                eddy("evaluate", "--dataset", "sea", "--model", unknownKey.toString()),
                unknownKey.toString(),
                "unknown key 'optimiser'",
                "optimizer");
        assertFailure(eddy("evaluate", "--dataset", "sea", "--model", prefixed.toString()), "model.m.optimizer");
        assertFailure(
                eddy("evaluate", "--dataset", "sea", "--model", twin.toString(), "--model", twin2.toString()),
                "both named 'typo2'");
        Run missing = eddy("evaluate");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("give at least one --csv FILE or --dataset NAME");
    }

    /** Two streams of one name would share a row of the table and a plot: refused before either is read. */
    @Test
    void streamsOfOneNameAreRefusedAtStartNamingBoth() throws IOException {
        String rows = "a,label\n1,0\n2,1\n";
        Path x = Files.writeString(Files.createDirectories(dir.resolve("a")).resolve("x.csv"), rows);
        Path otherX =
                Files.writeString(Files.createDirectories(dir.resolve("b")).resolve("x.csv.gz"), rows);
        Path sea = file("sea.csv", rows);
        String report = dir.resolve("r").toString();

        Run twoX = eddy("evaluate", "--csv", x.toString(), "--csv", otherX.toString(), "--report", report);
        assertThat(twoX.exitCode()).as(twoX.err()).isEqualTo(2);
        assertThat(twoX.err())
                .contains("--csv " + x + " and --csv " + otherX + " are both named 'x' in the report; expected"
                        + " streams with distinct names");
        Run seaTwice = eddy("evaluate", "--csv", sea.toString(), "--dataset", "SEA", "--report", report);
        assertThat(seaTwice.exitCode()).as(seaTwice.err()).isEqualTo(2);
        assertThat(seaTwice.err()).contains("--csv " + sea + " and --dataset SEA are both named 'sea'");
        assertThat(dir.resolve("r")).doesNotExist();
    }

    private static void assertFailure(Run run, String... mentions) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).startsWith("eddy evaluate: error: ").contains(mentions);
    }

    /** prune.* keys in a learner file prune during the yardstick's run; bad ones are refused at start naming them. */
    @Test
    void aLearnerFileMayPruneAndBadPruneKeysAreRefused() throws IOException {
        Path pruned = file(
                "pruned.properties",
                "layers=32:relu\nprune.target-sparsity=0.8\nprune.end-step=10\nprune.frequency=2\nbatch-size=8\n");
        Path report = dir.resolve("r");
        Run run = eddy(
                "evaluate", "--dataset", "breast-cancer", "--model", pruned.toString(), "--report", report.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode cancer = JSON.readTree(report.resolve("report.json").toFile())
                .get("streams")
                .get(0);
        assertThat(learner(cancer, "pruned").get("accuracy").asDouble())
                .isGreaterThan(learner(cancer, "majority").get("accuracy").asDouble());

        Path whole = file("whole.properties", "prune.target-sparsity=1\nprune.end-step=10\n");
        Path noEnd = file("noend.properties", "prune.target-sparsity=0.5\n");
        Path inverted = file("inv.properties", "prune.target-sparsity=0.5\nprune.begin-step=20\nprune.end-step=10\n");
        assertFailure(
                eddy("evaluate", "--dataset", "breast-cancer", "--model", whole.toString()),
                "whole.properties",
                "prune.target-sparsity must be a number in [0, 1), got '1'");
        assertFailure(
                eddy("evaluate", "--dataset", "breast-cancer", "--model", noEnd.toString()),
                "noend.properties",
                "prune.end-step is required with prune.schedule=polynomial");
        assertFailure(
                eddy("evaluate", "--dataset", "breast-cancer", "--model", inverted.toString()),
                "inv.properties",
                "prune.end-step 10 must be after prune.begin-step 20");
    }

    @Test
    void anEarlierReportIsReplacedOnlyWhenTheWholeRunSucceeds() throws IOException {
        Path report = Files.createDirectories(dir.resolve("report"));
        Files.writeString(report.resolve("report.json"), "{}");
        Files.writeString(report.resolve("report.md"), "# earlier");
        Files.writeString(report.resolve("elec2-window.png"), "earlier plot");
        Path bad = file("bad.csv", "a,label\n1,0\nx,1\n");
        Run failed =
                eddy("evaluate", "--dataset", "breast-cancer", "--csv", bad.toString(), "--report", report.toString());
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(Files.readString(report.resolve("report.md"))).isEqualTo("# earlier");

        Run ok = eddy("evaluate", "--dataset", "breast-cancer", "--report", report.toString());
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(report.resolve("elec2-window.png")).doesNotExist();
        assertThat(report.resolve("breast-cancer-window.png")).exists();
        assertThat(Files.readString(report.resolve("report.md"))).contains("breast-cancer");
        try (var siblings = Files.list(dir)) {
            Iterator<Path> it = siblings.iterator();
            while (it.hasNext()) {
                assertThat(it.next().getFileName().toString()).doesNotContain(".tmp-");
            }
        }
    }

    /**
     * A report path that is not a new directory or an earlier report is refused before any work, naming what is in
     * the way, and nothing is deleted. (The bad CSV makes a run that did not check first fail without writing.)
     */
    @Test
    void aReportPathHoldingAnythingElseIsRefusedAtStartAndKept() throws IOException {
        Path bad = file("bad.csv", "a,label\n1,0\nx,1\n");
        Path notes = Files.createDirectories(dir.resolve("notes"));
        Files.writeString(notes.resolve("todo.txt"), "mine");
        Files.writeString(notes.resolve("report.md"), "mine too");
        Files.createDirectories(notes.resolve("drafts"));
        Run intoNotes = eddy("evaluate", "--dataset", "breast-cancer", "--report", notes.toString());
        assertRefused(intoNotes, notes.toRealPath() + " holds drafts/, todo.txt, which a report does not write");
        assertThat(notes.resolve("todo.txt")).hasContent("mine");
        assertThat(notes.resolve("report.md")).hasContent("mine too");

        Path plain = file("results.txt", "mine");
        assertRefused(
                eddy("evaluate", "--csv", bad.toString(), "--report", plain.toString()),
                plain.toRealPath() + " is a file");
        assertThat(plain).isRegularFile().hasContent("mine");

        Path here = Path.of("").toAbsolutePath();
        for (Path p : List.of(Path.of("."), here, here.getParent(), here.getRoot())) {
            assertRefused(
                    eddy("evaluate", "--csv", bad.toString(), "--report", p.toString()),
                    "is the current directory or one of its parents");
        }

        Path missing = dir.resolve("missing");
        assertRefused(
                eddy(
                        "evaluate",
                        "--csv",
                        bad.toString(),
                        "--report",
                        missing.resolve("report").toString()),
                "its parent " + missing + " is not a directory; create it first");
        assertThat(missing).doesNotExist();
    }

    private static void assertRefused(Run run, String reason) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("eddy evaluate: --report ")
                .contains(reason, "expected a new directory or one holding only an earlier report");
    }

    @Test
    void helpExitsZeroAndStatesTheStrictReading() {
        Run help = eddy("evaluate", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--csv", "--dataset", "--model", "--report", "not skipped", "64:relu,32:relu");
    }
}
