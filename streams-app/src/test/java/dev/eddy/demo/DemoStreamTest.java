package dev.eddy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.data.LabelKind;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.report.TrainingPoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoStreamTest {

    @Test
    void aDatasetIsReplayedInPassesThatAreNewPermutationsWithStableIds() throws Exception {
        DemoStream digits = DemoStream.named("digits", 1);
        int n = digits.rowsPerPass();
        assertThat(n).isEqualTo(1797);
        List<String> first = ids(digits, n);
        List<String> second = ids(digits, n);
        assertThat(new HashSet<>(first)).hasSize(n).isEqualTo(new HashSet<>(second));
        assertThat(first).isNotEqualTo(second);
        assertThat(ids(DemoStream.named("digits", 1), n)).isEqualTo(first);
        assertThat(digits.classes()).isEqualTo(10);
        assertThat(digits.referenceLoss()).isEqualTo(Math.log(10));
    }

    @Test
    void generatorsAndRegressionHaveTheirShapes() throws Exception {
        assertThat(DemoStream.named("sea", 1).featureCount()).isEqualTo(3);
        assertThat(DemoStream.named("agrawal", 1).featureCount()).isEqualTo(9);
        assertThat(DemoStream.named("hyperplane", 1).rowsPerPass()).isZero();
        DemoStream diabetes = DemoStream.named("diabetes", 1);
        assertThat(diabetes.labelKind()).isEqualTo(LabelKind.TARGET);
        assertThat(diabetes.referenceLoss()).isGreaterThan(1000); // Var(y) of the raw progression score
        assertThat(DemoStream.named("breast-cancer", 1).classes()).isEqualTo(2);
        assertThatThrownBy(() -> DemoStream.named("iris", 1)).hasMessageContaining("expected one of digits");
    }

    /** eddy demo --csv guesses the label kind from the first row as the other commands do, unless told. */
    @Test
    void aCsvDemoGuessesItsLabelKindUnlessTold(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("prices.csv");
        Files.writeString(csv, "x,label\n1,2.5\n2,4.5\n3,6.5\n");
        DemoCommand guessed = new DemoCommand();
        new CommandLine(guessed).parseArgs("--csv", csv.toString());
        assertThat(guessed.stream().labelKind()).isEqualTo(LabelKind.TARGET);
        assertThat(guessed.stream().classes()).isZero();
        Path classes = dir.resolve("classes.csv");
        Files.writeString(classes, "x,label\n1,0\n2,1\n3,2\n");
        DemoCommand told = new DemoCommand();
        new CommandLine(told)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .parseArgs("--csv", classes.toString(), "--label-kind", "target");
        assertThat(told.stream().labelKind()).isEqualTo(LabelKind.TARGET);
        DemoCommand integers = new DemoCommand();
        new CommandLine(integers).parseArgs("--csv", classes.toString());
        assertThat(integers.stream().labelKind()).isEqualTo(LabelKind.CLASS);
    }

    @Test
    void progressLineShowsThroughputLossMetricVersionAndWait() {
        StringWriter text = new StringWriter();
        LiveProgress progress = new LiveProgress(new PrintWriter(text), false, 10_000, 15);
        progress.show(new TrainingPoint(
                2500, 78, 0.25, 0.3, "accuracy", 0.91, 1e-3, 1234, 4, 3, false, Double.NaN, "", Double.NaN));
        assertThat(text.toString())
                .contains(" 25%", "2,500 examples", "1,234/s", "loss 0.2500", "accuracy 0.9100", "v4", "wait 3/15")
                .doesNotContain("[", "\r");
        progress.show(new TrainingPoint(
                3000, 94, 0.4, Double.NaN, "", Double.NaN, 1e-3, 0, 4, 0, false, 0.8, "drift", Double.NaN));
        assertThat(text.toString().lines().toList())
                .as("a drift is shown at once, counted from then on")
                .last()
                .asString()
                .contains("drifts 1", "DRIFT DETECTED");
    }

    private static List<String> ids(DemoStream stream, int n) {
        Set<String> seen = new HashSet<>();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            LabeledRow row = stream.next();
            ids.add(stream.id(row));
            seen.add(stream.id(row));
        }
        return ids;
    }
}
