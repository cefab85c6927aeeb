package dev.eddy.core.golden;

import static dev.eddy.core.golden.GoldenJson.*;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.core.kernel.Precision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every golden-v1 case ({@code *.json}, recursively) through the implementation: one dynamic test
 * per file. The directory is the system property {@code golden.dir}, else the environment variable
 * {@code GOLDEN_DIR}, else the bundled {@code src/test/resources/golden}. A file that cannot be run
 * (wrong format, unknown kind, name or field) fails; nothing is skipped. Prints {@code N passed, M
 * failed} at the end.
 */
class GoldenConformanceTest {
    private static final List<String> COMMON =
            List.of("format", "kind", "name", "description", "reference", "tolerance");
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final AtomicInteger PASSED = new AtomicInteger();
    private static final AtomicInteger FAILED = new AtomicInteger();

    /** The common fields plus a kind's own fields. */
    static List<String> withCommon(String... fields) {
        List<String> all = new ArrayList<>(COMMON);
        all.addAll(List.of(fields));
        return all;
    }

    static Path goldenDir() {
        String dir = System.getProperty("golden.dir");
        if (dir == null || dir.isBlank()) {
            dir = System.getenv("GOLDEN_DIR");
        }
        return dir == null || dir.isBlank() ? Paths.get("src", "test", "resources", "golden") : Paths.get(dir);
    }

    @TestFactory
    Stream<DynamicTest> goldenCases() throws IOException {
        Path root = goldenDir();
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("golden directory " + root.toAbsolutePath() + " does not exist");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p ->
                            Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no *.json golden files under " + root.toAbsolutePath());
        }
        return files.stream()
                .map(file -> DynamicTest.dynamicTest(root.relativize(file).toString(), file.toUri(), () -> {
                    try {
                        runFile(file);
                        PASSED.incrementAndGet();
                    } catch (Throwable t) {
                        FAILED.incrementAndGet();
                        throw t;
                    }
                }));
    }

    @AfterAll
    static void summary() {
        System.out.println("golden conformance: " + PASSED.get() + " passed, " + FAILED.get() + " failed");
    }

    static void runFile(Path file) {
        runFile(file, Precision.FLOAT64);
    }

    /** Runs one file; training cases run in {@code precision}. */
    static void runFile(Path file, Precision precision) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
        if (root == null || !root.isObject()) {
            throw new GoldenFormatException(file + " is not a JSON object");
        }
        String format = text(root, "format");
        if (!format.equals("golden-v1")) {
            throw new GoldenFormatException("format must be \"golden-v1\", got \"" + format + "\"");
        }
        String kind = text(root, "kind");
        String name = text(root, "name");
        String stem = file.getFileName().toString().replaceFirst("\\.json$", "");
        if (!name.equals(stem)) {
            throw new GoldenFormatException("name \"" + name + "\" differs from the file stem \"" + stem + "\"");
        }
        Path parent = file.getParent();
        if (parent == null || !parent.getFileName().toString().equals(kind)) {
            throw new GoldenFormatException("kind \"" + kind + "\" differs from the folder " + parent);
        }
        text(root, "description");
        text(root, "reference");
        JsonNode tolerance = field(root, "tolerance");
        expectFields(tolerance, "tolerance", List.of("abs", "rel"));
        Comparison cmp = new Comparison(real(tolerance, "abs"), real(tolerance, "rel"));
        switch (kind) {
            case "activation" -> ActivationCase.run(root, cmp);
            case "loss" -> LossCase.run(root, cmp);
            case "training" -> TrainingCase.run(root, cmp, precision);
            case "schedule" -> ScheduleCase.run(root, cmp);
            case "early_stopping" -> EarlyStoppingCase.run(root, cmp);
            default -> throw new GoldenFormatException(
                    "unknown kind \"" + kind + "\", expected activation, loss, training, schedule or early_stopping");
        }
        cmp.verify();
    }
}
