package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.schema.Example;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad record reaches the dead-letter topic unchanged, with its reason and source in headers. */
class DeadLetterTest {

    @TempDir
    Path dir;

    private record Case(byte[] value, String reason, String model) {}

    private static Example.Builder example(String model, List<Double> x) {
        return Example.newBuilder()
                .setId("bad")
                .setModelId(model)
                .setFeatures(x)
                .setClassLabel(null)
                .setTarget(null)
                .setEventTime(Instant.EPOCH)
                .setWeight(null);
    }

    private static byte[] bytes(Example.Builder b) {
        return TrainingFixture.encode(b.build());
    }

    @Test
    void eachBadExampleKindIsRoutedWithOriginalBytesAndHeaders() {
        Map<String, String> settings = new HashMap<>(TrainingFixture.logisticModel("m"));
        settings.put("model.r.input-size", "2");
        settings.put("model.r.layers", "1:linear");
        settings.put("model.r.loss", "mse");
        settings.put("model.f.input-size", "2");
        settings.put("model.f.layers", "1:sigmoid");
        settings.put("model.f.precision", "float32");
        settings.put("model.s.input-size", "2");
        settings.put("model.s.layers", "1:sigmoid"); // standardize, the default
        List<Double> ok = List.of(0.5, -0.5);
        List<Case> cases = List.of(
                new Case(new byte[] {1, 2, 3}, "undecodable", null),
                new Case(null, "null-value", null),
                new Case(bytes(example("zz", ok).setClassLabel(0)), "unknown-model", "zz"),
                new Case(bytes(example("m", List.of(1.0, 2.0, 3.0)).setClassLabel(0)), "wrong-feature-count", "m"),
                new Case(bytes(example("m", List.of(1.0, Double.NaN)).setClassLabel(0)), "non-finite-feature", "m"),
                new Case(
                        bytes(example("m", List.of(Double.NEGATIVE_INFINITY, 0.0))
                                .setClassLabel(0)),
                        "non-finite-feature",
                        "m"),
                // finite, but its square overflows the standardization's variance (which stayed infinite for good)
                new Case(bytes(example("s", List.of(1e200, 0.0)).setClassLabel(0)), "feature-out-of-range", "s"),
                // finite in double, infinite as a float
                new Case(bytes(example("f", List.of(0.0, -1e39)).setClassLabel(0)), "feature-out-of-range", "f"),
                new Case(bytes(example("m", ok).setClassLabel(2)), "label-out-of-range", "m"),
                new Case(bytes(example("m", ok).setClassLabel(-1)), "label-out-of-range", "m"),
                new Case(bytes(example("m", ok)), "missing-label", "m"),
                new Case(bytes(example("m", ok).setClassLabel(1).setTarget(1.0)), "ambiguous-label", "m"),
                new Case(bytes(example("m", ok).setClassLabel(1).setWeight(-0.5)), "bad-weight", "m"),
                new Case(bytes(example("m", ok).setClassLabel(1).setWeight(Double.NaN)), "bad-weight", "m"),
                new Case(
                        bytes(example("m", ok).setClassLabel(1).setWeight(Double.POSITIVE_INFINITY)),
                        "bad-weight",
                        "m"),
                new Case(bytes(example("r", ok)), "missing-label", "r"),
                new Case(bytes(example("r", ok).setClassLabel(151)), "missing-label", "r"),
                new Case(bytes(example("r", ok).setTarget(Double.POSITIVE_INFINITY)), "label-out-of-range", "r"),
                new Case(bytes(example("r", ok).setTarget(-1e200)), "label-out-of-range", "r"));
        try (TrainingFixture f = new TrainingFixture(settings, dir)) {
            for (int i = 0; i < cases.size(); i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("trace", ("t-" + i).getBytes(StandardCharsets.UTF_8));
                f.examples.pipeInput(new TestRecord<>(
                        ("k" + i).getBytes(StandardCharsets.UTF_8), cases.get(i).value(), headers));
            }
            // A good example between them still trains.
            f.pipe(TrainingFixture.blobs(1, 1, "m"));
            List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertThat(dead).hasSize(cases.size());
            List<String> events = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                TestRecord<byte[], byte[]> r = dead.get(i);
                Case c = cases.get(i);
                assertThat(r.key()).isEqualTo(("k" + i).getBytes(StandardCharsets.UTF_8));
                assertThat(r.value()).isEqualTo(c.value());
                assertThat(header(r, "trace")).isEqualTo("t-" + i);
                assertThat(header(r, "eddy.dlq.reason")).as("case %d", i).isEqualTo(c.reason());
                assertThat(header(r, "eddy.dlq.model")).as("case %d", i).isEqualTo(c.model());
                assertThat(header(r, "eddy.dlq.detail")).isNotBlank();
                assertThat(header(r, "eddy.dlq.topic")).isEqualTo("eddy.examples");
                assertThat(header(r, "eddy.dlq.partition")).isEqualTo("0");
                assertThat(header(r, "eddy.dlq.offset")).isEqualTo(Integer.toString(i));
                events.add("dead-letter " + c.reason());
            }
            assertThat(f.events).containsExactlyElementsOf(events);
            assertThat(f.storedSlots(TrainingTopology.PARTIAL_BATCH_STORE, "m")).isEqualTo(1);
        }
    }

    /**
     * A record its producer compressed can be far larger than the broker takes once it is read: written back whole
     * as a dead letter (uncompressed), the broker refused it and the stream thread failed at every replay.
     */
    @Test
    void aDeadLetterLargerThanABrokerTakesIsCutToFitAndSaysHowLongTheValueWas() {
        try (TrainingFixture f = new TrainingFixture(TrainingFixture.logisticModel("m"), dir)) {
            byte[] huge = new byte[2 << 20];
            f.examples.pipeInput(new TestRecord<>("m".getBytes(StandardCharsets.UTF_8), huge));
            f.pipe(TrainingFixture.blobs(1, 1, "m"));

            TestRecord<byte[], byte[]> dead = f.deadLetters.readRecord();
            assertThat(header(dead, "eddy.dlq.reason")).isEqualTo("undecodable");
            assertThat(header(dead, "eddy.dlq.truncated")).isEqualTo(Integer.toString(huge.length));
            long size = dead.key().length + dead.value().length;
            for (var h : dead.headers()) {
                size += h.key().length() + h.value().length;
            }
            assertThat(size).isLessThanOrEqualTo(DeadLetters.MAX_BYTES);
            assertThat(dead.value()).hasSizeGreaterThan(DeadLetters.MAX_BYTES - 2_000);
            assertThat(f.deadLetters.isEmpty()).isTrue();
        }
    }

    @Test
    void badCommandsAreDeadLettersToo() {
        Map<String, String> settings = new HashMap<>(TrainingFixture.logisticModel("m"));
        List<String> commands = List.of(
                "bogus",
                "set m layers 2:relu",
                "resume nope",
                "set m learning-rate abc",
                "{\"model\":\"m\",\"command\":\"resume\",\"extra\":1}",
                "{\"model\":\"m\",");
        try (TrainingFixture f = new TrainingFixture(settings, dir)) {
            commands.forEach(f::command);
            List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertThat(dead).hasSize(commands.size());
            for (int i = 0; i < commands.size(); i++) {
                assertThat(new String(dead.get(i).value(), StandardCharsets.UTF_8))
                        .isEqualTo(commands.get(i));
                assertThat(header(dead.get(i), "eddy.dlq.reason")).isEqualTo("bad-command");
                assertThat(header(dead.get(i), "eddy.dlq.topic")).isEqualTo("eddy.commands");
            }
            assertThat(f.status("m")).isNull();
        }
    }

    /**
     * A {@code set *} that the models refuse is one bad command: one dead letter naming the key and what is allowed,
     * not one per model; a valid one reaches every model once. With direct routing on partitioned input the task that
     * read the command writes that one dead letter (the fan-out copies write none).
     */
    @Test
    void aBadSetForEveryModelIsOneDeadLetter() {
        Map<String, String> settings = new HashMap<>(TrainingFixture.logisticModel("m"));
        settings.putAll(TrainingFixture.logisticModel("n"));
        settings.putAll(TrainingFixture.logisticModel("o"));
        settings.put("model.o.search.strategy", "random");
        settings.put("model.o.search.trials", "2");
        settings.put("model.o.search.space.learning-rate", "0.01|0.1");
        try (TrainingFixture f = new TrainingFixture(settings, dir.resolve("one"))) {
            f.command("set * layers 2:relu");
            f.command("set * batch-size abc");
            f.command("{\"model\":\"*\",\"command\":\"set\",\"key\":\"eval-every\",\"value\":0}");
            List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertThat(dead)
                    .extracting(r -> header(r, "eddy.dlq.reason"))
                    .containsExactly("bad-command", "bad-command", "bad-command");
            assertThat(header(dead.get(0), "eddy.dlq.detail"))
                    .isEqualTo("every model (m, n, o): 'layers' cannot be set while training; settable: batch-size,"
                            + " budget.max-steps, clip.global-norm, clip.value, eval-every, learning-rate");
            assertThat(header(dead.get(0), "eddy.dlq.model")).isNull();
            assertThat(header(dead.get(1), "eddy.dlq.detail"))
                    .startsWith("every model (m, n, o): ")
                    .contains("batch-size", "abc");
            assertThat(header(dead.get(2), "eddy.dlq.detail"))
                    .startsWith("every model (m, n, o): ")
                    .contains("eval-every");

            f.command("set * learning-rate 0.05");
            dead = f.deadLetters.readRecordsToList();
            assertThat(dead).hasSize(1);
            assertThat(header(dead.get(0), "eddy.dlq.detail"))
                    .isEqualTo("model 'o': 'learning-rate' is searched by model 'o' (search.space.learning-rate);"
                            + " set it on a trial, 'o~t00', or change the search space");
            assertThat(header(dead.get(0), "eddy.dlq.model")).isEqualTo("o");
            assertThat(f.status("m").learningRate()).isEqualTo(0.05);
            assertThat(f.status("n").learningRate()).isEqualTo(0.05);
            assertThat(f.events).filteredOn(e -> e.startsWith("dead-letter")).hasSize(4);
        }
        settings.put("routing", "direct");
        ModelPartitions four = new ModelPartitions(4);
        try (TrainingFixture f = new TrainingFixture(settings, dir.resolve("four"), four)) {
            f.command("set * batch-size -1");
            List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
            assertThat(dead).hasSize(1);
            assertThat(header(dead.get(0), "eddy.dlq.detail")).startsWith("every model (m, n, o): ");
        }
    }

    private static String header(TestRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
