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
        int code = new CommandLine(new LrFindCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(new PrintWriter(out, true))
                .execute(
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
        int code = new CommandLine(new LrFindCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setErr(new PrintWriter(err, true))
                .execute(
                        "--dataset",
                        "digits",
                        "--model",
                        model.toString(),
                        "--plot",
                        dir.resolve("x.png").toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("optimiser");
    }

    /** The divisor of the suggestion, from model-core. */
    private static final class LrRangeTestDivisor {
        static final double VALUE = dev.eddy.core.schedule.LrRangeTest.SUGGESTION_DIVISOR;
    }
}
