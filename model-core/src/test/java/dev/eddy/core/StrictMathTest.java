package dev.eddy.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The default kernel gives the same bits on every JVM and CPU only if no transcendental function comes from
 * {@link Math}, whose exp, log, tanh, pow, … may differ by an ulp between platforms (intrinsics); {@link StrictMath}
 * gives fdlibm's results everywhere. {@code Math.sqrt} and {@code Math.fma} are correctly rounded by specification.
 */
class StrictMathTest {

    private static final Pattern PLATFORM_MATH = Pattern.compile(
            "(?<!Strict)\\bMath\\.(exp|expm1|log|log1p|log10|pow|tanh|sinh|cosh|sin|cos|tan|asin|acos|atan|atan2|cbrt|hypot)\\(");

    @Test
    void modelCoreTakesTranscendentalFunctionsFromStrictMath() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(Path.of("src", "main"))) {
            for (Path source :
                    sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(source);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = PLATFORM_MATH.matcher(lines.get(i));
                    if (m.find()) {
                        found.add(source + ":" + (i + 1) + " " + m.group());
                    }
                }
            }
        }
        assertThat(found)
                .as("calls of java.lang.Math whose bits may differ between platforms")
                .isEmpty();
    }
}
