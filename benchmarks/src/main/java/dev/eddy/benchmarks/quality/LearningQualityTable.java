package dev.eddy.benchmarks.quality;

// benchmarks/run-learning-quality.sh runs it after eddy evaluate and MoaPeers:
//   java -cp benchmarks/target/benchmarks.jar dev.eddy.benchmarks.quality.LearningQualityTable \
//       eddy-report/report.json moa-report/report.json --part "eddy evaluate=41.2" --part "MOA peers=20.3"

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * One markdown table from several {@code report.json} files of {@code eddy evaluate}'s shape (Eddy's own run, the
 * MOA peers' run): a row per stream, a column per learner in the order they first appear, each cell
 *
 * <pre>
 * accuracy / κ_per      classification: cumulative prequential accuracy and kappa-temporal
 * MAE / RMSE            regression
 * –                     the learner did not run on that stream
 * </pre>
 *
 * then a row with each learner's seconds over all its streams (Σ rows / examplesPerSecond) and the wall time of each
 * part of the run.
 */
@Command(
        name = "learning-quality-table",
        mixinStandardHelpOptions = true,
        description = "One markdown table (streams x learners) from report.json files of eddy evaluate's shape.")
public final class LearningQualityTable implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(paramLabel = "REPORT", arity = "1..*", description = "report.json files, their learners in order.")
    List<Path> reports;

    @Option(
            names = "--part",
            paramLabel = "NAME=SECONDS",
            description = "Wall time of a part of the run, printed under the table (repeatable, in order).")
    Map<String, Double> parts = new LinkedHashMap<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new LearningQualityTable()).execute(args));
    }

    /** One stream's figures, gathered from every report. */
    private record Stream(String name, long rows, Map<String, String> cells) {}

    @Override
    public Integer call() throws IOException {
        PrintWriter out = new CommandLine(this).getOut();
        out.print(table(reports, parts));
        out.flush();
        return 0;
    }

    /**
     * The table of the given reports.
     *
     * @throws IllegalArgumentException when a file is not of the report's shape, two reports count different rows
     *     for one stream, or give it a learner of the same name
     */
    static String table(List<Path> reports, Map<String, Double> parts) throws IOException {
        Map<String, Stream> streams = new LinkedHashMap<>();
        Set<String> learners = new LinkedHashSet<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (Path report : reports) {
            JsonNode root = JSON.readTree(report.toFile());
            if (root == null || !root.path("streams").isArray()) {
                throw new IllegalArgumentException(
                        report + ": not a report; expected {\"streams\":[{\"name\",\"rows\",\"task\",\"learners\"}]}");
            }
            for (JsonNode s : root.get("streams")) {
                String name = s.path("name").asText();
                long rows = s.path("rows").asLong();
                Stream stream = streams.computeIfAbsent(name, n -> new Stream(n, rows, new LinkedHashMap<>()));
                if (stream.rows() != rows) {
                    throw new IllegalArgumentException(String.format(
                            Locale.ROOT,
                            "%s: stream %s has %d rows, another report has %d; expected the same stream in every"
                                    + " report",
                            report,
                            name,
                            rows,
                            stream.rows()));
                }
                boolean regression = s.path("task").asText().equals("regression");
                for (JsonNode l : s.path("learners")) {
                    String learner = l.path("name").asText();
                    String cell = regression
                            ? figure(l.path("mae")) + " / " + figure(l.path("rmse"))
                            : figure(l.path("accuracy")) + " / " + figure(l.path("kappaTemporal"));
                    if (stream.cells().putIfAbsent(learner, cell) != null) {
                        throw new IllegalArgumentException(report + ": stream " + name + " has learner " + learner
                                + " in another report too; expected distinct learner names");
                    }
                    learners.add(learner);
                    double rate = l.path("examplesPerSecond").asDouble(Double.NaN);
                    seconds.merge(learner, rows / rate, Double::sum);
                }
            }
        }
        StringBuilder table = new StringBuilder("| stream | rows |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (String learner : learners) {
            table.append(' ').append(learner).append(" |");
            rule.append("---:|");
        }
        table.append('\n').append(rule).append('\n');
        for (Stream s : streams.values()) {
            table.append(String.format(Locale.ROOT, "| %s | %,d |", s.name(), s.rows()));
            for (String learner : learners) {
                table.append(' ').append(s.cells().getOrDefault(learner, "–")).append(" |");
            }
            table.append('\n');
        }
        table.append("| seconds, all streams | |");
        for (String learner : learners) {
            double t = seconds.get(learner);
            table.append(Double.isFinite(t) ? String.format(Locale.ROOT, " %.1f |", t) : " n/a |");
        }
        table.append("\n\nCells: prequential accuracy / kappa-temporal (classification), MAE / RMSE (regression);"
                + " – where a learner did not run.\n");
        if (!parts.isEmpty()) {
            List<String> times = new ArrayList<>();
            parts.forEach((part, t) -> times.add(String.format(Locale.ROOT, "%s %.1f s", part, t)));
            table.append("Wall time: ").append(String.join(", ", times)).append(".\n");
        }
        return table.toString();
    }

    private static String figure(JsonNode x) {
        if (!x.isNumber()) {
            return "n/a";
        }
        // A diverged regression learner's MAE can run to 1e300: keep its cell narrow.
        return String.format(Locale.ROOT, Math.abs(x.asDouble()) < 1e5 ? "%.3f" : "%.3g", x.asDouble());
    }
}
