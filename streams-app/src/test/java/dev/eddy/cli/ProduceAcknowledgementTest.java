package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.it.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eddy produce} fails when the broker does not acknowledge a record: a topic whose {@code max.message.bytes}
 * refuses one example of the file (a non-retriable {@code RecordTooLargeException}) makes the command exit 1 with the
 * count of examples not written and the broker's reason, and print no "produced" line.
 */
class ProduceAcknowledgementTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    @TempDir
    Path dir;

    @Test
    void aRecordTheTopicRefusesFailsTheCommand() throws Exception {
        String topic = "tiny-records";
        kafka.admin()
                .createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                        .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1024"))))
                .all()
                .get();
        // Two features: a record of about 100 bytes. 400 features: about 3.3 KB, over the topic's limit.
        String big = String.join(", ", Collections.nCopies(400, "0.125"));
        Path jsonl = dir.resolve("examples.jsonl");
        Files.writeString(
                jsonl,
                """
                {"id": "a", "features": [0.5, 1.0], "label": 1}
                {"id": "b", "features": [%s], "label": 0}
                {"id": "c", "features": [1.5, 2.0], "label": 1}
                """
                        .formatted(big));

        Cli produce = Cli.run(
                "produce",
                "--jsonl",
                jsonl.toString(),
                "--topic",
                topic,
                "--bootstrap-servers",
                kafka.bootstrapServers());

        assertThat(produce.exitCode()).as(produce.out() + produce.err()).isEqualTo(1);
        assertThat(produce.err())
                .containsPattern(
                        "eddy produce: error: [123] of 3 examples from .*examples.jsonl.* were not written to " + topic)
                .contains("RecordTooLargeException");
        assertThat(produce.out()).doesNotContain("produced");
    }
}
