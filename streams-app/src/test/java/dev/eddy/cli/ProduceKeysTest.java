package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.it.EmbeddedKafka;
import dev.eddy.it.KafkaReads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eddy produce} keys a row that names its model (a JSON line's {@code modelId}) by that model id, which direct
 * routing on partitioned input needs (else a {@code wrong-key} dead letter), and every other row by the file's name.
 */
class ProduceKeysTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    @TempDir
    Path dir;

    @Test
    void aLineNamingItsModelIsKeyedByItAndTheOthersByTheFile() throws Exception {
        Path file = dir.resolve("rows.jsonl");
        Files.writeString(
                file,
                """
                {"id": "a", "features": [0.5, 1.0], "label": 1, "modelId": "m0"}
                {"id": "b", "features": [0.1, 0.2], "label": 0}
                {"id": "c", "features": [0.3, 0.4], "label": 1, "modelId": "m5"}
                """);
        Cli produce = Cli.run(
                "produce",
                "--jsonl",
                file.toString(),
                "--topic",
                "keys.examples",
                "--bootstrap-servers",
                kafka.bootstrapServers());
        assertThat(produce.exitCode()).as(produce.err()).isZero();
        List<ConsumerRecord<String, byte[]>> records = KafkaReads.readAll(
                kafka.bootstrapServers(), "keys.examples", new StringDeserializer(), new ByteArrayDeserializer());
        assertThat(records.stream().map(ConsumerRecord::key).toList()).containsExactlyInAnyOrder("m0", "rows", "m5");
    }
}
