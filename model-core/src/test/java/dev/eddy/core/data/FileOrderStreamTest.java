package dev.eddy.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.data.stream.Sea;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOrderStreamTest {

    @TempDir
    Path dir;

    /** The rows of one pass. */
    private static List<LabeledRow> rows(FileOrderStream stream) throws IOException {
        List<LabeledRow> rows = new ArrayList<>();
        try (FileOrderStream.Pass pass = stream.read()) {
            pass.forEachRemaining(rows::add);
        }
        return rows;
    }

    @Test
    void aCsvFileInFileOrderWithTheIdsProduceWrites() throws IOException {
        Path csv = Files.writeString(dir.resolve("tiny.csv"), "a,b,label\n1,2,1\n3,4,0\n5,6,2\n");
        FileOrderStream s = FileOrderStream.csv(csv, null);
        assertThat(s.name()).isEqualTo("tiny");
        assertThat(s.classes()).isEqualTo(3);
        assertThat(s.featureCount()).isEqualTo(2);
        assertThat(s.rows()).isEqualTo(3);
        assertThat(rows(s)).extracting(LabeledRow::classLabel).containsExactly(1, 0, 2);
        assertThat(s.exampleId(rows(s).get(0))).isEqualTo("tiny:2");
        assertThat(FileOrderStream.nameOf(Path.of("x/elec2.csv.gz"))).isEqualTo("elec2");
    }

    @Test
    void aBadRowIsAnErrorNamingTheFileAndLine() throws IOException {
        Path csv = Files.writeString(dir.resolve("bad.csv"), "a,label\n1,0\noops,1\n");
        assertThatThrownBy(() -> FileOrderStream.csv(csv, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(csv + ": line 3: ");
        Path empty = Files.writeString(dir.resolve("empty.csv"), "a,label\n");
        assertThatThrownBy(() -> FileOrderStream.csv(empty, null)).hasMessageContaining("has no data rows");
    }

    /** Integer targets guessed as class indices: refused naming the file and line, not a softmax of 70,001. */
    @Test
    void aLabelMakingMoreThanAThousandClassesIsRefusedSuggestingATarget() throws IOException {
        Path prices = Files.writeString(dir.resolve("prices.csv"), "a,label\n1,52000\n2,70000\n3,52000\n");
        assertThatThrownBy(() -> FileOrderStream.csv(prices, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(prices + ": line 3: label 70000 read as a class index makes 70,001 classes, from 2"
                        + " distinct labels; expected class indices 0 to K-1 with K at most 1,000 (for a number to"
                        + " predict, give --label-kind target)");
        assertThat(FileOrderStream.csv(prices, LabelKind.TARGET).classes()).isZero();

        Path largest = Files.writeString(dir.resolve("max.csv"), "a,label\n1,0\n2,2147483647\n");
        assertThatThrownBy(() -> FileOrderStream.csv(largest, null))
                .hasMessageStartingWith(
                        largest + ": line 3: label 2147483647 read as a class index makes" + " 2,147,483,648 classes");
        Path thousand = Files.writeString(dir.resolve("thousand.csv"), "a,label\n1,0\n2,999\n");
        assertThat(FileOrderStream.csv(thousand, null).classes()).isEqualTo(1_000);
    }

    @Test
    void generatorsAreSeededAndMarkTheirAbruptDrifts() throws IOException {
        FileOrderStream sea = FileOrderStream.dataset("sea", 25_000, 42, 10_000);
        assertThat(sea.rows()).isEqualTo(25_000);
        assertThat(rows(sea)).hasSize(25_000);
        assertThat(sea.driftPoints()).containsExactly(10_000, 20_000);
        assertThat(FileOrderStream.dataset("sea", 100, 42, 0).driftPoints()).isEmpty();
        assertThat(rows(FileOrderStream.dataset("SEA", 100, 42, 0)).get(99).features())
                .isEqualTo(rows(sea).get(99).features());
        assertThat(FileOrderStream.dataset("hyperplane", 10, 1, 10_000).driftPoints())
                .isEmpty();
        FileOrderStream cancer = FileOrderStream.dataset("breast-cancer", 1, 1, 0);
        assertThat(rows(cancer)).hasSize(569);
        assertThat(cancer.classes()).isEqualTo(2);
        assertThatThrownBy(() -> FileOrderStream.dataset("breast_cancer", 1, 1, 0))
                .hasMessage("unknown dataset 'breast_cancer'; expected one of digits, breast-cancer, diabetes,"
                        + " hyperplane, sea, agrawal");
    }

    /**
     * The SEA stream of {@code eddy evaluate} flips a tenth of its labels (the paper's noise): whatever a learner
     * does, its expected accuracy is at most 0.90 (the README's ceiling for the ensemble target).
     */
    @Test
    void evaluatesSeaFlipsOneLabelInTen() throws IOException {
        FileOrderStream sea = FileOrderStream.dataset("sea", 100_000, 42, 10_000);
        long flipped = 0;
        try (FileOrderStream.Pass rows = sea.read()) {
            for (int i = 0; rows.hasNext(); i++) {
                LabeledRow row = rows.next();
                double threshold = Sea.threshold(i / 10_000);
                flipped += row.classLabel() != Sea.label(threshold, row.features()) ? 1 : 0;
            }
        }
        // a binomial(100,000, 0.1) count: standard deviation 95
        assertThat(flipped).isBetween(9_600L, 10_400L);
    }

    /** Each pass reads the stream anew, the same rows in the same order: a generator seeded again, a file (gzip too). */
    @Test
    void everyPassReadsTheSameRowsAgain() throws IOException {
        for (String generator : List.of("sea", "hyperplane", "agrawal")) {
            FileOrderStream stream = FileOrderStream.dataset(generator, 2_000, 7, 500);
            List<LabeledRow> first = rows(stream);
            assertThat(rows(stream))
                    .as(generator)
                    .usingRecursiveFieldByFieldElementComparator()
                    .isEqualTo(first);
        }
        Path gz = dir.resolve("small.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("a,b,label\n1,2,1\n3,4,0\n".getBytes(StandardCharsets.UTF_8));
        }
        FileOrderStream file = FileOrderStream.csv(gz, null);
        assertThat(rows(file)).extracting(LabeledRow::lineNumber).containsExactly(2L, 3L);
        assertThat(rows(file)).extracting(LabeledRow::classLabel).containsExactly(1, 0);
    }

    /** A file cut short after the stream was made fails its next pass, naming it, instead of scoring fewer rows. */
    @Test
    void aFileShortenedBetweenPassesFailsTheNextPass() throws IOException {
        Path csv = Files.writeString(dir.resolve("shrinks.csv"), "a,label\n1,0\n2,1\n3,0\n");
        FileOrderStream stream = FileOrderStream.csv(csv, null);
        Files.writeString(csv, "a,label\n1,0\n");

        assertThatThrownBy(() -> rows(stream))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(csv + " ended after 1 rows where it had 3 when the evaluation started; expected the file"
                        + " unchanged until the evaluation ends");
    }
}
