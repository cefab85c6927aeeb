package dev.eddy.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.cli.Eddy;
import dev.eddy.config.EddyConfig;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eddy predict --snapshot-file}: the rows it reads, the rows it cannot, and its exit code. */
class PredictCommandTest {

    @TempDir
    Path dir;

    private Path model;

    private record Result(int exitCode, String out, String err) {}

    /** An untrained 2-input logistic regression, exported as {@code eddy export} writes it. */
    @BeforeEach
    void export() throws Exception {
        model = dir.resolve("m.eddm");
        Trainer t = Trainer.create(
                TrainerConfig.fromProperties(Map.of("input-size", "2", "layers", "1:sigmoid", "seed", "1")));
        Files.write(model, t.inferenceModel().toBytes());
    }

    private Result predict(String csvText) throws Exception {
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, csvText);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Eddy.execute(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                "predict",
                "--model",
                "m",
                "--csv",
                csv.toString(),
                "--snapshot-file",
                model.toString());
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * The label column is not read: an empty, unknown or decimal label is scored (they were dropped, with exit 0). A
     * row whose features do not parse is reported, counted and makes the exit code 1.
     */
    @Test
    void scoresEveryRowWhateverItsLabelAndExitsWithOneForARowItCannotRead() throws Exception {
        Result r = predict("x0,x1,label\n1,2,\n3,4,?\n5,6,1.5\nbad,1,0\n7,8,1\n");
        assertThat(r.out().lines().map(l -> l.split(",")[0])).containsExactly("rows:2", "rows:3", "rows:4", "rows:6");
        assertThat(r.err())
                .contains("skipping line 5: column 'x0': expected a finite number, got 'bad'")
                .contains("1 of 5 rows of " + dir.resolve("rows.csv") + " could not be read and were not scored");
        assertThat(r.exitCode()).isEqualTo(1);
    }

    /**
     * A float32 model takes what a float holds, as serving does (feature-out-of-range): a row with a feature beyond
     * it is reported with its line and the bound, not scored, and makes the exit code 1; a float64 model scores it.
     */
    @Test
    void aFloat32ModelSkipsARowBeyondTheFloatRange() throws Exception {
        Trainer float32 = Trainer.create(TrainerConfig.fromProperties(
                Map.of("input-size", "2", "layers", "1:sigmoid", "seed", "1", "precision", "float32")));
        Files.write(model, float32.inferenceModel().toBytes());
        Result r = predict("x0,x1\n1,2\n3,-1e39\n5,6\n");
        assertThat(r.out().lines().map(l -> l.split(",")[0])).containsExactly("rows:2", "rows:4");
        assertThat(r.err())
                .contains("skipping line 3: feature 1 is -1.0E39, beyond ±3.4028234663852886E38 (float32)")
                .contains("1 of 3 rows of " + dir.resolve("rows.csv")
                        + " have a feature beyond what the model takes and were not scored");
        assertThat(r.exitCode()).isEqualTo(1);

        export();
        Result float64 = predict("x0,x1\n1,2\n3,-1e39\n");
        assertThat(float64.exitCode()).as(float64.err()).isZero();
        assertThat(float64.out().lines()).hasSize(2);
    }

    /**
     * Features in range can still overflow inside the model, as serving refuses (non-finite-output): a float64 relu
     * network multiplies (Double.MAX_VALUE, Double.MAX_VALUE) to ±∞ and then, with seed 4's initial weights, ∞ − ∞;
     * its NaN output was printed as class 0. The row is now reported with its line, not printed, and makes the exit
     * code 1.
     */
    @Test
    void aRowWithANonFiniteOutputIsReportedNotPrinted() throws Exception {
        Trainer relu = Trainer.create(TrainerConfig.fromProperties(
                Map.of("input-size", "2", "layers", "8:relu,8:relu,1:sigmoid", "seed", "4")));
        Files.write(model, relu.inferenceModel().toBytes());
        Result r = predict("x0,x1\n1,2\n1.7976931348623157E308,1.7976931348623157E308\n5,6\n");
        assertThat(r.out().lines().map(l -> l.split(",")[0])).containsExactly("rows:2", "rows:4");
        assertThat(r.err())
                .contains("skipping line 3: output 0 is NaN (a value overflowed in the float64 model)")
                .contains("1 of 3 rows of " + dir.resolve("rows.csv")
                        + " got a NaN or infinite output and were not printed")
                .doesNotContain("got no prediction");
        assertThat(r.exitCode()).isEqualTo(1);
    }

    @Test
    void aFileWithoutALabelColumnIsScored() throws Exception {
        Result r = predict("x0,x1\n1,2\n3,4\n");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines().map(l -> l.split(",")[0])).containsExactly("rows:2", "rows:3");
    }

    @Test
    void aWrongFeatureCountNamesTheFilesLine() throws Exception {
        Result r = predict("x0,x1,x2,label\n1,2,3,0\n");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err())
                .contains(dir.resolve("rows.csv") + " line 2: 3 features, but the model in " + model + " expects 2");
    }

    @Test
    void thePredictionsConsumerNeverCreatesATopic() {
        EddyConfig config = EddyConfig.forClients(null, Map.of("kafka.allow.auto.create.topics", "true"));
        assertThat(PredictCommand.consumerProperties(config)).containsEntry("allow.auto.create.topics", "false");
    }
}
