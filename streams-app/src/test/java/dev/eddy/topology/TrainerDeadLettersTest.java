package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.schema.Example;
import dev.eddy.serde.AvroSerdes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
                // the first names no model (it goes to every model)
                wide.add(Example.newBuilder(e)
                        .setFeatures(x)
                        .setModelId(wide.isEmpty() ? null : MODEL)
                        .build());
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
                // ready to be produced again, naming the model that refused it: produced again as it was, an
                // example that named no model would train the other models a second time
                assertThat(AvroSerdes.examples().deserialize("t", r.value()))
                        .isEqualTo(Example.newBuilder(wide.get(i))
                                .setModelId(MODEL)
                                .build());
            }
            assertThat(f.events)
                    .containsExactly(
                            "dead-letter stale-config", "dead-letter stale-config", "dead-letter stale-config");
            assertThat(f.status(MODEL).examplesTrained()).isEqualTo(8);
        }
    }

    /**
     * A spread search's trials in another task than the model id's skip their copy of an example that does not fit
     * their stored configuration: that task writes a dead letter of its own (the task of the model id may have no
     * running trial to write one).
     */
    @Test
    void theTrialsOfASpreadSearchInAnotherTaskDeadLetterTheirCopiesTheyCannotUse() {
        String id = spreadModel(false); // a trial of it is hosted in partition 0, the driver's task
        Map<String, String> spread = spreadSearch(id);
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        try (TrainingFixture f = new TrainingFixture(spread, dir.resolve("a"), FOUR)) {
            fannedOut(f, TrainingFixture.blobs(8, 1, id));
            assertThat(f.deadLetters.readRecordsToList()).isEmpty();
            changelogs = f.changelogs();
        }
        spread.put("model." + id + ".input-size", "3");
        try (TrainingFixture f = new TrainingFixture(spread, dir.resolve("b"), FOUR)) {
            f.restore(changelogs);
            List<Example> wide = new ArrayList<>();
            for (Example e : TrainingFixture.blobs(3, 2, id)) {
                List<Double> x = new ArrayList<>(e.getFeatures());
                x.add(0.0);
                wide.add(Example.newBuilder(e).setFeatures(x).build());
            }
            fannedOut(f, wide);
            List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertThat(dead).hasSize(3);
            for (TestRecord<byte[], byte[]> r : dead) {
                assertThat(header(r, DeadLetters.REASON)).isEqualTo("stale-config");
                assertThat(header(r, DeadLetters.DETAIL))
                        .contains("expected 2 features, got 3", "of the trials of this task", "reset " + id);
                assertThat(header(r, DeadLetters.TOPIC)).isEqualTo(FanOutTopic.of("trainer-dlq"));
            }
        }
    }

    private static final ModelPartitions FOUR = new ModelPartitions(4);

    /** The id of a model whose partition among four is 0 (the driver's task) when {@code home}, else another. */
    private static String spreadModel(boolean home) {
        String id = "s";
        for (int n = 0; (FOUR.of(id) == 0) != home; n++) {
            id = "s" + n;
        }
        return id;
    }

    /** A random search of four trials over model {@code id}, spread over four partitions. */
    private static Map<String, String> spreadSearch(String id) {
        Map<String, String> spread = new HashMap<>(TrainingFixture.logisticModel(id));
        spread.put("routing", "direct");
        spread.put("model." + id + ".search.strategy", "random");
        spread.put("model." + id + ".search.trials", "4");
        spread.put("model." + id + ".search.space.learning-rate", "0.01|0.1");
        return settings(spread);
    }

    /** Copies of examples from another partition, as its router writes them to the fan-out topic. */
    private static void fannedOut(TrainingFixture f, List<Example> examples) {
        TestInputTopic<byte[], byte[]> fanOut = f.driver.createInputTopic(
                FanOutTopic.of(f.config.applicationId()), new ByteArraySerializer(), new ByteArraySerializer());
        for (Example e : examples) {
            fanOut.pipeInput(new TestRecord<>(
                    null, AvroSerdes.examples().serialize("t", e), FanOutTopic.Source.EXAMPLES.headers(), (Instant)
                            null));
        }
    }

    /**
     * A fan-out record this build cannot read (no value, an unknown source, bytes that are no search message, a search
     * message whose payload does not decode) is a dead letter; the stream thread goes on.
     */
    @Test
    void fanOutRecordsThatCannotBeReadAreDeadLetteredAsUndecodable() {
        String id = spreadModel(true);
        try (TrainingFixture f = new TrainingFixture(spreadSearch(id), dir, FOUR)) {
            TestInputTopic<byte[], byte[]> fanOut = f.driver.createInputTopic(
                    FanOutTopic.of(f.config.applicationId()), new ByteArraySerializer(), new ByteArraySerializer());
            RecordHeaders bogus = new RecordHeaders();
            bogus.add(FanOutTopic.SOURCE, "bogus".getBytes(StandardCharsets.UTF_8));
            SearchMessage.Report unreadableStatus =
                    new SearchMessage.Report(id, 1, 0, 16, 16, 0.5, Double.NaN, 0.5, 16, false, new byte[] {1, 2, 3});
            fanOut.pipeInput(new TestRecord<>(null, null, FanOutTopic.Source.SEARCH.headers(), (Instant) null));
            fanOut.pipeInput(new TestRecord<>(null, new byte[] {1}, bogus, (Instant) null));
            fanOut.pipeInput(
                    new TestRecord<>(null, new byte[] {1, 2, 3}, FanOutTopic.Source.SEARCH.headers(), (Instant) null));
            fanOut.pipeInput(new TestRecord<>(
                    null, unreadableStatus.encode(), FanOutTopic.Source.SEARCH.headers(), (Instant) null));
            List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertThat(dead)
                    .extracting(r -> header(r, DeadLetters.REASON))
                    .containsOnly("undecodable")
                    .hasSize(4);
            assertThat(header(dead.get(1), DeadLetters.DETAIL)).contains("'bogus'");
            assertThat(header(dead.get(3), DeadLetters.DETAIL)).contains("the status reported by " + id + "~t01");
            for (Example e : TrainingFixture.blobs(4, 3, id)) {
                f.examples.pipeInput(id.getBytes(StandardCharsets.UTF_8), TrainingFixture.encode(e));
            }
            assertThat(f.status(SearchTraining.trialId(id, 0)).examplesTrained())
                    .as("the application goes on: the trial of this task trains (the driver's one task also takes"
                            + " the copies for the other partitions)")
                    .isPositive();
        }
    }

    /**
     * A search whose stored state the configuration cannot continue (here its trial count changed) is not a failure of
     * the stream thread, which would stop every model of the task: its inputs are stale-config dead letters naming
     * the cause, and the task's other models train on.
     */
    @Test
    void aStoredSearchTheConfigurationCannotContinueDeadLettersItsInputsAndTheOtherModelsTrainOn() {
        Map<String, String> search = new HashMap<>(TrainingFixture.logisticModel("q"));
        search.put("model.q.search.strategy", "random");
        search.put("model.q.search.trials", "4");
        search.put("model.q.search.space.learning-rate", "0.01|0.1");
        Map<String, List<KeyValue<byte[], byte[]>>> changelogs;
        try (TrainingFixture f = new TrainingFixture(settings(search), dir.resolve("a"))) {
            f.pipe(TrainingFixture.blobs(8, 1, MODEL));
            f.pipe(TrainingFixture.blobs(8, 2, "q"));
            changelogs = f.changelogs();
        }
        search.put("model.q.search.trials", "3");
        try (TrainingFixture f = new TrainingFixture(settings(search), dir.resolve("b"))) {
            f.restore(changelogs);
            f.pipe(TrainingFixture.blobs(4, 3, "q"));
            f.pipe(TrainingFixture.blobs(4, 4, MODEL));
            f.command("resume q");
            List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertThat(dead).hasSize(5);
            for (TestRecord<byte[], byte[]> r : dead) {
                assertThat(header(r, DeadLetters.REASON)).isEqualTo("stale-config");
                assertThat(header(r, DeadLetters.DETAIL))
                        .contains("model 'q': cannot continue the stored search", "search.trials is 3");
                assertThat(header(r, DeadLetters.MODEL)).isEqualTo("q");
            }
            assertThat(f.status(MODEL).examplesTrained()).isEqualTo(12);
        }
    }

    /**
     * A {@code set} the router let through (valid against the configured model) that the trainer refuses in
     * combination with an earlier live change is a dead letter, not only a count.
     */
    @Test
    void aSetTheTrainerRefusesAfterAnEarlierLiveChangeIsADeadLetter() {
        try (TrainingFixture f = new TrainingFixture(settings(Map.of()), dir)) {
            f.pipe(TrainingFixture.blobs(4, 1, MODEL));
            f.command("set m clip.global-norm 1");
            f.command("set m clip.value 0.5");
            List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertThat(dead).hasSize(1);
            assertThat(header(dead.get(0), DeadLetters.REASON)).isEqualTo("bad-command");
            assertThat(header(dead.get(0), DeadLetters.DETAIL))
                    .startsWith("model 'm': ")
                    .contains("clip");
            assertThat(f.events).containsExactly("dead-letter bad-command");
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
