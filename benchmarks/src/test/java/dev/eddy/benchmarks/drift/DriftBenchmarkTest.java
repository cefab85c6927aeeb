package dev.eddy.benchmarks.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.eddy.core.data.stream.Sea;
import dev.eddy.evaluate.LearnerResult;
import dev.eddy.evaluate.LearnerSpec;
import dev.eddy.evaluate.StreamResult;
import dev.eddy.report.Plots;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
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

    @Test
    void recoveryCountsRowsUntilTheWindowIsBackWithinTheMarginOrTheWholeSegment() {
        double[] position = {100, 200, 300, 400, 500, 600};
        // 0.90 just before the drift at 200, then 0.70, 0.85, 0.885 (within 0.02 of 0.90), ...
        LearnerResult back = windows(position, new double[] {0.8, 0.9, 0.7, 0.85, 0.885, 0.9});
        assertThat(DriftBenchmark.recoveryRows(back, 200, 600)).isEqualTo(300);
        LearnerResult never = windows(position, new double[] {0.8, 0.9, 0.7, 0.7, 0.7, 0.7});
        assertThat(DriftBenchmark.recoveryRows(never, 200, 600)).isEqualTo(400);
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
