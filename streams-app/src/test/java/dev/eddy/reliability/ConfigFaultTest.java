package dev.eddy.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.app.RunCommand;
import dev.eddy.config.EddyConfig;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.serving.SnapshotModels;
import dev.eddy.topology.TrainingListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * Configuration faults (issue 8): every invalid key or value is refused at start with a message naming the key; a
 * snapshot of another architecture is refused on warm start.
 */
class ConfigFaultTest {

    @TempDir
    Path dir;

    private static Map<String, String> valid() {
        Map<String, String> s = new HashMap<>();
        s.put("model.m.input-size", "3");
        s.put("model.m.layers", "4:relu,1:sigmoid");
        return s;
    }

    /** key, bad value, a fragment the message must contain besides the key (the allowed form or the value). */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            emptyValue = "",
            value = {
                "topics.examples|x|unknown key",
                "kafka|x|unknown key",
                "application.id||must not be empty",
                "bootstrap.servers||must not be empty",
                "topic.examples||must not be empty",
                "topic.snapshots||must not be empty",
                "topic.dead-letters||must not be empty",
                "holdout.mode|sideways|sideways",
                "routing|shortest|shortest",
                "holdout.fraction|1|[0, 1)",
                "holdout.fraction|-0.1|[0, 1)",
                "holdout.fraction|ten|ten",
                "holdout.buffer-size|0|0",
                "snapshot-every|-1|-1",
                "snapshot.max-bytes|1000|1000",
                "commit.interval.ms|0|0",
                "cache.max.bytes|lots|lots",
                "processing.guarantee|exactly_once|exactly_once",
                "serving.enabled|yes|yes",
                "gate.enabled|1|1",
                "gate.tolerance|-1|-1",
                "gate.tolerance|NaN|NaN",
                "gate.tolerance|Infinity|Infinity",
                "gate.metric||must not be empty",
                "model..layers|x|model.<id>",
                "model.m!.layers|x|model.<id>",
                "model.m.|x|model.<id>",
                "model.m.input-size|0|0",
                "model.m.input-size|three|three",
                "model.m.layers|4:swish,1:sigmoid|swish",
                "model.m.layers||layers",
                "model.m.optimizer|adamx|adamx",
                "model.m.learning-rate|0|0",
                "model.m.learning-rate|-1e-3|-1e-3",
                "model.m.momentum|0.9|adam",
                "model.m.batch-size|0|0",
                "model.m.eval-every|0|0",
                "model.m.nonfinite.lr-factor|1|1",
                "model.m.nonfinite.max-consecutive|0|0",
                "model.m.clip.global-norm|-1|-1",
                "model.m.plateau.factor|1.5|1.5",
                "model.m.early-stopping.monitor|mae|mae",
                "model.m.schedule|piecewise|schedule.boundaries",
                "model.m.budget.max-steps|0|0",
                "model.m.seed|x|x",
                "model.m.no-such-key|1|no-such-key",
            })
    void anInvalidKeyOrValueIsRefusedWithAMessageNamingIt(String key, String value, String fragment) {
        Map<String, String> s = valid();
        s.put(key, value == null ? "" : value);
        String named = key.startsWith("model.m.") ? key.substring("model.m.".length()) : key;
        assertThatThrownBy(() -> EddyConfig.of(s))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .as("message of %s=%s", key, value)
                        .contains(named.isEmpty() ? key : named)
                        .contains(fragment));
    }

    @Test
    void noModelIsRefused() {
        assertThatThrownBy(() -> EddyConfig.of(Map.of("application.id", "a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.<id>.input-size");
    }

    /** {@code eddy run} refuses a bad value before it connects to anything, names it and exits non-zero. */
    @Test
    void runRefusesABadValueAtStart() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new RunCommand()).setErr(new PrintWriter(err));
        int exit = cli.execute(
                "--bootstrap-servers",
                "127.0.0.1:1",
                "--set",
                "model.m.input-size=3",
                "--set",
                "model.m.layers=1:sigmoid",
                "--set",
                "holdout.fraction=2");
        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains("holdout.fraction must be in [0, 1), got 2");
    }

    /** A snapshot the real topology published, warm-started into another architecture, is refused. */
    @Test
    void aSnapshotOfAnotherArchitectureIsRefusedOnWarmStart() {
        Map<String, String> s = valid();
        s.put("application.id", "warm");
        s.put("snapshot-every", "1");
        s.put("model.m.batch-size", "2");
        ModelSnapshot snapshot;
        try (DriverRun run = new DriverRun(s, dir, TrainingListener.NONE)) {
            for (int i = 0; i < 4; i++) {
                run.examples.pipeInput(DriverRun.encode(Example.newBuilder()
                        .setId("w" + i)
                        .setModelId("m")
                        .setFeatures(List.of(0.1 * i, 1.0, -1.0))
                        .setClassLabel(i % 2)
                        .setTarget(null)
                        .setEventTime(Instant.EPOCH)
                        .setWeight(null)
                        .build()));
            }
            snapshot = run.snapshots.readValuesToList().get(0);
        }
        TrainerConfig same = EddyConfig.of(s).models().get("m");
        assertThat(Trainer.warmStart(same, SnapshotModels.inferenceModel(snapshot))
                        .steps())
                .isZero();

        Map<String, String> wider = valid();
        wider.put("model.m.layers", "8:relu,1:sigmoid");
        assertThatThrownBy(() -> Trainer.warmStart(
                        EddyConfig.of(wider).models().get("m"), SnapshotModels.inferenceModel(snapshot)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot warm-start")
                .hasMessageContaining("8:relu");
        Map<String, String> inputs = valid();
        inputs.put("model.m.input-size", "5");
        assertThatThrownBy(() -> Trainer.warmStart(
                        EddyConfig.of(inputs).models().get("m"), SnapshotModels.inferenceModel(snapshot)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot warm-start")
                .hasMessageContaining("input size 5");
    }
}
