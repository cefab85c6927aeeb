package dev.eddy.core.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetTest {

    private static CsvDataset csv(String text, LabelKind kind, List<RejectedRow> rejected) throws IOException {
        return CsvDataset.read(new ByteArrayInputStream(text.getBytes(UTF_8)), "test.csv", kind, rejected::add);
    }

    private static List<LabeledRow> rows(CsvDataset dataset) {
        List<LabeledRow> rows = new ArrayList<>();
        dataset.forEach(rows::add);
        return rows;
    }

    @Test
    void parsesFeaturesAndInfersClassLabels() throws IOException {
        List<RejectedRow> rejected = new ArrayList<>();
        try (CsvDataset dataset = csv("a, b,label\n1.5,-2,0\n3,4e-1,2\n", null, rejected)) {
            assertThat(dataset.featureNames()).containsExactly("a", "b");
            assertThat(dataset.labelKind()).isEqualTo(LabelKind.CLASS);
            List<LabeledRow> rows = rows(dataset);
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0).features()).containsExactly(1.5, -2.0);
            assertThat(rows.get(0).lineNumber()).isEqualTo(2);
            assertThat(rows.get(1).features()).containsExactly(3.0, 0.4);
            assertThat(rows.get(1).classLabel()).isEqualTo(2);
            assertThat(dataset.acceptedCount()).isEqualTo(2);
        }
        assertThat(rejected).isEmpty();
    }

    @Test
    void infersRegressionFromADecimalLabel() throws IOException {
        try (CsvDataset dataset = csv("x,label\n1,151.0\n2,75\n", null, new ArrayList<>())) {
            assertThat(dataset.labelKind()).isEqualTo(LabelKind.TARGET);
            assertThat(rows(dataset)).extracting(LabeledRow::label).containsExactly(151.0, 75.0);
        }
    }

    @Test
    void infersTheLabelKindFromTheFirstValidLabel() throws IOException {
        List<RejectedRow> rejected = new ArrayList<>();
        try (CsvDataset dataset = csv("x,label\n1,oops\n2,3\n", null, rejected)) {
            assertThat(rows(dataset)).extracting(LabeledRow::classLabel).containsExactly(3);
            assertThat(dataset.labelKind()).isEqualTo(LabelKind.CLASS);
        }
        assertThat(rejected).singleElement().hasToString("line 2: label: expected a finite number, got 'oops'");
    }

    @Test
    void reportsBadRowsWithLineNumbersAndKeepsTheRest() throws IOException {
        List<RejectedRow> rejected = new ArrayList<>();
        String text = "x,y,label\n1,2,0\n1,2\nabc,2,1\n\n1,NaN,1\n1,2,1.5\n1,2,-1\n5,6,1\n";
        try (CsvDataset dataset = csv(text, LabelKind.CLASS, rejected)) {
            assertThat(rows(dataset)).extracting(LabeledRow::lineNumber).containsExactly(2L, 9L);
            assertThat(dataset.rejectedCount()).isEqualTo(5);
        }
        assertThat(rejected).extracting(RejectedRow::lineNumber).containsExactly(3L, 4L, 6L, 7L, 8L);
        assertThat(rejected.get(0).toString())
                .isEqualTo("line 3: expected 3 comma-separated columns as in the header, got 2");
        assertThat(rejected.get(1).reason()).isEqualTo("column 'x': expected a finite number, got 'abc'");
        assertThat(rejected.get(2).reason()).isEqualTo("column 'y': expected a finite number, got 'NaN'");
        assertThat(rejected.get(3).reason()).isEqualTo("label: expected a class index (an integer >= 0), got '1.5'");
    }

    @Test
    void rejectsAHeaderWithoutLabelColumn() {
        assertThatThrownBy(() -> csv("x,y\n1,2\n", null, new ArrayList<>()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "test.csv: expected a header with feature columns and 'label' as the last column, got 'x,y'");
        assertThatThrownBy(() -> csv("", null, new ArrayList<>()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty file");
    }

    @Test
    void readsGzipByMagicBytesWhateverTheName(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write("x,label\r\n0.25,1\r\n0.5,0\r\n".getBytes(UTF_8));
        }
        Path file = dir.resolve("data.csv");
        Files.write(file, bytes.toByteArray());
        try (CsvDataset dataset = CsvDataset.open(file, null, r -> {})) {
            assertThat(rows(dataset)).extracting(r -> r.features()[0]).containsExactly(0.25, 0.5);
        }
    }

    /** A read error names the file (and the line after which it came) and the expected form. */
    @Test
    void aFileThatCannotBeReadIsNamedWithTheExpectedForm(@TempDir Path dir) throws IOException {
        Path fakeGzip = dir.resolve("fake.csv");
        Files.write(fakeGzip, new byte[] {0x1f, (byte) 0x8b, 0, 0, 'a', ',', 'l', 'a', 'b', 'e', 'l', '\n'});
        assertThatThrownBy(() -> CsvDataset.open(fakeGzip, null, r -> {}))
                .isInstanceOf(IOException.class)
                .hasMessage(fakeGzip + ": starts as gzip (bytes 1f 8b) but does not decompress (Unsupported"
                        + " compression method); expected a CSV file, plain or gzip-compressed");
        assertThatThrownBy(() -> CsvDataset.open(dir, null, r -> {}))
                .isInstanceOf(IOException.class)
                .hasMessage(dir + " is a directory; expected a CSV file, plain or gzip-compressed");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write("x,label\n".getBytes(UTF_8));
            for (int i = 0; i < 100_000; i++) {
                gzip.write((i * 0.37 + "," + i % 2 + "\n").getBytes(UTF_8));
            }
        }
        Path truncated = dir.resolve("truncated.csv.gz");
        Files.write(truncated, Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2));
        try (CsvDataset dataset = CsvDataset.open(truncated, null, r -> {})) {
            assertThatThrownBy(() -> rows(dataset))
                    .hasMessageStartingWith(truncated + " after line ")
                    .hasMessageEndingWith(": starts as gzip (bytes 1f 8b) but does not decompress (Unexpected end of"
                            + " ZLIB input stream); expected a CSV file, plain or gzip-compressed");
        }
    }

    @Test
    void canBeIteratedOnlyOnce() throws IOException {
        try (CsvDataset dataset = csv("x,label\n1,0\n", null, new ArrayList<>())) {
            dataset.iterator();
            assertThatThrownBy(dataset::iterator).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void bundledDatasetsLoadCompletely() throws IOException {
        for (BundledDataset bundled : BundledDataset.values()) {
            List<RejectedRow> rejected = new ArrayList<>();
            try (CsvDataset dataset = bundled.open(rejected::add)) {
                List<LabeledRow> rows = rows(dataset);
                assertThat(rows).as(bundled.id()).hasSize(bundled.rows());
                assertThat(dataset.featureCount()).isEqualTo(bundled.features());
                if (bundled.labelKind() == LabelKind.CLASS) {
                    assertThat(rows.stream()
                                    .mapToInt(LabeledRow::classLabel)
                                    .max()
                                    .orElseThrow())
                            .isEqualTo(bundled.classes() - 1);
                }
            }
            assertThat(rejected).as(bundled.id()).isEmpty();
        }
    }

    /** elec2 is not bundled; tests read it from the shared datasets folder beside the repository. */
    @Test
    void elec2StreamsAllRows() throws IOException {
        Path elec2 = Path.of("../../shared/datasets/elec2/elec2.csv.gz");
        Assumptions.assumeTrue(
                Files.exists(elec2),
                "elec2 not found at " + elec2.toAbsolutePath().normalize()
                        + ": get OpenML dataset 151 (electricity) as described in README.md");
        List<RejectedRow> rejected = new ArrayList<>();
        long up = 0;
        try (CsvDataset dataset = CsvDataset.open(elec2, null, rejected::add)) {
            assertThat(dataset.featureNames())
                    .containsExactly(
                            "date", "day", "period", "nswprice", "nswdemand", "vicprice", "vicdemand", "transfer");
            for (LabeledRow row : dataset) {
                up += row.classLabel();
            }
            assertThat(dataset.acceptedCount()).isEqualTo(45_312);
            assertThat(dataset.labelKind()).isEqualTo(LabelKind.CLASS);
        }
        assertThat(rejected).isEmpty();
        assertThat((double) up / 45_312).isCloseTo(0.425, offset(0.001));
    }
}
