package dev.eddy.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.BrokerServer;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM, for
 * development, demos and integration tests. Clients connect over PLAINTEXT to {@link
 * #bootstrapServers()}, {@code 127.0.0.1:port}.
 *
 * <p>Replication factor 1 is the only choice here: internal topics (consumer offsets, transactions)
 * are configured for one replica so that idempotent and transactional producers and Kafka Streams
 * with {@code exactly_once_v2} work.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    /** Listener clients use; bound to 127.0.0.1 on the requested port. */
    private static final String CLIENT_LISTENER = "CLIENT";

    /** The combined broker/controller node's first log directory, relative to the data directory (node id 0). */
    private static final String NODE_DIRECTORY = "combined_0_0";

    private static final String META_PROPERTIES = "meta.properties";
    private static final String CLUSTER_ID = "cluster.id";

    private final KafkaClusterTestKit cluster;
    private final Path directory;
    private final boolean ownsDirectory;
    private final int port;
    private final String bootstrapServers;

    private EmbeddedBroker(KafkaClusterTestKit cluster, Path directory, boolean ownsDirectory, int port) {
        this.cluster = cluster;
        this.directory = directory;
        this.ownsDirectory = ownsDirectory;
        this.port = port;
        this.bootstrapServers = "127.0.0.1:" + port;
    }

    /**
     * Starts a broker, returning once it accepts clients. An empty or missing directory is formatted as a new
     * cluster; a directory this class formatted before is restarted as the same cluster (same cluster id, node id,
     * topics, records, committed offsets and transactions), which is how a broker restart is simulated.
     *
     * @param port client port on 127.0.0.1, or 0 for any free port (give the previous {@link #port()} to restart a
     *     broker where its clients expect it)
     * @param directory where the broker keeps its data: an empty or missing directory, or the directory of an
     *     earlier, stopped broker; kept on {@link #close()}; {@code null} for a temporary directory deleted on close
     * @throws IllegalArgumentException if the port is out of range or in use, or the directory holds something
     *     other than an embedded broker's data
     */
    public static EmbeddedBroker start(int port, Path directory) throws Exception {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (port != 0) {
            requireFree(port);
        }
        boolean temporary = directory == null;
        Path dir = temporary ? Files.createTempDirectory("eddy-broker-") : directory.toAbsolutePath();
        String clusterId = temporary ? null : existingClusterId(dir);
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setClusterId(clusterId)
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(dir)
                // The test kit defaults to the newest, possibly unreleased, metadata version.
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .build();
        String brokerListener = nodes.brokerListenerName().value();
        String controllerListener = nodes.controllerListenerName().value();
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                .setDeleteOnClose(temporary)
                // The test kit pre-binds its own listeners on ephemeral ports; clients get a third
                // listener on the requested loopback port.
                .setConfigProp(
                        "listeners",
                        brokerListener + "://localhost:0," + CLIENT_LISTENER + "://127.0.0.1:" + port + ","
                                + controllerListener + "://localhost:0")
                .setConfigProp(
                        "listener.security.protocol.map",
                        brokerListener + ":PLAINTEXT," + CLIENT_LISTENER + ":PLAINTEXT," + controllerListener
                                + ":PLAINTEXT")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                // Model snapshots can be tens of MiB; the topic-level max.message.bytes decides per topic.
                .setConfigProp("message.max.bytes", String.valueOf(64 * 1024 * 1024))
                .setConfigProp("replica.fetch.max.bytes", String.valueOf(64 * 1024 * 1024))
                .build();
        try {
            if (clusterId == null) {
                formatQuietly(cluster);
            } else {
                LOG.info("restarting broker of cluster {} from {}", clusterId, dir);
            }
            cluster.startup();
            cluster.waitForReadyBrokers();
            BrokerServer broker = cluster.brokers().values().iterator().next();
            int boundPort = broker.boundPort(ListenerName.normalised(CLIENT_LISTENER));
            return new EmbeddedBroker(cluster, dir, temporary, boundPort);
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** Formats the storage; Kafka's formatter reports to standard output, which is not ours to clutter. */
    private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        System.setOut(new PrintStream(report, true, StandardCharsets.UTF_8));
        try {
            cluster.format();
        } finally {
            System.setOut(stdout);
        }
        LOG.info(
                "formatted broker storage: {}",
                report.toString(StandardCharsets.UTF_8).strip());
    }

    /** Fails early with a clear message instead of a broker start-up failure deep in Kafka's socket server. */
    private static void requireFree(int port) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (BindException e) {
            throw new IllegalArgumentException(
                    "port " + port + " on 127.0.0.1 is in use: choose another port, or 0 for any free port", e);
        }
    }

    /**
     * The cluster id of the broker that formatted {@code dir} before, or null when {@code dir} is empty or missing
     * (it is created then): the test kit's single combined node keeps its {@code meta.properties} in
     * {@code combined_<node>_0/}.
     */
    private static String existingClusterId(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("broker directory " + dir + " is a file, expected a directory");
        }
        Files.createDirectories(dir);
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                return null;
            }
        }
        Path meta = dir.resolve(NODE_DIRECTORY).resolve(META_PROPERTIES);
        if (!Files.isRegularFile(meta)) {
            throw new IllegalArgumentException("broker directory " + dir + " is not empty and holds no "
                    + NODE_DIRECTORY + "/" + META_PROPERTIES + " of an earlier embedded broker: give an empty or"
                    + " missing directory, or the directory of a broker started here before");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String clusterId = p.getProperty(CLUSTER_ID);
        if (clusterId == null || clusterId.isBlank()) {
            throw new IllegalArgumentException(meta + " has no " + CLUSTER_ID + ": not a formatted broker directory");
        }
        return clusterId;
    }

    /** The address clients connect to, {@code 127.0.0.1:port}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The client port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Where the broker keeps its data. */
    public Path directory() {
        return directory;
    }

    /** True if the data directory is temporary and deleted on close. */
    public boolean deletesDirectoryOnClose() {
        return ownsDirectory;
    }

    /** Stops the broker; data stays in a directory given to {@link #start}. */
    @Override
    public void close() {
        try {
            cluster.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the embedded broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded broker did not stop cleanly: " + e.getMessage(), e);
        }
    }
}
