package dev.eddy.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.data.LabelKind;
import dev.eddy.core.data.RejectedRow;
import dev.eddy.schema.Example;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesExamplesTest {

    @TempDir
    Path dir;

    private final List<RejectedRow> rejected = new ArrayList<>();

    private List<Example> read(LabelKind kind, String lines) throws IOException {
        Path file = dir.resolve("rows.jsonl");
        Files.writeString(file, lines);
        List<Example> read = new ArrayList<>();
        try (JsonLinesExamples in = JsonLinesExamples.open(file, kind, null, rejected::add)) {
            in.forEachRemaining(read::add);
        }
        return read;
    }

    /** A house price of 151 is a regression target when the file says so, not class 151. */
    @Test
    void labelKindTargetReadsAnIntegerLabelAsTheTarget() throws IOException {
        List<Example> read = read(LabelKind.TARGET, "{\"features\": [0.5, 1.0], \"label\": 151}\n");
        assertThat(rejected).isEmpty();
        assertThat(read).singleElement().satisfies(e -> {
            assertThat(e.getTarget()).isEqualTo(151.0);
            assertThat(e.getClassLabel()).isNull();
        });
    }

    @Test
    void labelKindClassRefusesADecimalLabelAndWithoutAKindEachLineIsGuessed() throws IOException {
        read(LabelKind.CLASS, "{\"features\": [1], \"label\": 1.5}\n");
        assertThat(rejected)
                .extracting(RejectedRow::toString)
                .containsExactly("line 1: label: expected a class index (an integer >= 0), got 1.5");
        List<Example> guessed = read(null, "{\"features\": [1], \"label\": 2}\n{\"features\": [1], \"label\": 2.5}\n");
        assertThat(guessed).extracting(Example::getClassLabel).containsExactly(2, null);
        assertThat(guessed).extracting(Example::getTarget).containsExactly(null, 2.5);
    }

    /** The Avro path dead-letters such an example as ambiguous-label; a JSON line read one label silently. */
    @Test
    void aLineWithMoreThanOneLabelIsRejected() throws IOException {
        List<Example> read = read(
                null,
                "{\"features\": [1], \"classLabel\": 1, \"target\": 2.5}\n"
                        + "{\"features\": [1], \"label\": 1, \"classLabel\": 0}\n"
                        + "{\"features\": [1], \"classLabel\": 1, \"target\": null}\n");
        assertThat(rejected)
                .extracting(RejectedRow::toString)
                .containsExactly(
                        "line 1: more than one label (classLabel, target): expected exactly one of 'label',"
                                + " 'classLabel' (a class index) or 'target' (a number)",
                        "line 2: more than one label (label, classLabel): expected exactly one of 'label',"
                                + " 'classLabel' (a class index) or 'target' (a number)");
        assertThat(read).extracting(Example::getClassLabel).containsExactly(1);
    }

    /** A misspelt field trained with weight 1 on every model; it is a rejected line naming the field. */
    @Test
    void aLineWithAnUnknownFieldIsRejectedNamingItAndTheKnownOnes() throws IOException {
        List<Example> read = read(
                null,
                "{\"features\": [1], \"label\": 1, \"wieght\": 0}\n"
                        + "{\"features\": [1], \"label\": 1, \"modelID\": \"m\"}\n"
                        + "{\"id\": \"ok\", \"modelId\": \"m\", \"features\": [1], \"label\": 1, \"weight\": 0,"
                        + " \"eventTime\": 5}\n");
        assertThat(rejected)
                .extracting(RejectedRow::toString)
                .containsExactly(
                        "line 1: unknown field 'wieght', expected only id, modelId, features, label, classLabel,"
                                + " target, weight, eventTime",
                        "line 2: unknown field 'modelID', expected only id, modelId, features, label, classLabel,"
                                + " target, weight, eventTime");
        assertThat(read).singleElement().satisfies(e -> {
            assertThat(e.getId()).isEqualTo("ok");
            assertThat(e.getWeight()).isEqualTo(0.0);
        });
    }
}
