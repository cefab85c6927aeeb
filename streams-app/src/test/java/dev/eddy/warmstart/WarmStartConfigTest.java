package dev.eddy.warmstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.config.EddyConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WarmStartConfigTest {

    private static Map<String, String> config(String... keyValues) {
        Map<String, String> p = new HashMap<>();
        p.put("model.src.input-size", "3");
        p.put("model.src.layers", "4:relu,2:softmax");
        p.put("model.tgt.input-size", "3");
        p.put("model.tgt.layers", "4:relu,2:softmax");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    /** A warm start copies one network's layers into one network: an ensemble on either side is refused at start. */
    @Test
    void anEnsembleCannotBeTheSourceOrTheTargetOfAWarmStart() {
        assertThatThrownBy(() ->
                        EddyConfig.of(config("model.src.ensemble", "bagging", "model.tgt.warm-start.from", "src")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model.tgt.warm-start.from=src names model 'src', an ensemble (model.src.ensemble=bagging):"
                        + " a warm start copies one network's layers");
        assertThatThrownBy(() ->
                        EddyConfig.of(config("model.tgt.ensemble", "bagging", "model.tgt.warm-start.from", "src")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("model.tgt.ensemble cannot combine with model.tgt.warm-start.from=src");
    }

    /** An application refuses a fresh drift challenger of a model with frozen layers, naming both keys. */
    @Test
    void aFreshChallengerOfFrozenLayersIsRefusedAtStart() {
        assertThatThrownBy(() -> EddyConfig.of(config(
                        "model.tgt.warm-start.from", "src",
                        "model.tgt.frozen-layers", "1",
                        "model.tgt.drift.challenger", "fresh")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model.tgt: drift.challenger=fresh cannot combine with frozen-layers=1: a fresh network"
                        + " would keep its frozen layers at random; use drift.challenger=copy (the default with"
                        + " frozen-layers=1) or none");
    }

    @Test
    void readsTheSourceTheStandardizerAndTheTimeout() {
        EddyConfig c = EddyConfig.of(config(
                "model.tgt.warm-start.from", "src@12",
                "model.tgt.frozen-layers", "1",
                "model.tgt.warm-start.standardizer", "fresh",
                "model.tgt.warm-start.timeout-ms", "500",
                "model.tgt.warm-start.max-held-examples", "25"));
        assertThat(c.warmStarts()).containsOnlyKeys("tgt");
        assertThat(c.warmStarts().get("tgt")).isEqualTo(new WarmStartConfig("src", 12L, null, false, 500, 25));
        assertThat(c.warmStarts().get("tgt").spec()).isEqualTo("warm-start.from=src@12");
        assertThat(c.models().get("tgt").frozenLayers()).isEqualTo(1);

        WarmStartConfig newest = EddyConfig.of(config("model.tgt.warm-start.from", "src"))
                .warmStarts()
                .get("tgt");
        assertThat(newest).isEqualTo(new WarmStartConfig("src", null, null, true, 60_000, 10_000));
        WarmStartConfig file = EddyConfig.of(config("model.tgt.warm-start.file", "/models/src.eddy"))
                .warmStarts()
                .get("tgt");
        assertThat(file.file()).isEqualTo(Path.of("/models/src.eddy"));
        assertThat(file.spec()).isEqualTo("warm-start.file=/models/src.eddy");
        assertThat(EddyConfig.of(config()).warmStarts()).isEmpty();
    }

    /** key=value, a fragment the error must contain besides the full key. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "model.tgt.warm-start.from=src@x | <model>[@<version>]",
                "model.tgt.warm-start.from=s rc | got 's rc'",
                "model.tgt.warm-start.from=src@-1 | <version> a whole number >= 0",
                "model.tgt.warm-start.from=tgt | names the model itself",
                "model.tgt.warm-start.standardizer=keep | must be one of [copy, fresh], got 'keep'",
                "model.tgt.warm-start.timeout-ms=-5 | >= 0, got '-5'",
                "model.tgt.warm-start.timeout-ms=soon | >= 0, got 'soon'",
                "model.tgt.warm-start.sources=src | unknown key",
                "model.tgt.warm-start.max-held-examples=0 | a whole number from 1 to 2147483647, got '0'",
                "model.tgt.warm-start.max-held-examples=many | a whole number from 1 to 2147483647, got 'many'",
                "model.tgt.warm-start.max-held-examples=3000000000 | from 1 to 2147483647, got '3000000000'",
                "model.tgt.frozen-layers=1 | would freeze randomly initialized layers",
            })
    void aBadValueIsRefusedNamingTheKey(String keyValue, String fragment) {
        String[] kv = keyValue.split("=", 2);
        Map<String, String> c = config(kv[0], kv[1]);
        if (!kv[0].equals("model.tgt.warm-start.from") && !kv[0].equals("model.tgt.frozen-layers")) {
            c.put("model.tgt.warm-start.from", "src");
        }
        String key = kv[0].equals("model.tgt.frozen-layers") ? "model.tgt.frozen-layers" : kv[0];
        assertThatThrownBy(() -> EddyConfig.of(c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(fragment);
    }

    @Test
    void oneSourceExactly() {
        assertThatThrownBy(() -> EddyConfig.of(
                        config("model.tgt.warm-start.from", "src", "model.tgt.warm-start.file", "/models/src.eddy")))
                .hasMessageContaining("model.tgt.warm-start.from and model.tgt.warm-start.file are both set");
        assertThatThrownBy(() -> EddyConfig.of(config("model.tgt.warm-start.standardizer", "fresh")))
                .hasMessageContaining("model.tgt.warm-start.standardizer is set without a source");
    }
}
