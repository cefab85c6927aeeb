package dev.eddy.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.config.EddyConfig;
import dev.eddy.topology.ModelPartitions;
import dev.eddy.topology.TrialPlacement;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new RunCommand())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
    }

    @Test
    void helpListsEveryOption() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString())
                .startsWith("Usage: run ")
                .contains(
                        "--bootstrap-servers",
                        "--config",
                        "--set",
                        "--metrics-port",
                        "--metrics-host",
                        "--state-dir",
                        "Default: 9464",
                        "Default: 127.0.0.1");
    }

    @Test
    void aFloat32ModelGetsALineAboutHowItsProductsRun() {
        Map<String, String> model = Map.of("model.m.input-size", "2", "model.m.layers", "1:sigmoid");
        assertThat(RunCommand.float32Products(EddyConfig.of(model))).isNull();
        Map<String, String> float32 = new HashMap<>(model);
        float32.put("model.m.precision", "float32");
        // this module's tests run without the Vector API (only model-core's add it)
        assertThat(RunCommand.float32Products(EddyConfig.of(float32)))
                .isEqualTo("float32 products: loops (EDDY_JAVA_OPTS=\"--add-modules jdk.incubator.vector\" runs them"
                        + " on vector registers, the same bits faster: README, Float32)");
    }

    @Test
    void eachSearchGetsALineAboutWhereItsTrialsTrain() {
        Map<String, String> keys = new HashMap<>();
        for (String id : new String[] {"s", "t"}) {
            keys.put("model." + id + ".input-size", "2");
            keys.put("model." + id + ".layers", "1:sigmoid");
            keys.put("model." + id + ".search.strategy", "random");
            keys.put("model." + id + ".search.trials", "3");
            keys.put("model." + id + ".search.space.learning-rate", "0.01|0.1");
        }
        keys.put("model.t.search.placement", "task");
        EddyConfig config = EddyConfig.of(keys);
        ModelPartitions four = new ModelPartitions(4);
        int s = four.of("s");
        assertThat(RunCommand.searchPlacements(config, TrialPlacement.of(config, four)))
                .containsExactly(
                        "search s: 3 trials over partitions "
                                + TrialPlacement.of(config, four).partitionsOf("s")
                                + " of 4, decided in the task of partition " + s,
                        "search t: 3 trials in one task (partition " + four.of("t") + ")");
        assertThat(RunCommand.searchPlacements(config, TrialPlacement.of(config, ModelPartitions.ONE)))
                .containsExactly("search s: 3 trials in one task", "search t: 3 trials in one task");
    }

    @Test
    void aBadConfigurationKeyFailsBeforeAnythingStarts() {
        int code = run("--set", "model.m.input-size=2", "--set", "model.m.layers=1:sigmoid", "--set", "snapshots=1");
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("unknown key 'snapshots'");
        assertThat(out.toString()).doesNotContain("embedded");
    }

    @Test
    void aConfigurationWithoutModelsIsRefused() {
        assertThat(run("--bootstrap-servers", "127.0.0.1:1")).isNotZero();
        assertThat(err.toString()).contains("no model configured");
    }

    @Test
    void aMetricsPortOutOfRangeIsAUsageError() {
        assertThat(run("--metrics-port", "70000", "--set", "model.m.input-size=2", "--set", "model.m.layers=1:sigmoid"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--metrics-port must be in [0, 65535], got 70000");
    }
}
