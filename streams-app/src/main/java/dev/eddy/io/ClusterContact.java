package dev.eddy.io;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * A command's first contact with the cluster, bounded: the Kafka clients wait up to a minute for a cluster that does
 * not answer (a wrong address or port, a broker down, a listener of another security protocol) and then fail
 * naming no address; the contact fails within its timeout instead, naming the bootstrap servers tried and what to
 * check. Only {@code bootstrap.servers} is named, never another client setting (they hold the secrets).
 */
public final class ClusterContact {

    private ClusterContact() {}

    /**
     * Waits for the cluster to describe itself to a client of {@code clientProperties}, up to {@code timeout} (the
     * configuration's {@code bootstrap.timeout-ms}) and at most the command's own {@code commandTimeout}.
     *
     * @throws IllegalStateException naming the bootstrap servers when it does not
     */
    public static void await(Map<String, Object> clientProperties, Duration timeout, Duration commandTimeout)
            throws InterruptedException {
        try (Admin admin = Admin.create(clientProperties)) {
            await(
                    admin,
                    String.valueOf(clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)),
                    timeout.compareTo(commandTimeout) <= 0 ? timeout : commandTimeout);
        }
    }

    /**
     * Waits up to {@code timeout} for the cluster at {@code bootstrapServers} to describe itself to {@code admin}.
     *
     * @throws IllegalStateException naming the bootstrap servers when it does not
     */
    public static void await(Admin admin, String bootstrapServers, Duration timeout) throws InterruptedException {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .clusterId()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "no answer from the Kafka cluster at " + bootstrapServers + " (bootstrap.servers) within "
                            + timeout.toMillis() + " ms: check the address and port, that a broker listens there,"
                            + " and the security settings (kafka.security.protocol, kafka.sasl.*, kafka.ssl.*)",
                    e instanceof ExecutionException ? e.getCause() : e);
        }
    }
}
