package dev.eddy.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Writes a run's report directory: {@code report.json} (summary, bias/variance hint, every evaluation), PNG plots
 * and {@code report.md} linking them.
 *
 * <pre>
 * loss.png            training and holdout loss against examples seen (log y), dashed line where training stopped
 * holdout-metric.png  the monitored holdout metric (and the prequential one, if reported) against examples, with
 *                     the kernel sparsity beside them for a model pruned during training
 * learning-rate.png   learning rate against optimizer steps
 * throughput.png      training examples per second against examples seen
 * </pre>
 */
public final class TrainingReport {

    public static final String JSON = "report.json";
    public static final String MARKDOWN = "report.md";
    public static final String LOSS_PLOT = "loss.png";
    public static final String METRIC_PLOT = "holdout-metric.png";
    public static final String LEARNING_RATE_PLOT = "learning-rate.png";
    public static final String THROUGHPUT_PLOT = "throughput.png";

    private static final ObjectMapper JSON_MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrainingReport() {}

    /**
     * Writes the report into {@code dir} (created if missing; files of an earlier report are replaced).
     *
     * @return the plots written (a plot without data is left out)
     */
    public static List<Path> write(Path dir, RunSummary summary, BiasVarianceHint hint, List<TrainingPoint> points)
            throws IOException {
        Files.createDirectories(dir);
        List<Path> plots = new ArrayList<>();
        double[] examples = column(points, p -> p.examples());
        Plots.Chart loss = Plots.Chart.of("Loss", "examples seen", "loss").withLogY();
        if (summary.stoppedEarly()) {
            loss = loss.withMarker(summary.stoppedAtExamples(), "early stop");
        }
        plot(
                plots,
                dir.resolve(LOSS_PLOT),
                loss,
                List.of(
                        new Plots.Series(
                                "training (mean since last evaluation)", examples, column(points, p -> p.trainLoss())),
                        new Plots.Series("holdout", examples, column(points, p -> p.holdoutLoss()))));
        String metric = summary.metric().isEmpty() ? "metric" : summary.metric();
        Plots.Chart metricChart = Plots.Chart.of("Holdout " + metric, "examples seen", metric);
        if (!summary.driftDetections().isEmpty()) {
            metricChart = metricChart.withMarkers(
                    summary.driftDetections().stream()
                            .mapToDouble(Long::doubleValue)
                            .toArray(),
                    "drift detections");
        } else if (summary.stoppedEarly()) {
            metricChart = metricChart.withMarker(summary.stoppedAtExamples(), "early stop");
        }
        plot(
                plots,
                dir.resolve(METRIC_PLOT),
                metricChart,
                List.of(
                        new Plots.Series("holdout " + metric, examples, column(points, p -> p.holdoutMetric())),
                        new Plots.Series(
                                "prequential (test-then-train)", examples, column(points, p -> p.prequential())),
                        new Plots.Series("kernel sparsity", examples, column(points, p -> p.sparsity()))));
        plot(
                plots,
                dir.resolve(LEARNING_RATE_PLOT),
                Plots.Chart.of("Learning rate", "optimizer steps", "learning rate"),
                List.of(new Plots.Series(
                        "learning rate", column(points, p -> p.step()), column(points, p -> p.learningRate()))));
        plot(
                plots,
                dir.resolve(THROUGHPUT_PLOT),
                Plots.Chart.of("Throughput", "examples seen", "examples / s"),
                List.of(new Plots.Series("examples / s", examples, column(points, p -> p.examplesPerSecond()))));
        Files.writeString(
                dir.resolve(JSON), JSON_MAPPER.writeValueAsString(json(summary, hint, points)), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(MARKDOWN), markdown(summary, hint, plots), StandardCharsets.UTF_8);
        return plots;
    }

    private static void plot(List<Path> written, Path png, Plots.Chart chart, List<Plots.Series> series)
            throws IOException {
        if (Plots.write(png, chart, series)) {
            written.add(png);
        } else {
            Files.deleteIfExists(png);
        }
    }

    private static double[] column(List<TrainingPoint> points, ToDoubleFunction<TrainingPoint> f) {
        return points.stream().mapToDouble(f).toArray();
    }

    private static ObjectNode json(RunSummary summary, BiasVarianceHint hint, List<TrainingPoint> points) {
        ObjectNode root = JSON_MAPPER.createObjectNode();
        root.set("summary", JSON_MAPPER.valueToTree(summary));
        root.set("biasVariance", JSON_MAPPER.valueToTree(hint));
        ArrayNode evaluations = root.putArray("evaluations");
        points.forEach(p -> evaluations.add(JSON_MAPPER.<ObjectNode>valueToTree(p)));
        return root;
    }

    /** The summary as text lines (the demo prints them too). */
    public static List<String> summaryLines(RunSummary s, BiasVarianceHint hint) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "dataset %s, model %s", s.dataset(), s.model()));
        lines.add(String.format(
                Locale.ROOT,
                "%,d examples, %,d steps, %d evaluations, newest snapshot version %d",
                s.examples(),
                s.steps(),
                s.evaluations(),
                s.snapshotVersion()));
        if (!s.metric().isEmpty()) {
            lines.add(String.format(
                    Locale.ROOT,
                    "holdout %s: best %.4f (at %,d examples), final %.4f",
                    s.metric(),
                    s.bestMetric(),
                    s.bestAtExamples(),
                    s.finalMetric()));
        }
        if (!s.memberScores().isEmpty()) {
            lines.add(String.format(
                    Locale.ROOT,
                    "ensemble of %d: prequential %.4f, its members' %s",
                    s.memberScores().size(),
                    s.prequential(),
                    s.memberScores().stream()
                            .map(v -> String.format(Locale.ROOT, "%.4f", v))
                            .collect(Collectors.joining(" "))));
        }
        if (!Double.isNaN(s.sparsity())) {
            lines.add(String.format(Locale.ROOT, "kernel sparsity (pruned during training): %.4f", s.sparsity()));
        }
        lines.add("prequential metric: "
                + (Double.isNaN(s.prequential())
                        ? "not reported"
                        : String.format(Locale.ROOT, "%.4f", s.prequential())));
        lines.add(
                s.stoppedEarly()
                        ? String.format(
                                Locale.ROOT,
                                "early stopping fired at step %,d (%,d examples)",
                                s.stoppedAtStep(),
                                s.stoppedAtExamples())
                        : "early stopping did not fire");
        if (!s.driftDetections().isEmpty()) {
            lines.add(String.format(
                    Locale.ROOT,
                    "drift detections: %d, with %s examples trained",
                    s.driftDetections().size(),
                    s.driftDetections().stream()
                            .map(e -> String.format(Locale.ROOT, "%,d", e))
                            .collect(Collectors.joining("; "))));
        }
        lines.add(String.format(
                Locale.ROOT,
                "throughput %,.0f examples/s over %.1f s of training",
                s.examplesPerSecond(),
                s.trainingSeconds()));
        lines.add("bias/variance: " + hint.describe());
        return lines;
    }

    private static String markdown(RunSummary s, BiasVarianceHint hint, List<Path> plots) {
        StringBuilder md = new StringBuilder("# Eddy training report\n\n");
        for (String line : summaryLines(s, hint)) {
            md.append("- ").append(line).append('\n');
        }
        md.append("\nAll figures and every evaluation: [`" + JSON + "`](" + JSON + ").\n");
        for (Path plot : plots) {
            String name = plot.getFileName().toString();
            md.append("\n![").append(name).append("](").append(name).append(")\n");
        }
        return md.toString();
    }
}
