package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.it.Runs;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The record key of an example does not decide whether it trains: with both routings the production topology trains
 * examples keyed by their model id, by nothing (null) or by anything else into the same snapshots, and sends none of
 * them to the dead-letter topic. (Only direct routing on partitioned input, not built yet, will need key = model id.)
 */
class ExampleKeysTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"repartition", "direct"})
    void examplesTrainWhateverTheirKey(String routing) {
        // Model m is named by half of the examples; the other half names no model and trains m and n (fan-out).
        List<Example> input = new ArrayList<>(TrainingFixture.blobs(40, 3, "m"));
        input.addAll(TrainingFixture.blobs(40, 4, null));

        List<ModelSnapshot> byModelId = train(routing, "model-id", input, e -> e.getModelId());
        List<ModelSnapshot> nullKeys = train(routing, "null", input, e -> null);
        List<ModelSnapshot> otherKeys = train(routing, "other", input, e -> "not-a-model/" + e.getId());

        assertThat(byModelId)
                .extracting(ModelSnapshot::getModelId)
                .contains("m", "n")
                .hasSize(15); // m: 80 examples, 20 steps; n: 40 examples, 10 steps; every 2nd step
        assertThat(nullKeys).isEqualTo(byModelId);
        assertThat(otherKeys).isEqualTo(byModelId);
    }

    /** The snapshots (creation time left out) of one run; fails if any example became a dead letter. */
    private List<ModelSnapshot> train(String routing, String run, List<Example> input, Function<Example, String> key) {
        Map<String, String> settings = new HashMap<>(TrainingFixture.logisticModel("m"));
        settings.putAll(TrainingFixture.logisticModel("n"));
        settings.put("routing", routing);
        settings.put("holdout.fraction", "0");
        settings.put("snapshot-every", "2");
        try (TrainingFixture f = new TrainingFixture(settings, dir.resolve(routing + "-" + run))) {
            for (Example e : input) {
                String k = key.apply(e);
                f.examples.pipeInput(k == null ? null : k.getBytes(StandardCharsets.UTF_8), TrainingFixture.encode(e));
            }
            assertThat(f.deadLetters.isEmpty())
                    .as("no dead letters with %s keys", run)
                    .isTrue();
            assertThat(f.status("m").steps()).isEqualTo(20);
            return f.snapshots.readValuesToList().stream().map(Runs::comparable).toList();
        }
    }
}
