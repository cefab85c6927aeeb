package dev.eddy.benchmarks.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.core.data.stream.Sea;
import dev.eddy.evaluate.LearnerResult;
import dev.eddy.evaluate.LearnerSpec;
import dev.eddy.evaluate.StreamResult;
import dev.eddy.report.Plots;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftBenchmarkTest {

    private static LearnerResult windows(double[] position, double[] window) {
        return windows("l", position, window);
    }

    private static LearnerResult windows(String name, double[] position, double[] window) {
        return new LearnerResult(name, 0, 0, 0, 0, 0, 0, position, window, new long[0]);
    }

    @Test
    void theRecoveryPlotsDrawLearnersOfTheRecoveryTableWithAndWithoutDriftHandling() {
        List<String> names = DriftBenchmark.recoveryLearners().stream()
                .map(LearnerSpec::name)
                .toList();
        assertThat(names).containsAll(DriftBenchmark.PLOTTED);
        for (String plotted : DriftBenchmark.PLOTTED) {
            String with = plotted.replace(", no drift handling", "");
            assertThat(DriftBenchmark.PLOTTED).contains(with, with + ", no drift handling");
        }
    }

    @Test
    void theRecoveryPlotIsAPngOfTheNamedLearnersAndRefusesAnUnknownOne(@TempDir Path dir) throws IOException {
        double[] position = {100, 200, 300, 400};
        StreamResult result = new StreamResult(
                "sea",
                400,
                "binary",
                List.of(
                        windows("with", position, new double[] {0.9, 0.7, 0.88, 0.9}),
                        windows("without", position, new double[] {0.9, 0.7, 0.75, 0.8})),
                new long[] {200},
                1.0);
        Path png = dir.resolve("plots/drift-recovery-sea.png");
        DriftBenchmark.recoveryPlot(png, result, List.of("with", "without"));
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(Plots.WIDTH);
        assertThat(image.getHeight()).isEqualTo(Plots.HEIGHT);

        assertThatThrownBy(() -> DriftBenchmark.recoveryPlot(dir.resolve("x.png"), result, List.of("with", "other")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no learner named 'other' in the run");
    }

    /** Rows right with probability {@code accuracy}, deterministically spread: row i is right iff ⌊(i+1)a⌋ > ⌊ia⌋. */
    private static void fill(boolean[] correct, int from, int to, double accuracy) {
        for (int i = from; i < to; i++) {
            correct[i] = Math.floor((i - from + 1) * accuracy) > Math.floor((i - from) * accuracy);
        }
    }

    @Test
    void recoveryCountsRowsUntilTheRowsSinceTheDriftAreBackWithinTheMarginOrTheWholeSegment() {
        boolean[] correct = new boolean[12_000];
        fill(correct, 0, 2_000, 0.9);
        fill(correct, 2_000, 3_000, 0.6); // relearning
        fill(correct, 3_000, 12_000, 0.9);
        // the last 1,000 rows since the drift reach 0.88 once at most 66 of them are from the relearning part
        assertThat(DriftBenchmark.recoveryRows(correct, 2_000, 12_000)).isEqualTo(2_000);

        fill(correct, 2_000, 12_000, 0.85); // never within 0.02 of 0.9 again
        assertThat(DriftBenchmark.recoveryRows(correct, 2_000, 12_000)).isEqualTo(10_000);

        fill(correct, 2_000, 12_000, 0.9); // no loss: the first check, 500 rows after the drift
        assertThat(DriftBenchmark.recoveryRows(correct, 2_000, 12_000)).isEqualTo(500);
    }

    /**
     * A learner that never adapts and loses less than a tenth: a trailing window of 1,000 rows still held 800 of the
     * old concept's rows 200 rows after the drift and read it as recovered there (SEA's paused model "recovered" in
     * 200 rows, the best figure of the table).
     */
    @Test
    void aLearnerThatNeverAdaptsNeverRecovers() throws IOException {
        FileOrderStream sea = FileOrderStream.dataset("sea", 100_000, 42, 10_000);
        boolean[] correct = new boolean[(int) sea.rows()];
        try (FileOrderStream.Pass rows = sea.read()) {
            for (int i = 0; i < correct.length; i++) { // the first concept's rule forever
                LabeledRow row = rows.next();
                correct[i] = Sea.label(Sea.threshold(0), row.features()) == row.classLabel();
            }
        }
        List<Long> never = new ArrayList<>();
        for (long p : sea.driftPoints()) {
            int end = (int) Math.min(p + 10_000, 100_000);
            if (DriftBenchmark.recoveryRows(correct, (int) p, end) == end - p) {
                never.add(p);
            }
        }
        // θ 8 → 9 costs it 8.5% of the inputs (0.9 → 0.83) for the whole segment; the switches from one concept it
        // gets wrong to another it gets about as wrong (9 → 7) or back to θ 8 lower nothing against just before
        assertThat(never).contains(10_000L, 50_000L, 90_000L);
    }

    @Test
    void seaSwitchesNameTheirThresholdsAndTheShareOfInputsWhoseClassChanged() {
        assertThat(DriftBenchmark.seaSwitch(1)).isEqualTo(" (θ 8→9, 8.5%)");
        assertThat(DriftBenchmark.seaSwitch(2)).isEqualTo(" (θ 9→7, 16.0%)");
        assertThat(DriftBenchmark.seaSwitch(3)).isEqualTo(" (θ 7→9.5, 20.6%)");
        assertThat(DriftBenchmark.seaSwitch(4)).isEqualTo(" (θ 9.5→8, 13.1%)");
        assertThat(DriftBenchmark.seaSwitch(5)).isEqualTo(DriftBenchmark.seaSwitch(1));
    }

    @Test
    void seaShareAgreesWithSampledInputs() {
        // θ 7 → 9.5: the inputs whose label differs under the two rules, counted over uniform draws of the square.
        SplittableRandom random = new SplittableRandom(7);
        int n = 200_000;
        int changed = 0;
        for (int i = 0; i < n; i++) {
            double[] x = {10 * random.nextDouble(), 10 * random.nextDouble()};
            changed += Sea.label(7, x) != Sea.label(9.5, x) ? 1 : 0;
        }
        assertThat((double) changed / n).isCloseTo(DriftBenchmark.seaChangedShare(7, 9.5), offset(0.005));
    }
}
