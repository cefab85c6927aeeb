package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.io.Topics;
import dev.eddy.schema.Example;
import dev.eddy.serde.AvroSerdes;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code topics} and {@code produce} commands against a real broker, checked by reading every record
 * back with a plain consumer. Subclasses say which broker.
 */
abstract class KafkaRoundTripContract {

    /** Bootstrap address of the broker under test. */
    abstract String bootstrapServers();

    @TempDir
    Path dir;

    @Test
    void topicsCreatesTheDefaultTopicsOnceWithSnapshotSettings() throws Exception {
        Cli first = Cli.run("topics", "--bootstrap-servers", bootstrapServers(), "--partitions", "2");
        assertThat(first.exitCode()).as(first.err()).isZero();
        Cli second = Cli.run("topics", "--bootstrap-servers", bootstrapServers());
        assertThat(second.exitCode()).as(second.err()).isZero();

        List<String> names = Topics.defaults(1).stream().map(t -> t.name()).toList();
        assertThat(names).hasSize(8).contains(Topics.EXAMPLES, Topics.MODEL_SNAPSHOTS, Topics.COMMANDS);
        for (String name : names) {
            assertThat(second.out()).contains("exists   " + name);
        }
        try (Admin admin = admin()) {
            Map<String, TopicDescription> topics =
                    admin.describeTopics(names).allTopicNames().get();
            assertThat(topics).hasSize(8);
            assertThat(topics.get(Topics.PREDICTIONS).partitions()).hasSize(2);
            ConfigResource snapshots = new ConfigResource(ConfigResource.Type.TOPIC, Topics.MODEL_SNAPSHOTS);
            Config config =
                    admin.describeConfigs(List.of(snapshots)).all().get().get(snapshots);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config.get("max.message.bytes").value()).isEqualTo(String.valueOf(64 * 1024 * 1024));
        }
    }

    @Test
    void produceWritesEveryValidCsvRowAndReportsTheMalformedOne() throws Exception {
        Path csv = dir.resolve("small.csv");
        Files.writeString(csv, "x1,x2,label\n0.5,1.5,0\n-1,2,1\nbad,3,1\n4,5e-1,2\n7,8,1\n9,10,0\n");
        String topic = "csv-round-trip";

        Cli produce = Cli.run(
                "produce",
                "--csv",
                csv.toString(),
                "--topic",
                topic,
                "--model",
                "m1",
                "--bootstrap-servers",
                bootstrapServers());

        assertThat(produce.exitCode()).as(produce.err()).isZero();
        assertThat(produce.err()).contains("rejected line 4: column 'x1': expected a finite number, got 'bad'");
        assertThat(produce.out()).contains("produced 5 examples to csv-round-trip (1 rows rejected)");
        List<ConsumerRecord<String, Example>> records = readAll(topic, 5);
        // One key, so one partition, so file order.
        assertThat(records).extracting(ConsumerRecord::key).containsOnly("m1");
        assertThat(records)
                .extracting(r -> r.value().getId())
                .containsExactly("small:2", "small:3", "small:5", "small:6", "small:7");
        assertThat(records)
                .extracting(r -> r.value().getFeatures())
                .containsExactly(
                        List.of(0.5, 1.5),
                        List.of(-1.0, 2.0),
                        List.of(4.0, 0.5),
                        List.of(7.0, 8.0),
                        List.of(9.0, 10.0));
        assertThat(records).extracting(r -> r.value().getClassLabel()).containsExactly(0, 1, 2, 1, 0);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.value().getModelId()).isEqualTo("m1");
            assertThat(r.value().getTarget()).isNull();
            assertThat(r.value().getWeight()).isNull();
        });
    }

    @Test
    void produceReadsJsonLines() throws Exception {
        Path jsonl = dir.resolve("points.jsonl");
        Files.writeString(
                jsonl,
                """
                {"id": "a", "features": [1.0, 2.0], "label": 0.25, "weight": 2}
                {"id": "b", "features": [3.0], "target": 4}
                {"id": "c", "features": "oops", "label": 1}
                {"features": [5, 6], "label": 1.5, "modelId": "other"}
                """);
        Cli produce = Cli.run(
                "produce",
                "--jsonl",
                jsonl.toString(),
                "--topic",
                "jsonl-round-trip",
                "--bootstrap-servers",
                bootstrapServers());

        assertThat(produce.exitCode()).as(produce.err()).isZero();
        assertThat(produce.err()).contains("rejected line 3: features: expected a non-empty array of numbers");
        assertThat(produce.out()).contains("produced 3 examples to jsonl-round-trip (1 rows rejected)");
        Map<String, Example> byId = new HashMap<>();
        readAll("jsonl-round-trip", 3).forEach(r -> byId.put(r.value().getId(), r.value()));
        assertThat(byId.get("a").getTarget()).isEqualTo(0.25);
        assertThat(byId.get("a").getWeight()).isEqualTo(2.0);
        assertThat(byId.get("b").getTarget()).isEqualTo(4.0);
        assertThat(byId.get("b").getClassLabel()).isNull();
        assertThat(byId.get("points:4").getModelId()).isEqualTo("other");
        assertThat(byId.get("points:4").getFeatures()).containsExactly(5.0, 6.0);
    }

    /** {@code --label-kind target} makes a JSON line's integer label a regression target, as it does a CSV's. */
    @Test
    void produceHonoursTheLabelKindForJsonLines() throws Exception {
        Path jsonl = dir.resolve("house.jsonl");
        Files.writeString(jsonl, "{\"id\": \"h\", \"features\": [0.5, 1.0], \"label\": 151}\n");
        Cli produce = Cli.run(
                "produce",
                "--jsonl",
                jsonl.toString(),
                "--label-kind",
                "target",
                "--topic",
                "jsonl-target",
                "--bootstrap-servers",
                bootstrapServers());

        assertThat(produce.exitCode()).as(produce.err()).isZero();
        Example house = readAll("jsonl-target", 1).get(0).value();
        assertThat(house.getTarget()).isEqualTo(151.0);
        assertThat(house.getClassLabel()).isNull();
    }

    /**
     * Without {@code --model} every row of a file has one key, the file's name, so a topic of several partitions
     * still holds the file in one partition, in file order (keyed by example id, the rows spread over the partitions).
     */
    @Test
    void produceWithoutAModelKeepsTheFileInOnePartitionInFileOrder() throws Exception {
        Path csv = dir.resolve("ordered.csv.gz");
        StringBuilder rows = new StringBuilder("x,label\n");
        for (int i = 0; i < 60; i++) {
            rows.append(i).append(',').append(i % 2).append('\n');
        }
        try (Writer w =
                new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(csv)), StandardCharsets.UTF_8)) {
            w.write(rows.toString());
        }
        String topic = "unkeyed-csv";

        Cli produce = Cli.run(
                "produce", "--csv", csv.toString(), "--topic", topic, "--bootstrap-servers", bootstrapServers());

        assertThat(produce.exitCode()).as(produce.err()).isZero();
        try (Admin admin = admin()) {
            assertThat(admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get()
                            .get(topic)
                            .partitions())
                    .hasSize(Topics.DEFAULT_PARTITIONS);
        }
        List<ConsumerRecord<String, Example>> records = readAll(topic, 60);
        assertThat(records)
                .extracting(ConsumerRecord::partition)
                .containsOnly(records.get(0).partition());
        assertThat(records).extracting(ConsumerRecord::key).containsOnly("ordered");
        assertThat(records).allSatisfy(r -> assertThat(r.value().getModelId()).isNull());
        assertThat(records)
                .extracting(r -> r.value().getId())
                .containsExactlyElementsOf(IntStream.range(0, 60)
                        .mapToObj(i -> "ordered:" + (i + 2))
                        .toList());
    }

    @Test
    void produceLoadsABundledDataset() throws Exception {
        Cli produce = Cli.run(
                "produce", "--dataset", "diabetes", "--topic", "diabetes", "--bootstrap-servers", bootstrapServers());

        assertThat(produce.exitCode()).as(produce.err()).isZero();
        assertThat(produce.out()).contains("produced 442 examples to diabetes (0 rows rejected)");
        List<ConsumerRecord<String, Example>> records = readAll("diabetes", 442);
        Example first = records.stream()
                .map(ConsumerRecord::value)
                .filter(e -> e.getId().equals("diabetes:2"))
                .findFirst()
                .orElseThrow();
        // First data row of diabetes.csv: 59,2,32.1,101.0,157.0,93.2,38.0,4.0,4.8598,87.0,151.0
        assertThat(first.getFeatures()).containsExactly(59.0, 2.0, 32.1, 101.0, 157.0, 93.2, 38.0, 4.0, 4.8598, 87.0);
        assertThat(first.getTarget()).isEqualTo(151.0);
        assertThat(first.getClassLabel()).isNull();
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Reads the topic from the beginning until {@code expected} records arrived (or 30 s passed). */
    List<ConsumerRecord<String, Example>> readAll(String topic, int expected) throws IOException {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, Example>> records = new ArrayList<>();
        try (KafkaConsumer<String, Example> consumer = new KafkaConsumer<>(
                config, new StringDeserializer(), AvroSerdes.examples().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // Nothing beyond what was produced.
            consumer.poll(Duration.ofMillis(300)).forEach(records::add);
        }
        assertThat(records).hasSize(expected);
        return records;
    }
}
