package dev.eddy.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TrainStepAlternationTest {

    @Test
    void alternatesTwoPrecisionsAndPrintsTheMedianRatioOfTheirExamplesPerSecond() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = System.out;
        int code;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            code = new CommandLine(new TrainStepAlternation())
                    .execute("--net", "small", "--batch", "32", "--blocks", "4");
        } finally {
            System.setOut(out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(printed)
                .contains("small net, batch 32, 4 blocks of 80 steps per side")
                .containsPattern("A float64 +vector rows +\\(this build\\) +[0-9,.]+ us/step +[0-9,]+ examples/s")
                .containsPattern("B float32 +vector rows +\\(this build\\)");
        Matcher ratio = Pattern.compile("B / A examples/s: median ([0-9.]+)").matcher(printed);
        assertThat(ratio.find()).as(printed).isTrue();
        assertThat(Double.parseDouble(ratio.group(1))).isPositive().isFinite();
    }

    @Test
    void eachSideRunsInAClassLoaderOfItsOwn() throws Exception {
        TrainStepAlternation alternation = new TrainStepAlternation();
        alternation.net = "small";
        alternation.batch = 1;
        LongSupplier a = alternation.side(null, "float64", true).step();
        LongSupplier b = alternation.side(null, "float64", true).step();
        assertThat(a.getClass()).isNotEqualTo(TrainStep.class).isNotEqualTo(b.getClass());
        assertThat(a.getClass().getName()).isEqualTo(TrainStep.class.getName());
        assertThat(a.getAsLong()).isPositive();
    }

    @Test
    void aSideCanRunTheFloatProductsInPlainLoops() throws Exception {
        // this module's tests run with --add-modules jdk.incubator.vector (its pom)
        TrainStepAlternation alternation = new TrainStepAlternation();
        alternation.net = "small";
        alternation.batch = 32;
        TrainStepAlternation.Side loops = alternation.side(null, "float32", false);
        TrainStepAlternation.Side vector = alternation.side(null, "float32", true);
        assertThat(loops.vectorRows()).isFalse();
        assertThat(vector.vectorRows()).isTrue();
        assertThat(System.getProperty(TrainStepAlternation.VECTOR_ROWS_PROPERTY))
                .isNull();
        assertThat(loops.step().getAsLong()).isPositive();
    }

    @Test
    void refusesAnUnknownPrecisionOrAMissingBuildNamingTheOption() {
        assertThat(run("--a", "float16")).contains("--a must be one of [float64, float32], got 'float16'");
        assertThat(run("--net", "huge")).contains("--net must be small, medium or large, got 'huge'");
        assertThat(run("--b-build", "/no/such/model-core.jar"))
                .contains("/no/such/model-core.jar does not exist: --a-build and --b-build take");
    }

    /** The error output of a run that must be refused with picocli's usage exit code, 2. */
    private static String run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine line = new CommandLine(new TrainStepAlternation());
        line.setErr(new PrintWriter(err));
        assertThat(line.execute(args)).isEqualTo(2);
        return err.toString();
    }
}
