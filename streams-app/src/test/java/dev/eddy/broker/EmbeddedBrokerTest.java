package dev.eddy.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedBrokerTest {

    @TempDir
    Path dir;

    @Test
    void listensOnTheRequestedLoopbackPortAndKeepsItsData() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path data = dir.resolve("broker");
        try (EmbeddedBroker broker = EmbeddedBroker.start(port, data)) {
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                assertThat(admin.describeCluster().nodes().get())
                        .singleElement()
                        .satisfies(node -> assertThat(node.port()).isEqualTo(port));
            }
        }
        try (var files = Files.list(data)) {
            assertThat(files).as("data kept after close").isNotEmpty();
        }
        assertThatThrownBy(() -> EmbeddedBroker.start(0, data))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not empty");
    }

    @Test
    void namesAPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedBroker.start(port, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("port " + port + " on 127.0.0.1 is in use");
        }
    }

    @Test
    void rejectsAPortOutOfRange() {
        assertThatThrownBy(() -> EmbeddedBroker.start(70_000, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be in [0, 65535], got 70000");
    }
}
