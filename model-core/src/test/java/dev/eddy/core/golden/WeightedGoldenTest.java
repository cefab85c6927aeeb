package dev.eddy.core.golden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The weighted loss cases ({@code src/test/resources/golden-weighted}, golden-v1 plus {@code weights}, computed with
 * torch by the generator beside them) through the same reader and comparison rule as {@link GoldenConformanceTest}.
 */
class WeightedGoldenTest {

    @TestFactory
    Stream<DynamicTest> weightedLossCases() throws IOException {
        Path root = Paths.get("src", "test", "resources", "golden-weighted");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        }
        if (files.size() < 7) {
            throw new IllegalStateException(
                    "expected the 7 weighted loss cases under " + root.toAbsolutePath() + ", found " + files.size());
        }
        return files.stream()
                .map(file -> DynamicTest.dynamicTest(
                        root.relativize(file).toString(), file.toUri(), () -> GoldenConformanceTest.runFile(file)));
    }
}
