package dev.eddy.it;

import dev.eddy.broker.EmbeddedBroker;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded broker (and an admin client on it) for the tests of a class: register it as a static field with
 * {@code @RegisterExtension}; it starts before the first test and stops after the last.
 */
public final class EmbeddedKafka implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedBroker broker;
    private Admin admin;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        broker = EmbeddedBroker.start(0, null);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public Admin admin() {
        return admin;
    }
}
