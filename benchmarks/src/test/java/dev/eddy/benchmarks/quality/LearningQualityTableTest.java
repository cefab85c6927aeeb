package dev.eddy.benchmarks.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearningQualityTableTest {

    @TempDir
    Path dir;

    private Path report(String name, String json) throws IOException {
        return Files.writeString(dir.resolve(name), json);
    }

    @Test
    void oneRowPerStreamOneColumnPerLearnerInTheOrderTheyAppear() throws IOException {
        Path eddy = report(
                "eddy.json",
                """
                {"streams":[
                  {"name":"elec2","rows":45312,"task":"binary","learners":[
                    {"name":"default","accuracy":0.7861,"kappa":0.55,"kappaTemporal":-0.4588,"examplesPerSecond":45312.0},
                    {"name":"no-change","accuracy":0.8533,"kappa":0.70,"kappaTemporal":0.0,"examplesPerSecond":1.0E7}]},
                  {"name":"diabetes","rows":442,"task":"regression","learners":[
                    {"name":"default","mae":152.83,"rmse":null,"examplesPerSecond":442.0}]}]}
                """);
        Path moa = report(
                "moa.json",
                """
                {"streams":[{"name":"elec2","rows":45312,"task":"binary","learners":[
                  {"name":"moa-hat","accuracy":0.8334,"kappa":0.66,"kappaTemporal":-0.1358,"examplesPerSecond":22656.0}]}]}
                """);
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("eddy evaluate", 2.04);
        parts.put("MOA peers", 7.9);

        assertThat(LearningQualityTable.table(List.of(eddy, moa), parts))
                .startsWith(
                        """
                        | stream | rows | default | no-change | moa-hat |
                        |---|---:|---:|---:|---:|
                        | elec2 | 45,312 | 0.786 / -0.459 | 0.853 / 0.000 | 0.833 / -0.136 |
                        | diabetes | 442 | 152.830 / n/a | – | – |
                        | seconds, all streams | | 2.0 | 0.0 | 2.0 |
                        """)
                .endsWith("Wall time: eddy evaluate 2.0 s, MOA peers 7.9 s.\n");
    }

    @Test
    void reportsThatCountDifferentRowsForOneStreamAreRefused() throws IOException {
        Path a = report(
                "a.json", """
                {"streams":[{"name":"sea","rows":100,"task":"binary","learners":[]}]}""");
        Path b = report(
                "b.json", """
                {"streams":[{"name":"sea","rows":99,"task":"binary","learners":[]}]}""");

        assertThatThrownBy(() -> LearningQualityTable.table(List.of(a, b), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(b + ": stream sea has 99 rows, another report has 100; expected the same stream in every"
                        + " report");
    }

    @Test
    void aFileOfAnotherShapeIsRefusedWithTheExpectedShape() throws IOException {
        Path other = report("other.json", "{\"learners\":[]}");

        assertThatThrownBy(() -> LearningQualityTable.table(List.of(other), Map.of()))
                .hasMessageStartingWith(other + ": not a report; expected {\"streams\"");
    }
}
