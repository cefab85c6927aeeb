package dev.eddy.benchmarks.quality;

// Run from the repository root, after `mvn -B -q -pl benchmarks -am package -DskipTests`:
//   java -cp benchmarks/target/benchmarks.jar dev.eddy.benchmarks.quality.MoaPeers \
//       --csv ../shared/datasets/elec2/elec2.csv.gz --dataset sea --report /tmp/moa-peers
// or through benchmarks/run-learning-quality.sh, which runs eddy evaluate beside it and prints one table.

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.core.data.FileOrderStream;
import dev.eddy.evaluate.EvaluationReport;
import dev.eddy.evaluate.LearnerResult;
import dev.eddy.evaluate.PrequentialEvaluation;
import dev.eddy.evaluate.PrequentialFigures;
import dev.eddy.evaluate.StreamOptions;
import dev.eddy.evaluate.StreamResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The MOA peers of {@code eddy evaluate} (issue 11): Hoeffding Adaptive Tree, Leveraging Bagging and Adaptive Random
 * Forest run prequentially ({@link MoaPrequential}) over the streams {@code eddy evaluate} reads, given by the same
 * options, read by the same code ({@link FileOrderStream}), in the same order. Each learner's accuracy, kappa and
 * kappa-temporal are computed by Eddy's scorer from MOA's predictions ({@link PrequentialFigures}), and
 * written in {@code eddy evaluate}'s report shape ({@link EvaluationReport}); MOA's own evaluator figures go beside
 * them in {@code moa-evaluator.json} and a cross-check table. Regression streams are skipped, with a line saying so.
 */
@Command(
        name = "moa-peers",
        mixinStandardHelpOptions = true,
        description = {
            "MOA peers of 'eddy evaluate': Hoeffding Adaptive Tree, Leveraging Bagging and Adaptive Random Forest",
            "(-s 10), MOA's default options and seeds, test-then-train one example at a time in file order, as",
            "EvaluatePrequential -e BasicClassificationPerformanceEvaluator. Classification streams only.",
            "Writes report.json (the shape of eddy evaluate's), report.md, plots and moa-evaluator.json (MOA's own",
            "figures) into --report."
        })
public final class MoaPeers implements Callable<Integer> {

    /** MOA's own figures, beside Eddy's in the report directory. */
    public static final String MOA_EVALUATOR_JSON = "moa-evaluator.json";

    /** The windowed accuracy's window: {@code prequential.window}'s default in the application. */
    private static final int WINDOW = 1000;

    @Spec
    CommandSpec spec;

    @Mixin
    StreamOptions input;

    @Option(
            names = "--learner",
            paramLabel = "NAME",
            split = ",",
            description = "MOA learners to run: moa-hat, moa-leveraging-bagging, moa-arf (default: all three).")
    List<String> learners = new ArrayList<>();

    @Option(
            names = "--report",
            paramLabel = "DIR",
            defaultValue = "moa-peers",
            description = "Report directory; its report files are overwritten (default: ${DEFAULT-VALUE}).")
    Path report;

