package dev.eddy.cli;

import org.apache.kafka.common.utils.AppInfoParser;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same round trip against the official {@code apache/kafka} image at the client's version. Needs a
 * Docker engine; where there is none, JUnit reports the class as skipped ("disabledWithoutDocker").
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerRoundTripTest extends KafkaRoundTripContract {

    @Container
    static final KafkaContainer KAFKA =
            new KafkaContainer(DockerImageName.parse("apache/kafka:" + AppInfoParser.getVersion()));

    @Override
    String bootstrapServers() {
        return KAFKA.getBootstrapServers();
    }
}
