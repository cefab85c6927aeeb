package dev.eddy.cli;

import dev.eddy.broker.EmbeddedBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The round trip against {@link EmbeddedBroker}, the broker {@code eddy} itself runs. */
class EmbeddedBrokerRoundTripTest extends KafkaRoundTripContract {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedBroker.start(0, null);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Override
    String bootstrapServers() {
        return broker.bootstrapServers();
    }
}