    public static void main(String[] args) {
        System.exit(new CommandLine(new MoaPeers()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        List<MoaPeer> peers = learners.isEmpty()
                ? List.of(MoaPeer.values())
                : learners.stream().map(MoaPeer::named).toList();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        List<StreamResult> results = new ArrayList<>();
        List<List<MoaPrequential>> runs = new ArrayList<>();
        List<FileOrderStream> streams = input.streams();
        for (FileOrderStream stream : streams) {
            if (!stream.classification()) {
                err.printf("skipping %s: a regression stream; the MOA peers are classifiers%n", stream.name());
                continue;
            }
            long streamStart = System.nanoTime();
            List<LearnerResult> learnerResults = new ArrayList<>();
            List<MoaPrequential> streamRuns = new ArrayList<>();
            for (MoaPeer peer : peers) {
                err.printf("%s: %s (%s) ...%n", stream.name(), peer.learnerName(), peer.cli());
                err.flush();
                PrequentialFigures figures = new PrequentialFigures(stream, WINDOW);
                MoaPrequential run = MoaPrequential.run(peer, stream, figures::add);
                learnerResults.add(figures.result(peer.learnerName(), stream.rows() / run.seconds()));
                streamRuns.add(run);
                err.printf(
                        Locale.ROOT,
                        "%s: %s accuracy %.4f in %.1f s%n",
                        stream.name(),
                        peer.learnerName(),
                        run.moaFigure(MoaPrequential.ACCURACY),
                        run.seconds());
            }
            results.add(new StreamResult(
                    stream.name(),
                    stream.rows(),
                    PrequentialEvaluation.task(stream),
                    learnerResults,
                    stream.driftPoints(),
                    (System.nanoTime() - streamStart) / 1e9));
            runs.add(streamRuns);
        }
        Files.createDirectories(report);
        EvaluationReport.write(report, results);
        Files.writeString(report.resolve(MOA_EVALUATOR_JSON), moaEvaluatorJson(results, runs));
        if (!results.isEmpty()) {
            out.print(EvaluationReport.table(results));
            out.println();
            out.print(crossCheck(results, runs));
        }
        out.printf(
                Locale.ROOT,
                "%nwall time %.1f s; report: %s%n",
                (System.nanoTime() - start) / 1e9,
                report.resolve(EvaluationReport.JSON));
        out.flush();
        return 0;
    }

    /** {@code {"streams":[{"name","learners":[{"name","accuracy","kappa","kappaTemporal"}]}]}} as MOA reports them. */
    private static String moaEvaluatorJson(List<StreamResult> results, List<List<MoaPrequential>> runs)
            throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        ArrayNode streams = root.putArray("streams");
        for (int s = 0; s < results.size(); s++) {
            ObjectNode stream = streams.addObject();
            stream.put("name", results.get(s).name());
            ArrayNode learners = stream.putArray("learners");
            for (MoaPrequential run : runs.get(s)) {
                ObjectNode learner = learners.addObject();
                learner.put("name", run.peer().learnerName());
                learner.put("cli", run.peer().cli());
                put(learner, "accuracy", run.moaFigure(MoaPrequential.ACCURACY));
                put(learner, "kappa", run.moaFigure(MoaPrequential.KAPPA));
                put(learner, "kappaTemporal", run.moaFigure(MoaPrequential.KAPPA_TEMPORAL));
                learner.put("seconds", run.seconds());
            }
        }
        return mapper.writeValueAsString(root);
    }

    private static void put(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

    /** Eddy's figures from MOA's predictions beside MOA's evaluator's, per stream and learner. */
    private static String crossCheck(List<StreamResult> results, List<List<MoaPrequential>> runs) {
        StringBuilder out = new StringBuilder("| stream | learner | accuracy (Eddy / MOA) | kappa (Eddy / MOA) |"
                + " kappa-temporal (Eddy / MOA) | seconds |\n|---|---|---|---|---|---:|\n");
        for (int s = 0; s < results.size(); s++) {
            for (int l = 0; l < runs.get(s).size(); l++) {
                LearnerResult eddy = results.get(s).learners().get(l);
                MoaPrequential moa = runs.get(s).get(l);
                out.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s | %.1f |%n",
                        results.get(s).name(),
                        eddy.name(),
                        pair(eddy.accuracy(), moa.moaFigure(MoaPrequential.ACCURACY)),
                        pair(eddy.kappa(), moa.moaFigure(MoaPrequential.KAPPA)),
                        pair(eddy.kappaTemporal(), moa.moaFigure(MoaPrequential.KAPPA_TEMPORAL)),
                        moa.seconds()));
            }
        }
        return out.toString();
    }

    private static String pair(double eddy, double moa) {
        return figure(eddy) + " / " + figure(moa);
    }

    private static String figure(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.4f", x) : "n/a";
    }
}
