package dev.eddy.core.golden;

import dev.eddy.core.kernel.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The float32 training cases ({@code src/test/resources/golden-float32}: the 16 float64 training cases replayed by
 * torch in float32 by the generator beside them, tolerance rel 1e-5, abs 1e-6) through the same reader and comparison
 * rule as {@link GoldenConformanceTest}, with the network and the optimizer in {@link Precision#FLOAT32}.
 */
class Float32GoldenTest {

    @TestFactory
    Stream<DynamicTest> float32TrainingCases() throws IOException {
        Path root = Paths.get("src", "test", "resources", "golden-float32");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        }
        if (files.size() < 16) {
            throw new IllegalStateException("expected the 16 float32 training cases under " + root.toAbsolutePath()
                    + ", found " + files.size());
        }
        return files.stream()
                .map(file -> DynamicTest.dynamicTest(
                        root.relativize(file).toString(),
                        file.toUri(),
                        () -> GoldenConformanceTest.runFile(file, Precision.FLOAT32)));
    }
}
