package dev.eddy.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
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
    }

    /** A broker restarted on its directory is the same cluster: its records and committed offsets are there. */
    @Test
    void restartsOnItsDirectoryWithTheSameClusterRecordsAndOffsets() throws Exception {
        Path data = dir.resolve("broker");
        String clusterId;
        int port;
        try (EmbeddedBroker broker = EmbeddedBroker.start(0, data)) {
            port = broker.port();
            try (Admin admin = admin(broker)) {
                clusterId = admin.describeCluster().clusterId().get();
                admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1)))
                        .all()
                        .get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                    new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("kept", "k" + i, "v" + i))
                            .get();
                }
            }
            try (Admin admin = admin(broker)) {
                admin.alterConsumerGroupOffsets(
                                "group", Map.of(new TopicPartition("kept", 0), new OffsetAndMetadata(7)))
                        .all()
                        .get();
            }
        }
        try (EmbeddedBroker broker = EmbeddedBroker.start(port, data)) {
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            try (Admin admin = admin(broker)) {
                assertThat(admin.describeCluster().clusterId().get()).isEqualTo(clusterId);
                TopicPartition tp = new TopicPartition("kept", 0);
                assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                                .partitionResult(tp)
                                .get()
                                .offset())
                        .isEqualTo(10);
                assertThat(admin.listConsumerGroupOffsets("group")
                                .partitionsToOffsetAndMetadata()
                                .get()
                                .get(tp)
                                .offset())
                        .isEqualTo(7);
            }
        }
    }

    @Test
    void refusesADirectoryThatIsNotABrokers() throws Exception {
        Path data = Files.createDirectories(dir.resolve("other"));
        Files.writeString(data.resolve("notes.txt"), "not a broker");
        assertThatThrownBy(() -> EmbeddedBroker.start(0, data))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not empty and holds no combined_0_0/meta.properties");
    }

    private static Admin admin(EmbeddedBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
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
