package dev.eddy.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LrFindCommandTest {

    @Test
    void printsTheSuggestedRateAndWritesTheLossCurve(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("lr.png");
        StringWriter out = new StringWriter();
        int code = lrFind(
                out,
                new StringWriter(),
                "--dataset",
                "breast-cancer",
                "--steps",
                "80",
                "--min-lr",
                "1e-5",
                "--max-lr",
                "3",
                "--plot",
                png.toString());

        assertThat(code).as(out.toString()).isZero();
        Matcher minimum = Pattern.compile("lowest \\(\\S+\\) at rate (\\S+)").matcher(out.toString());
        Matcher suggested = Pattern.compile("suggested learning rate: (\\S+)").matcher(out.toString());
        assertThat(minimum.find()).as(out.toString()).isTrue();
        assertThat(suggested.find()).as(out.toString()).isTrue();
        double atMinimum = Double.parseDouble(minimum.group(1));
        assertThat(atMinimum).isBetween(1e-5, 3.0);
        assertThat(Double.parseDouble(suggested.group(1)))
                .isCloseTo(atMinimum / LrRangeTestDivisor.VALUE, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(out.toString()).contains("breast_cancer: 569 rows", "1:sigmoid");
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(Plots.WIDTH);
    }

    @Test
    void aBadModelFileFailsNamingTheKey(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model.properties");
        java.nio.file.Files.writeString(model, "optimiser=adam\n");
        StringWriter err = new StringWriter();
        int code = lrFind(
                new StringWriter(),
                err,
                "--dataset",
                "digits",
                "--model",
                model.toString(),
                "--plot",
                dir.resolve("x.png").toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("optimiser");
    }

    @Test
    void aDecimalLabelIsGuessedARegressionTarget(@TempDir Path dir) throws Exception {
        Path csv = regressionCsv(dir);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = lrFind(
                out,
                err,
                "--csv",
                csv.toString(),
                "--steps",
                "20",
                "--plot",
                dir.resolve("lr.png").toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("reg.csv: 200 rows (0 rejected)", "1:linear");
    }

    @Test
    void noValidRowsNamesTheFirstRejection(@TempDir Path dir) throws Exception {
        Path csv = regressionCsv(dir);
        StringWriter err = new StringWriter();
        int code = lrFind(
                new StringWriter(),
                err,
                "--csv",
                csv.toString(),
                "--label-kind",
                "class",
                "--plot",
                dir.resolve("lr.png").toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("no valid rows (200 rejected; first: line 2: ");
    }

    @Test
    void aModelFileWithTwoModelsIsRefusedNamingThem(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("models.properties");
        java.nio.file.Files.writeString(model, "model.a.optimizer=adam\nmodel.b.batch-size=8\n");
        StringWriter err = new StringWriter();
        int code = lrFind(
                new StringWriter(),
                err,
                "--dataset",
                "digits",
                "--model",
                model.toString(),
                "--plot",
                dir.resolve("x.png").toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("2 models (a, b)");
    }

    @Test
    void aPlotNameWithoutExtensionGetsPngAndIsPrintedAsWritten(@TempDir Path dir) throws Exception {
        Path plot = dir.resolve("myplot");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = lrFind(out, err, "--dataset", "breast-cancer", "--steps", "20", "--plot", plot.toString());
        assertThat(code).as(err.toString()).isZero();
        Path png = dir.resolve("myplot.png");
        assertThat(out.toString()).contains("plot: " + png.toAbsolutePath() + System.lineSeparator());
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(Plots.WIDTH);
    }

    /** 200 rows of two features and the decimal target 3a - 2b + 0.25. */
    private static Path regressionCsv(Path dir) throws java.io.IOException {
        Path csv = dir.resolve("reg.csv");
        java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of("a,b,label"));
        for (int i = 0; i < 200; i++) {
            double a = (i % 17) / 17.0;
            double b = (i % 5) / 5.0;
            lines.add(a + "," + b + "," + (3 * a - 2 * b + 0.25));
        }
        java.nio.file.Files.write(csv, lines);
        return csv;
    }

    private static int lrFind(StringWriter out, StringWriter err, String... args) {
        return new CommandLine(new LrFindCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
    }

    /** The divisor of the suggestion, from model-core. */
    private static final class LrRangeTestDivisor {
        static final double VALUE = dev.eddy.core.schedule.LrRangeTest.SUGGESTION_DIVISOR;
    }
}
