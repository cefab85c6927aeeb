package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.schema.Example;
import dev.eddy.serde.AvroSerdes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the trainer cannot use goes to the dead-letter topic with its reason, never silently dropped. */
class TrainerDeadLettersTest {

    private static final String MODEL = "m";

    @TempDir
    Path dir;

    private static Map<String, String> settings(Map<String, String> overrides) {
        Map<String, String> s = TrainingFixture.logisticModel(MODEL);
        s.put("application.id", "trainer-dlq");
        s.put("holdout.fraction", "0");
        s.putAll(overrides);
        return s;
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void examplesThatDoNotFitTheStoredConfigurationAreDeadLetteredAsStaleConfig() {
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        try (TrainingFixture f = new TrainingFixture(settings(Map.of()), dir.resolve("a"))) {
            f.pipe(TrainingFixture.blobs(8, 1, MODEL));
            changelogs = f.changelogs();
        }
        // input-size 3 in the file now: the router accepts 3-feature examples, the stored 2-input model cannot.
        try (TrainingFixture f =
                new TrainingFixture(settings(Map.of("model." + MODEL + ".input-size", "3")), dir.resolve("b"))) {
            f.restore(changelogs);
            List<Example> wide = new ArrayList<>();
            for (Example e : TrainingFixture.blobs(3, 2, MODEL)) {
                List<Double> x = new ArrayList<>(e.getFeatures());
                x.add(0.0);
                wide.add(Example.newBuilder(e).setFeatures(x).build());
            }
            f.pipe(wide);
            List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertThat(dead).hasSize(3);
            for (int i = 0; i < 3; i++) {
                TestRecord<byte[], byte[]> r = dead.get(i);
                assertThat(header(r, DeadLetters.REASON)).isEqualTo("stale-config");
                assertThat(header(r, DeadLetters.DETAIL)).contains("expected 2 features, got 3", "reset m");
                assertThat(header(r, DeadLetters.MODEL)).isEqualTo(MODEL);
                assertThat(header(r, DeadLetters.TOPIC)).isNotEmpty();
                assertThat(header(r, DeadLetters.OFFSET)).isNotEmpty();
                assertThat(AvroSerdes.examples().deserialize("t", r.value()))
                        .as("the example, ready to be produced again")
                        .isEqualTo(wide.get(i));
            }
            assertThat(f.events)
                    .containsExactly(
                            "dead-letter stale-config", "dead-letter stale-config", "dead-letter stale-config");
            assertThat(f.status(MODEL).examplesTrained()).isEqualTo(8);
        }
    }

    @Test
    void trainerInputsOfAModelNoLongerConfiguredAreDeadLetteredAsUnknownModel() {
        try (TrainingFixture f = new TrainingFixture(settings(Map.of("routing", "repartition")), dir)) {
            TestInputTopic<String, TrainerInput> trainerInput = f.driver.createInputTopic(
                    TrainingTopology.trainerInputTopic("trainer-dlq"), new StringSerializer(), new TrainerInputSerde());
            Example gone = TrainingFixture.blobs(1, 3, "gone").get(0);
            trainerInput.pipeInput("gone", new TrainerInput.Train(gone));
            List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertThat(dead).hasSize(1);
            assertThat(header(dead.get(0), DeadLetters.REASON)).isEqualTo("unknown-model");
            assertThat(header(dead.get(0), DeadLetters.DETAIL)).contains("'gone' is no longer configured", "[m]");
            assertThat(header(dead.get(0), DeadLetters.TOPIC))
                    .isEqualTo(TrainingTopology.trainerInputTopic("trainer-dlq"));
            assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("gone");
            assertThat(AvroSerdes.examples().deserialize("t", dead.get(0).value()))
                    .isEqualTo(gone);
            assertThat(f.events).containsExactly("dead-letter unknown-model");
        }
    }
}
