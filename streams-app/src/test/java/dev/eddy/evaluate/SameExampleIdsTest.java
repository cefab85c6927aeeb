package dev.eddy.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.data.BundledDataset;
import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.demo.DemoStream;
import dev.eddy.io.CsvExamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eddy evaluate} and the commands that write the same data to Kafka ({@code eddy produce}, {@code eddy stream},
 * {@code eddy demo}) give a row the same example id, so the holdout split, which hashes it, holds out the same rows.
 */
class SameExampleIdsTest {

    @TempDir
    Path dir;

    @Test
    void aBundledDatasetHasTheIdsOfEvaluateInProduceAndTheDemo() throws IOException {
        FileOrderStream evaluated = FileOrderStream.dataset("breast-cancer", 1, 42, 0);
        List<String> ids = ids(evaluated);
        assertThat(ids).startsWith("breast-cancer:2", "breast-cancer:3");
        try (CsvExamples produced = CsvExamples.open(BundledDataset.BREAST_CANCER, null, r -> {})) {
            assertThat(produced(produced)).isEqualTo(ids);
        }
        DemoStream demo = DemoStream.named("breast-cancer", 42);
        assertThat(new HashSet<>(demoIds(demo, demo.rowsPerPass()))).isEqualTo(new HashSet<>(ids));
    }

    @Test
    void aGeneratorHasTheIdsOfEvaluateInStreamAndTheDemo() throws IOException {
        FileOrderStream evaluated = FileOrderStream.dataset("sea", 3_000, 42, DemoStream.DRIFT_PERIOD);
        DemoStream streamed = DemoStream.named("sea", 42);
        List<String> ids = ids(evaluated);
        try (FileOrderStream.Pass rows = evaluated.read()) {
            while (rows.hasNext()) {
                LabeledRow row = rows.next();
                LabeledRow same = streamed.next();
                assertThat(same.features()).isEqualTo(row.features());
                assertThat(streamed.id(same)).isEqualTo(evaluated.exampleId(row));
            }
        }
        assertThat(ids.get(0)).isEqualTo("sea:1");
    }

    @Test
    void aCsvFileHasTheIdsOfEvaluateInProduceAndTheDemo() throws IOException {
        Path file = Files.writeString(dir.resolve("tiny.csv.gz"), "a,label\n1,0\n\n2,1\n3,0\n");
        List<String> ids = ids(FileOrderStream.csv(file, null));
        assertThat(ids).containsExactly("tiny:2", "tiny:4", "tiny:5");
        try (CsvExamples produced = CsvExamples.open(file, null, null, r -> {})) {
            assertThat(produced(produced)).isEqualTo(ids);
        }
        DemoStream demo = DemoStream.csv(file, null, 42);
        assertThat(new HashSet<>(demoIds(demo, 3))).isEqualTo(new HashSet<>(ids));
    }

    private static List<String> ids(FileOrderStream stream) throws IOException {
        List<String> ids = new ArrayList<>();
        try (FileOrderStream.Pass rows = stream.read()) {
            rows.forEachRemaining(row -> ids.add(stream.exampleId(row)));
        }
        return ids;
    }

    private static List<String> produced(CsvExamples examples) {
        List<String> ids = new ArrayList<>();
        while (examples.hasNext()) {
            ids.add(examples.next().getId());
        }
        return ids;
    }

    private static List<String> demoIds(DemoStream demo, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(demo.id(demo.next()));
        }
        return ids;
    }
}
