package dev.eddy.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.optim.Optimizer;
import dev.eddy.core.train.TrainerConfig;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the README's paragraph on {@code model-core} says about the library, checked against the library: the number
 * of optimizer variants ({@code optimizer} values) and of update rules (optimizer classes), and that the OpenBLAS
 * natives it ships are named.
 */
class ReadmeClaimsTest {

    private static final Path README = Path.of("..", "README.md");

    /** The README's paragraph that starts with "The learning library, `model-core`". */
    private static String modelCoreParagraph() throws IOException {
        String text = Files.readString(README, StandardCharsets.UTF_8);
        int start = text.indexOf("The learning library, `model-core`");
        assertThat(start).as("the model-core paragraph of %s", README).isNotNegative();
        int end = text.indexOf("\n\n", start);
        return text.substring(start, end < 0 ? text.length() : end).replace('\n', ' ');
    }

    @Test
    void optimizerVariantsAndUpdateRulesAreCountedAsTheLibraryHasThem() throws Exception {
        Matcher m = Pattern.compile("(\\d+) optimizer variants \\((\\d+) update rules")
                .matcher(modelCoreParagraph());
        assertThat(m.find())
                .as("README says 'N optimizer variants (M update rules'")
                .isTrue();
        assertThat(Integer.parseInt(m.group(1)))
                .as("values of model.<id>.optimizer")
                .isEqualTo(TrainerConfig.OPTIMIZERS.size());
        assertThat(Integer.parseInt(m.group(2)))
                .as("concrete Optimizer classes in dev.eddy.core.optim")
                .isEqualTo(optimizerClasses());
    }

    @Test
    void theOpenBlasNativesOnModelCoresClassPathAreNamed() throws Exception {
        // model-core's own class path: what a user of the library gets with it.
        Class.forName("org.bytedeco.openblas.global.openblas", false, getClass().getClassLoader());
        assertThat(modelCoreParagraph()).contains("OpenBLAS").contains("native").doesNotContain("plain Java");
    }

    /** The concrete classes implementing {@link Optimizer} among the compiled classes of its package. */
    private static long optimizerClasses() throws IOException, URISyntaxException {
        Path dir =
                Path.of(Optimizer.class.getResource("Optimizer.class").toURI()).getParent();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".class") && !f.contains("$"))
                    .map(f -> load(Optimizer.class.getPackageName() + "." + f.substring(0, f.length() - 6)))
                    .filter(c -> Optimizer.class.isAssignableFrom(c)
                            && !c.isInterface()
                            && !Modifier.isAbstract(c.getModifiers()))
                    .count();
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ReadmeClaimsTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("compiled class " + name + " does not load", e);
        }
    }
}
