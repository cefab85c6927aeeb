package dev.eddy.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.report.Plots;
import dev.eddy.topology.SearchTraining;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The report of an evaluation: {@code report.json} for scripts (a fixed shape; undefined figures are null, never
 * NaN), {@code report.md} for people, and one PNG per stream with each learner's windowed metric along the stream
 * (a generator's drift points as dashed lines). The same table is printed on stdout.
 */
public final class EvaluationReport {

    public static final String JSON = "report.json";
    public static final String MARKDOWN = "report.md";

    private static final ObjectMapper JSON_MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EvaluationReport() {}

    /**
     * Writes the report into {@code dir}, which must be new or empty.
     *
     * @throws IOException when a file cannot be written
     */
    public static void write(Path dir, List<StreamResult> streams) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(JSON), JSON_MAPPER.writeValueAsString(json(streams)), StandardCharsets.UTF_8);
        StringBuilder md = new StringBuilder("# Learning quality\n\n");
        md.append("Prequential (test-then-train), file order, one pass, every row scored before it is used.\n\n");
        md.append(table(streams)).append('\n');
        md.append(leaderboards(streams));
        for (StreamResult s : streams) {
            String png = plotName(s);
            if (plot(dir.resolve(png), s)) {
                md.append("## ")
                        .append(s.name())
                        .append("\n\n![")
                        .append(s.name())
                        .append("](")
                        .append(png);
                md.append(")\n\n");
            }
            for (SearchResult r : s.searches()) {
                String trialsPng = plotName(s)
                        .replace("-window.png", "-" + r.learner() + "-trials.png")
                        .replaceAll("[^A-Za-z0-9_.-]", "_");
                if (trialPlot(dir.resolve(trialsPng), s, r)) {
                    md.append("![")
                            .append(r.learner())
                            .append(" trials](")
                            .append(trialsPng)
                            .append(")\n\n");
                }
            }
            for (LearnerResult l : s.learners()) {
                if (l.detections().length > 0) {
                    md.append("- ").append(l.name()).append(": drifts detected at rows ");
                    md.append(Arrays.stream(l.detections())
                            .mapToObj(d -> String.format(Locale.ROOT, "%,d", d))
                            .collect(Collectors.joining(", ")));
                    md.append('\n');
                }
            }
        }
        Files.writeString(dir.resolve(MARKDOWN), md.toString(), StandardCharsets.UTF_8);
    }

    /** The report as JSON: {@code {"streams":[{"name","rows","task","learners":[...]}]}}. */
    static ObjectNode json(List<StreamResult> streams) {
        ObjectNode root = JSON_MAPPER.createObjectNode();
        ArrayNode array = root.putArray("streams");
        for (StreamResult s : streams) {
            ObjectNode stream = array.addObject();
            stream.put("name", s.name());
            stream.put("rows", s.rows());
            stream.put("task", s.task());
            ArrayNode learners = stream.putArray("learners");
            for (LearnerResult l : s.learners()) {
                ObjectNode learner = learners.addObject();
                learner.put("name", l.name());
                if (s.classification()) {
                    put(learner, "accuracy", l.accuracy());
                    put(learner, "kappa", l.kappa());
                    put(learner, "kappaTemporal", l.kappaTemporal());
                } else {
                    put(learner, "mae", l.mae());
                    put(learner, "rmse", l.rmse());
                }
                put(learner, "examplesPerSecond", l.examplesPerSecond());
            }
            ArrayNode searches = stream.putArray("searches");
            for (SearchResult r : s.searches()) {
                ObjectNode search = searches.addObject();
                search.put("learner", r.learner());
                search.put("strategy", r.strategy());
                search.put("trialExamples", r.trialExamples());
                put(search, "trialExamplesPerSecond", r.trialExamplesPerSecond());
                ArrayNode trials = search.putArray("trials");
                for (SearchTraining.Standing t : r.leaderboard()) {
                    ObjectNode trial = trials.addObject();
                    trial.put("trial", t.trial());
                    ObjectNode config = trial.putObject("config");
                    t.config().forEach(config::put);
                    trial.put("status", t.status());
                    trial.put("rung", t.rung());
                    trial.put("examples", t.trained());
                    put(trial, "metric", t.metric());
                    put(trial, "prequential", t.prequential());
                    trial.put("scored", t.scored());
                }
                ArrayNode events = search.putArray("events");
                for (SearchTraining.Event e : r.events()) {
                    ObjectNode event = events.addObject();
                    event.put("row", e.row());
                    event.put("trial", e.trial());
                    event.put("kind", e.kind());
                    event.put("detail", e.detail());
                }
            }
        }
        return root;
    }

    /**
     * Per search learner and stream: its decisions counted and its leaderboard (trial, status, rung, examples trained,
     * search metric, prequential metric over the rows it scored, hyper-parameters), best first.
     */
    public static String leaderboards(List<StreamResult> streams) {
        StringBuilder out = new StringBuilder();
        for (StreamResult s : streams) {
            for (SearchResult r : s.searches()) {
                Map<String, Long> counts = new TreeMap<>();
                r.events().forEach(e -> counts.merge(e.kind(), 1L, Long::sum));
                out.append(String.format(
                        Locale.ROOT,
                        "%n%s on %s (search.strategy=%s): %,d trial-examples, %,.0f trial-examples/s; decisions %s%n%n",
                        r.learner(),
                        s.name(),
                        r.strategy(),
                        r.trialExamples(),
                        r.trialExamplesPerSecond(),
                        counts));
                out.append("| trial | status | rung | examples | search metric | prequential | hyper-parameters |\n");
                out.append("|---|---|---:|---:|---:|---:|---|\n");
                for (SearchTraining.Standing t : r.leaderboard()) {
                    out.append(String.format(
                            Locale.ROOT,
                            "| %s | %s | %d | %,d | %s | %s | %s |%n",
                            SearchTraining.trialId(r.learner(), t.trial()),
                            t.status(),
                            t.rung(),
                            t.trained(),
                            figure(t.metric()),
                            figure(t.prequential()),
                            t.config()));
                }
            }
        }
        return out.toString();
    }

    private static void put(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

    /** One markdown table per task kind: a row per stream and learner. */
    public static String table(List<StreamResult> streams) {
        StringBuilder out = new StringBuilder();
        List<StreamResult> classification =
                streams.stream().filter(StreamResult::classification).toList();
        List<StreamResult> regression =
                streams.stream().filter(s -> !s.classification()).toList();
        if (!classification.isEmpty()) {
            out.append("| stream | rows | learner | accuracy | kappa | kappa-temporal | examples/s |\n");
            out.append("|---|---:|---|---:|---:|---:|---:|\n");
            for (StreamResult s : classification) {
                for (LearnerResult l : s.learners()) {
                    out.append(String.format(
                            Locale.ROOT,
                            "| %s | %,d | %s | %s | %s | %s | %s |%n",
                            s.name(),
                            s.rows(),
                            l.name(),
                            figure(l.accuracy()),
                            figure(l.kappa()),
                            figure(l.kappaTemporal()),
                            rate(l.examplesPerSecond())));
                }
            }
        }
        if (!regression.isEmpty()) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append("| stream | rows | learner | MAE | RMSE | examples/s |\n");
            out.append("|---|---:|---|---:|---:|---:|\n");
            for (StreamResult s : regression) {
                for (LearnerResult l : s.learners()) {
                    out.append(String.format(
                            Locale.ROOT,
                            "| %s | %,d | %s | %s | %s | %s |%n",
                            s.name(),
                            s.rows(),
                            l.name(),
                            figure(l.mae()),
                            figure(l.rmse()),
                            rate(l.examplesPerSecond())));
                }
            }
        }
        return out.toString();
    }

    private static String figure(double x) {
        if (!Double.isFinite(x)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, Math.abs(x) < 1e5 ? "%.4f" : "%.3e", x);
    }

    private static String rate(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%,.0f", x) : "n/a";
    }

    static String plotName(StreamResult s) {
        return s.name().replaceAll("[^A-Za-z0-9_.-]", "_") + "-window.png";
    }

    /**
     * Every trial's search metric along the stream (a line ends where the trial is paused and starts again where it
     * resumes), the champion switches, re-openings and PBT's exploit rounds as dashed lines.
     */
    private static boolean trialPlot(Path png, StreamResult s, SearchResult r) throws IOException {
        List<Plots.Series> series = new ArrayList<>();
        for (int t = 0; t < r.trialMetrics().length; t++) {
            series.add(new Plots.Series(SearchTraining.trialId(r.learner(), t), r.position(), r.trialMetrics()[t]));
        }
        double[] switches = r.events().stream()
                .filter(e -> List.of("search-champion", "search-reopen", "search-exploit")
                        .contains(e.kind()))
                .mapToDouble(SearchTraining.Event::row)
                .distinct()
                .toArray();
        Plots.Chart chart = Plots.Chart.of(
                        s.name() + ": " + r.learner() + " trials (search metric)", "examples", "search metric")
                .withMarkers(switches, "champion switches, re-openings and exploits");
        return Plots.write(png, chart, series);
    }

    private static boolean plot(Path png, StreamResult s) throws IOException {
        List<Plots.Series> series = new ArrayList<>();
        for (LearnerResult l : s.learners()) {
            series.add(new Plots.Series(l.name(), l.position(), l.window()));
        }
        String metric = s.classification() ? "windowed accuracy" : "windowed RMSE";
        Plots.Chart chart = Plots.Chart.of(s.name() + ": " + metric, "examples", metric);
        LearnerResult first = s.learners().get(0);
        if (s.driftPoints().length > 0) {
            chart = chart.withMarkers(
                    Arrays.stream(s.driftPoints()).asDoubleStream().toArray(), "the generator's drift points");
        } else if (first.detections().length > 0) {
            chart = chart.withMarkers(
                    Arrays.stream(first.detections()).asDoubleStream().toArray(), first.name() + "'s drift detections");
        }
        return Plots.write(png, chart, series);
    }
}
