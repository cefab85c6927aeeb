package dev.eddy.core.golden;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conformance runner fails (never skips) files it cannot run, and detects wrong numbers. */
class GoldenRejectionTest {
    @TempDir
    Path dir;

    private Path variant(String kind, String name, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) GoldenConformanceTest.JSON.readTree(GoldenConformanceTest.goldenDir()
                .resolve(kind)
                .resolve(name + ".json")
                .toFile());
        edit.accept(root);
        Path folder = Files.createDirectories(dir.resolve(kind));
        Path file = folder.resolve(root.get("name").textValue() + ".json");
        GoldenConformanceTest.JSON.writeValue(file.toFile(), root);
        return file;
    }

    @Test
    void unmodifiedCopyPasses() throws IOException {
        Path file = variant("training", "adam", root -> {});
        assertThatCode(() -> GoldenConformanceTest.runFile(file)).doesNotThrowAnyException();
    }

    @Test
    void unknownOrMissingFieldsFail() throws IOException {
        Path extra = variant("activation", "relu", root -> root.put("threshold", 0.0));
        assertThatThrownBy(() -> GoldenConformanceTest.runFile(extra))
                .hasMessageContaining("unknown fields [threshold]");
        Path missing = variant("loss", "mse", root -> root.remove("grad"));
        assertThatThrownBy(() -> GoldenConformanceTest.runFile(missing)).hasMessageContaining("missing fields [grad]");
        Path optimizerField =
                variant("training", "sgd", root -> ((ObjectNode) root.get("optimizer")).put("weight_decay", 0.01));
        assertThatThrownBy(() -> GoldenConformanceTest.runFile(optimizerField))
                .hasMessageContaining("unknown fields [weight_decay]");
    }

    @Test
    void unknownFormatKindAndNamesFail() throws IOException {
        Path format = variant("activation", "tanh", root -> root.put("format", "golden-v2"));
        assertThatThrownBy(() -> GoldenConformanceTest.runFile(format)).hasMessageContaining("golden-v1");
        Path activation = variant("activation", "tanh", root -> root.put("activation", "swish"));
        assertThatThrownBy(() -> GoldenConformanceTest.runFile(activation)).hasMessageContaining("unknown activation");
        Path optimizer = variant("training", "sgd", root -> ((ObjectNode) root.get("optimizer")).put("name", "lion"));
        assertThatThrownBy(() -> GoldenConformanceTest.runFile(optimizer)).hasMessageContaining("unknown optimizer");
        Path clipping = variant("training", "clip_value", root -> root.putObject("gradient_clipping")
                .put("norm", 1.0));
        assertThatThrownBy(() -> GoldenConformanceTest.runFile(clipping)).hasMessageContaining("gradient_clipping");
        Path schedule = variant("schedule", "power", root -> root.put("schedule", "cosine"));
        assertThatThrownBy(() -> GoldenConformanceTest.runFile(schedule)).hasMessageContaining("unknown schedule");
        Path renamed = variant("loss", "hinge", root -> root.put("name", "other"));
        Path moved = Files.move(renamed, renamed.resolveSibling("hinge.json"));
        assertThatThrownBy(() -> GoldenConformanceTest.runFile(moved)).hasMessageContaining("file stem");
    }

    @Test
    void wrongExpectedNumbersFail() throws IOException {
        Path params = variant("training", "adamw", root -> {
            ArrayNode steps = (ArrayNode) root.get("steps");
            ObjectNode last = (ObjectNode) steps.get(steps.size() - 1);
            ArrayNode bias = (ArrayNode) last.get("params_after").get(0).get("bias");
            bias.set(0, bias.get(0).doubleValue() * (1 + 1e-6));
        });
        assertThatThrownBy(() -> GoldenConformanceTest.runFile(params))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("params_after[0].bias[0]");
        Path stop = variant("early_stopping", "ties", root -> ((ObjectNode) root.get("expected")).put("best_index", 2));
        assertThatThrownBy(() -> GoldenConformanceTest.runFile(stop))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("best_index");
    }
}
