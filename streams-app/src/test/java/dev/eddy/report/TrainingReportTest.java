package dev.eddy.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingReportTest {

    private static final double LN10 = Math.log(10);

    /** An overfitting run: training loss → 0, holdout loss U-shaped with its minimum at evaluation 10. */
    private static List<TrainingPoint> overfitting(int evaluations, int stopAt) {
        List<TrainingPoint> points = new ArrayList<>();
        for (int i = 1; i <= evaluations; i++) {
            double train = 2.0 * Math.exp(-i / 4.0);
            double holdout = 0.3 + 0.004 * (i - 10) * (i - 10);
            double accuracy = 0.97 - 0.001 * Math.abs(i - 10);
            points.add(new TrainingPoint(
                    1600L * i,
                    50L * i,
                    train,
                    holdout,
                    "accuracy",
                    accuracy,
                    1e-3,
                    2000 + 10 * i,
                    i / 2,
                    Math.max(0, i - 10),
                    i >= stopAt,
                    Double.NaN,
                    "",
                    Double.NaN));
        }
        return points;
    }

    @Test
    void writesJsonPlotsAndMarkdownWithTheRunsFigures(@TempDir Path dir) throws IOException {
        List<TrainingPoint> points = overfitting(25, 25);
        RunSummary summary = RunSummary.of("digits", "256:relu,10:softmax", points, 20.0);
        BiasVarianceHint hint = BiasVarianceHint.of(points, LN10);

        List<Path> plots = TrainingReport.write(dir, summary, hint, points);

        assertThat(plots)
                .extracting(p -> p.getFileName().toString())
                .containsExactly(
                        TrainingReport.LOSS_PLOT,
                        TrainingReport.METRIC_PLOT,
                        TrainingReport.LEARNING_RATE_PLOT,
                        TrainingReport.THROUGHPUT_PLOT);
        for (Path png : plots) {
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image.getWidth()).isEqualTo(Plots.WIDTH);
            assertThat(image.getHeight()).isEqualTo(Plots.HEIGHT);
        }
        JsonNode json =
                new ObjectMapper().readTree(dir.resolve(TrainingReport.JSON).toFile());
        JsonNode s = json.get("summary");
        assertThat(s.get("examples").asLong()).isEqualTo(25 * 1600L);
        assertThat(s.get("bestMetric").asDouble()).isEqualTo(points.get(9).holdoutMetric());
        assertThat(s.get("bestAtExamples").asLong()).isEqualTo(points.get(9).examples());
        assertThat(s.get("finalMetric").asDouble()).isEqualTo(points.get(24).holdoutMetric());
        assertThat(s.get("stoppedEarly").asBoolean()).isTrue();
        assertThat(s.get("stoppedAtStep").asLong()).isEqualTo(points.get(24).step());
        assertThat(s.get("examplesPerSecond").asDouble()).isEqualTo(25 * 1600 / 20.0);
        assertThat(json.get("evaluations")).hasSize(25);
        assertThat(json.get("biasVariance").get("diagnosis").asText()).isEqualTo("high variance");
        String md = Files.readString(dir.resolve(TrainingReport.MARKDOWN));
        for (Path png : plots) {
            assertThat(md).contains("](" + png.getFileName() + ")");
        }
        assertThat(md).contains("early stopping fired at step 1,250");
    }

    @Test
    void biasVarianceHintIsBasedOnTheLastEvaluations() {
        List<TrainingPoint> points = overfitting(25, 99);
        BiasVarianceHint hint = BiasVarianceHint.of(points, LN10);
        List<TrainingPoint> last = points.subList(20, 25);
        double train =
                last.stream().mapToDouble(TrainingPoint::trainLoss).average().orElseThrow();
        double holdout =
                last.stream().mapToDouble(TrainingPoint::holdoutLoss).average().orElseThrow();
        assertThat(hint.trainLoss()).isCloseTo(train, within(1e-12));
        assertThat(hint.variance()).isCloseTo((holdout - train) / LN10, within(1e-12));
        assertThat(hint.diagnosis()).isEqualTo("high variance");
        assertThat(hint.describe()).contains("holdout loss", "gap");

        // Underfitting: training loss stays at 60 % of chance level, holdout close to it.
        List<TrainingPoint> flat = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            flat.add(new TrainingPoint(
                    100L * i,
                    i,
                    0.6 * LN10,
                    0.62 * LN10,
                    "accuracy",
                    0.4,
                    1e-3,
                    100,
                    -1,
                    0,
                    false,
                    Double.NaN,
                    "",
                    Double.NaN));
        }
        BiasVarianceHint underfit = BiasVarianceHint.of(flat, LN10);
        assertThat(underfit.diagnosis()).isEqualTo("high bias");
        assertThat(underfit.bias()).isCloseTo(0.6, within(1e-12));
        assertThat(BiasVarianceHint.of(List.of(), LN10).diagnosis()).isEqualTo("not enough evaluations");
    }

    @Test
    void driftEventsAreListedAndAreNotEvaluations() {
        List<TrainingPoint> points = new ArrayList<>(overfitting(6, 99));
        TrainingPoint last = points.get(points.size() - 1);
        points.add(3, drift(points.get(2)));
        points.add(drift(last));
        RunSummary summary = RunSummary.of("sea", "16:relu,1:sigmoid", points, 4.0);
        assertThat(summary.evaluations()).isEqualTo(6);
        assertThat(summary.driftDetections()).containsExactly(4800L, 9600L);
        assertThat(TrainingReport.summaryLines(summary, BiasVarianceHint.of(points, LN10)))
                .contains("drift detections: 2, with 4,800; 9,600 examples trained");
    }

    @Test
    void anEnsemblesMembersStandBesideItsPrequentialScore() {
        List<TrainingPoint> points = overfitting(6, 99);
        RunSummary one = RunSummary.of("sea", "16:relu,1:sigmoid", points, 4.0);
        RunSummary ensemble = one.withMemberScores(List.of(0.8125, 0.75, 0.875));
        String prequential = String.format(java.util.Locale.ROOT, "%.4f", one.prequential());
        assertThat(TrainingReport.summaryLines(ensemble, BiasVarianceHint.of(points, LN10)))
                .contains("ensemble of 3: prequential " + prequential + ", its members' 0.8125 0.7500 0.8750");
        assertThat(TrainingReport.summaryLines(one, BiasVarianceHint.of(points, LN10)))
                .noneMatch(line -> line.startsWith("ensemble"));
    }

    private static TrainingPoint drift(TrainingPoint at) {
        return new TrainingPoint(
                at.examples(),
                at.step(),
                at.trainLoss(),
                Double.NaN,
                "",
                Double.NaN,
                at.learningRate(),
                0,
                at.version(),
                0,
                false,
                Double.NaN,
                "drift",
                Double.NaN);
    }

    /** A pruned run: the sparsity of each evaluation is in report.json and the summary says the last one. */
    @Test
    void aPrunedRunReportsItsSparsityBesideTheHoldoutMetric(@TempDir Path dir) throws IOException {
        List<TrainingPoint> points = new ArrayList<>();
        for (TrainingPoint p : overfitting(6, 99)) {
            double sparsity = new double[] {0, 0.25, 0.5, 0.75, 0.875, 0.875}[points.size()];
            points.add(new TrainingPoint(
                    p.examples(),
                    p.step(),
                    p.trainLoss(),
                    p.holdoutLoss(),
                    p.holdoutMetricName(),
                    p.holdoutMetric(),
                    p.learningRate(),
                    p.examplesPerSecond(),
                    p.version(),
                    p.earlyStoppingWait(),
                    p.paused(),
                    p.prequential(),
                    p.event(),
                    sparsity));
        }
        RunSummary summary = RunSummary.of("digits", "256:relu,10:softmax", points, 4.0);
        assertThat(summary.sparsity()).isEqualTo(0.875);
        TrainingReport.write(dir, summary, BiasVarianceHint.of(points, LN10), points);
        JsonNode json =
                new ObjectMapper().readTree(dir.resolve(TrainingReport.JSON).toFile());
        assertThat(json.get("evaluations").get(2).get("sparsity").asDouble()).isEqualTo(0.5);
        assertThat(json.get("evaluations").get(2).get("holdoutMetric").asDouble())
                .isEqualTo(points.get(2).holdoutMetric());
        assertThat(Files.readString(dir.resolve(TrainingReport.MARKDOWN)))
                .contains("kernel sparsity (pruned during training): 0.8750");
        // Unpruned runs say nothing about sparsity.
        List<TrainingPoint> unpruned = overfitting(6, 99);
        assertThat(TrainingReport.summaryLines(
                        RunSummary.of("digits", "m", unpruned, 4.0), BiasVarianceHint.of(unpruned, LN10)))
                .noneMatch(l -> l.contains("sparsity"));
    }

    @Test
    void aRunThatDidNotStopHasNoMarkerAndSaysSo(@TempDir Path dir) throws IOException {
        List<TrainingPoint> points = overfitting(8, 99);
        RunSummary summary = RunSummary.of("sea", "16:relu,2:softmax", points, 4.0);
        assertThat(summary.stoppedEarly()).isFalse();
        assertThat(summary.stoppedAtStep()).isEqualTo(-1);
        TrainingReport.write(dir, summary, BiasVarianceHint.of(points, Math.log(2)), points);
        assertThat(Files.readString(dir.resolve(TrainingReport.MARKDOWN))).contains("early stopping did not fire");
    }
}
