package dev.eddy.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.app.EddyApp;
import dev.eddy.config.EddyConfig;
import dev.eddy.it.AppProcess;
import dev.eddy.it.EmbeddedKafka;
import dev.eddy.it.KafkaReads;
import dev.eddy.it.Runs;
import dev.eddy.it.TrainingStreams;
import dev.eddy.metrics.MetricsServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security (issue 8): {@code kafka.security.protocol}, {@code kafka.sasl.*} and {@code kafka.ssl.*} reach every
 * client the application creates; a running application's output, {@code /models} and {@code /metrics} never show a
 * secret; the HTTP endpoint binds the loopback address by default.
 */
class SecurityPassThroughTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    private static final String SECRET = "s3cr3t-Pa55word";
    /** The first line of a Kafka client's configuration dump, e.g. "ProducerConfig values:". */
    private static final Pattern DUMP = Pattern.compile("\\b(AdminClientConfig|ConsumerConfig|ProducerConfig) values:");

    @TempDir
    Path dir;

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

    /**
     * "Secrets are never logged" (README): {@code eddy run --verbose} (Kafka's client configuration dumps on) on the
     * embedded broker, with the password-type settings holding a unique string in its configuration file and the
     * protocol left PLAINTEXT so that the broker still answers. The string appears nowhere in the process's whole
     * output, in {@code /models} or in the {@code /metrics} scrape; and every client whose configuration Kafka dumped
     * (the topic admin, Kafka Streams' consumers, producer and admin) got the settings: its dump shows each as {@code
     * [hidden]}, where an unset password shows {@code null} (Eddy sets none of them itself).
     */
    @Test
    void secretsReachEveryClientOfARunningAppAndAppearInNoOutput() throws Exception {
        String secret = "eddy-secret-" + UUID.randomUUID();
        Properties file = new Properties();
        file.setProperty("kafka.ssl.truststore.password", secret);
        file.setProperty("kafka.ssl.keystore.password", secret);
        file.setProperty(
                "kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"eddy\" password=\""
                        + secret + "\";");
        Path config = dir.resolve("eddy.properties");
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            file.store(w, null);
        }
        TrainingStreams stream = TrainingStreams.breastCancer(569, "m");
        Map<String, String> settings = new HashMap<>();
        settings.put("application.id", "secrets");
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        for (String topic : List.of("examples", "snapshots", "metrics", "dead-letters", "commands")) {
            settings.put("topic." + topic, "secrets." + topic);
        }
        settings.put("snapshot-every", "5");
        settings.put("model.m.input-size", Integer.toString(stream.inputSize()));
        settings.put("model.m.layers", "4:relu,1:sigmoid");
        EddyApp.createTopics(EddyConfig.of(settings));
        stream.produce(kafka.bootstrapServers(), "secrets.examples");

        List<String> args = new ArrayList<>(List.of("run", "--verbose", "--config", config.toString()));
        args.addAll(Runs.args(settings, dir.resolve("state")));
        String models;
        String model;
        String scrape;
        String log;
        try (AppProcess app = AppProcess.eddy(dir.resolve("run.log"), args)) {
            URI metrics = app.awaitMetricsUri(Duration.ofSeconds(90));
            KafkaReads.await(Duration.ofSeconds(90), "a snapshot of m", () -> !Runs.snapshots(
                            kafka.bootstrapServers(), "secrets.snapshots")
                    .isEmpty());
            models = get(metrics.resolve("/models"));
            model = get(metrics.resolve("/models/m"));
            scrape = get(metrics);
            assertThat(app.stop(Duration.ofSeconds(60))).as(app.log()).isEqualTo(AppProcess.EXIT_SIGTERM);
            log = app.log();
        }

        assertThat(model).contains("\"model\":\"m\"").contains("\"steps\":");
        assertThat(scrape).contains("eddy_training_steps_total");
        for (String output : List.of(log, models, model, scrape)) {
            assertThat(output).doesNotContain(secret);
        }
        Map<String, List<Map<String, String>>> dumps = clientConfigDumps(log);
        assertThat(dumps.keySet())
                .as("client configurations dumped by --verbose")
                .contains("AdminClientConfig", "ConsumerConfig", "ProducerConfig");
        dumps.forEach((kind, clients) -> clients.forEach(c -> {
            for (String key : List.of("ssl.truststore.password", "ssl.keystore.password", "sasl.jaas.config")) {
                assertThat(c.get(key))
                        .as("%s of a %s client %s", key, kind, c.get("client.id"))
                        .isEqualTo("[hidden]");
            }
        }));
        System.out.printf(
                "secrets: %d bytes of --verbose output without the secret; clients that got the settings: %s%n",
                log.length(),
                dumps.entrySet().stream()
                        .flatMap(e -> e.getValue().stream().map(c -> e.getKey() + " " + c.get("client.id")))
                        .toList());
    }

    /**
     * The configurations Kafka's clients log when they start ("ProducerConfig values:" then one tab-indented
     * {@code key = value} line per setting), by kind.
     */
    private static Map<String, List<Map<String, String>>> clientConfigDumps(String log) {
        Map<String, List<Map<String, String>>> out = new TreeMap<>();
        List<String> lines = log.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = DUMP.matcher(lines.get(i));
            if (!m.find()) {
                continue;
            }
            Map<String, String> settings = new TreeMap<>();
            for (int j = i + 1; j < lines.size() && lines.get(j).startsWith("\t"); j++) {
                String line = lines.get(j).strip();
                int eq = line.indexOf(" = ");
                if (eq > 0) {
                    settings.put(line.substring(0, eq), line.substring(eq + 3));
                }
            }
            out.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(settings);
        }
        return out;
    }

    private static String get(URI uri) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", uri, r.body()).isEqualTo(200);
        return r.body();
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
