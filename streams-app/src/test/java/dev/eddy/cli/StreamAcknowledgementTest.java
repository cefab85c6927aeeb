package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.it.EmbeddedKafka;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code eddy stream --examples N} fails when the broker refuses its records: at full speed the refusals arrive during
 * the final flush, after the last check of the sending loop.
 */
class StreamAcknowledgementTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    @Test
    void recordsTheTopicRefusesFailTheCommand() throws Exception {
        String topic = "tiny";
        kafka.admin()
                .createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                        .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "50"))))
                .all()
                .get();

        Cli stream = Cli.run(
                "stream",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic",
                topic,
                "--model",
                "m",
                "--examples",
                "5",
                "--rate",
                "0");

        assertThat(stream.exitCode()).as(stream.out() + stream.err()).isEqualTo(1);
        assertThat(stream.out()).doesNotContain("streamed");
        assertThat(stream.err()).contains("not written to " + topic, "RecordTooLarge");
    }
}
