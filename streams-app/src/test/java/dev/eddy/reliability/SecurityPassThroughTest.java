package dev.eddy.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.app.EddyApp;
import dev.eddy.config.EddyConfig;
import dev.eddy.metrics.MetricsServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * Security (issue 8): {@code kafka.security.protocol}, {@code kafka.sasl.*} and {@code kafka.ssl.*} reach every
 * client the application creates; secrets do not appear in the configuration's text; the HTTP endpoint binds the
 * loopback address by default.
 */
class SecurityPassThroughTest {

    private static final String SECRET = "s3cr3t-Pa55word";

    private static final Map<String, String> SECURITY = Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "PLAIN",
            "sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"eddy\" password=\""
                            + SECRET + "\";",
            "ssl.truststore.location", "/etc/eddy/truststore.p12",
            "ssl.truststore.password", SECRET,
            "ssl.endpoint.identification.algorithm", "https");

    private static EddyConfig config() {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", "127.0.0.1:1");
        s.put("model.m.input-size", "2");
        s.put("model.m.layers", "1:sigmoid");
        SECURITY.forEach((k, v) -> s.put("kafka." + k, v));
        return EddyConfig.of(s);
    }

    /** What Kafka Streams itself derives for each of its clients from the properties the app gives it. */
    @Test
    void securitySettingsReachEveryKafkaStreamsClient() {
        StreamsConfig streams = new StreamsConfig(config().streamsProperties());
        Map<String, Map<String, Object>> clients = Map.of(
                "main consumer", streams.getMainConsumerConfigs("eddy", "eddy-client", 0),
                "restore consumer", streams.getRestoreConsumerConfigs("eddy-client"),
                "global consumer", streams.getGlobalConsumerConfigs("eddy-client"),
                "producer", streams.getProducerConfigs("eddy-client"),
                "admin", streams.getAdminConfigs("eddy-client"));
        clients.forEach((client, props) -> SECURITY.forEach((key, value) ->
                assertThat(text(props.get(key))).as("%s of the %s", key, client).isEqualTo(value)));
    }

    /**
     * The admin client that creates the topics gets them too: SASL without a usable login fails at construction,
     * naming the JAAS configuration, before any connection (a PLAINTEXT admin would just time out).
     */
    @Test
    void securitySettingsReachTheTopicAdminClient() {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", "127.0.0.1:1");
        s.put("model.m.input-size", "2");
        s.put("model.m.layers", "1:sigmoid");
        s.put("kafka.security.protocol", "SASL_PLAINTEXT");
        s.put("kafka.sasl.mechanism", "PLAIN");
        assertThatThrownBy(() -> EddyApp.createTopics(EddyConfig.of(s)))
                .isInstanceOf(KafkaException.class)
                .hasStackTraceContaining("JAAS");
    }

    @Test
    void secretsAreNotInTheConfigurationsText() {
        EddyConfig config = config();
        assertThat(config.toString()).doesNotContain(SECRET);
        assertThat(new StreamsConfig(config.streamsProperties()).toString()).doesNotContain(SECRET);
    }

    @Test
    void theHttpEndpointBindsLoopbackByDefault() throws Exception {
        assertThat(MetricsServer.DEFAULT_HOST).isEqualTo("127.0.0.1");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MetricsServer server =
                MetricsServer.start(new InetSocketAddress(MetricsServer.DEFAULT_HOST, 0), registry)) {
            assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        } finally {
            registry.close();
        }
    }

    private static String text(Object value) {
        return value instanceof Password p ? p.value() : String.valueOf(value);
    }
}
