package dev.eddy.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.app.EddyApp;
import dev.eddy.config.EddyConfig;
import dev.eddy.core.data.BundledDataset;
import dev.eddy.it.AppProcess;
import dev.eddy.it.EmbeddedKafka;
import dev.eddy.it.KafkaReads;
import dev.eddy.it.Runs;
import dev.eddy.it.TrainingStreams;
import dev.eddy.metrics.MetricsServer;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security (issue 8): {@code kafka.security.protocol}, {@code kafka.sasl.*} and {@code kafka.ssl.*} reach every
 * client the application and every other Kafka-facing command creates; their output, {@code /models} and
 * {@code /metrics} never show a secret; the HTTP endpoint binds the loopback address by default.
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
     * "Secrets are never logged" (README): every Kafka-facing command, {@code eddy run} and those a user runs beside
     * it ({@code topics}, {@code produce}, {@code stream}, {@code snapshots}, {@code export}, {@code predict}), with
     * {@code --verbose} (Kafka's client configuration dumps on), in a JVM of its own, on the embedded broker. They
     * share one configuration file, in which the password-type settings hold a unique string and the protocol is left
     * PLAINTEXT so that the broker still answers. Each command does its work (the snapshots, export and predict
     * commands on the running application's accepted snapshot), and the string appears nowhere in its whole output,
     * nor in the application's {@code /models} or {@code /metrics} scrape. Every client a command created got the
     * settings: its configuration dump shows each as {@code [hidden]}, where an unset password shows {@code null}
     * (Eddy sets none of them itself); and each command dumped the kinds of client it creates.
     */
    @Test
    void secretsReachEveryClientOfEachCommandAndAppearInNoOutput() throws Exception {
        String secret = "eddy-secret-" + UUID.randomUUID();
        Properties file = new Properties();
        file.setProperty("application.id", "secrets");
        file.setProperty("bootstrap.servers", kafka.bootstrapServers());
        for (String topic : List.of("examples", "snapshots", "metrics", "dead-letters", "commands")) {
            file.setProperty("topic." + topic, "secrets." + topic);
        }
        file.setProperty("snapshot-every", "5");
        file.setProperty("model.m.input-size", Integer.toString(BundledDataset.BREAST_CANCER.features()));
        file.setProperty("model.m.layers", "4:relu,1:sigmoid");
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
        Map<String, String> logs = new TreeMap<>();

        String topics = command(config, "topics");
        assertThat(topics).contains("created  secrets.examples");
        logs.put("topics", topics);
        String produce = command(config, "produce", "--dataset", "breast-cancer", "--model", "m");
        assertThat(produce).contains("produced 569 examples to secrets.examples");
        logs.put("produce", produce);

        List<String> run = List.of(
                "run",
                "--verbose",
                "--config",
                config.toString(),
                "--metrics-port",
                "0",
                "--state-dir",
                dir.resolve("state").toString());
        String models;
        String model;
        String scrape;
        try (AppProcess app = AppProcess.eddy(dir.resolve("run.log"), run)) {
            URI metrics = app.awaitMetricsUri(Duration.ofSeconds(90));
            KafkaReads.await(
                    Duration.ofSeconds(90),
                    "an accepted snapshot of m",
                    () -> Runs.snapshots(kafka.bootstrapServers(), "secrets.snapshots").stream()
                            .anyMatch(ModelSnapshot::getAccepted));

            String stream = command(
                    config, "stream", "--dataset", "breast-cancer", "--model", "m", "--examples", "5", "--rate", "0");
            assertThat(stream).contains("streamed 5 examples to secrets.examples");
            logs.put("stream", stream);
            String snapshots = command(config, "snapshots", "--model", "m");
            assertThat(snapshots.lines().filter(l -> l.matches("m\\s+\\d+\\s+\\S+\\s+yes\\s.*")))
                    .as("an accepted snapshot listed: %s", snapshots)
                    .isNotEmpty();
            logs.put("snapshots", snapshots);
            Path exported = dir.resolve("m.bin");
            String export = command(config, "export", "--model", "m", "--out", exported.toString());
            assertThat(export).contains("wrote m v");
            assertThat(exported).isNotEmptyFile();
            logs.put("export", export);
            Path rows = dir.resolve("rows.csv");
            Files.write(rows, csv(TrainingStreams.breastCancer(3, "m").examples()));
            String predict = command(config, "predict", "--model", "m", "--csv", rows.toString(), "--timeout", "60");
            assertThat(predict.lines().filter(l -> l.contains("/rows:")))
                    .as("a prediction per row: %s", predict)
                    .hasSize(3);
            logs.put("predict", predict);

            models = get(metrics.resolve("/models"));
            model = get(metrics.resolve("/models/m"));
            scrape = get(metrics);
            assertThat(app.stop(Duration.ofSeconds(60))).as(app.log()).isEqualTo(AppProcess.EXIT_SIGTERM);
            logs.put("run", app.log());
        }

        assertThat(model).contains("\"model\":\"m\"").contains("\"steps\":");
        assertThat(scrape).contains("eddy_training_steps_total");
        for (String output : List.of(models, model, scrape)) {
            assertThat(output).doesNotContain(secret);
        }
        Map<String, Set<String>> clients = Map.of(
                "topics", Set.of("AdminClientConfig"),
                "produce", Set.of("AdminClientConfig", "ProducerConfig"),
                "run", Set.of("AdminClientConfig", "ConsumerConfig", "ProducerConfig"),
                "stream", Set.of("AdminClientConfig", "ProducerConfig"),
                // the admin client of the first contact with the cluster (ClusterContact)
                "snapshots", Set.of("AdminClientConfig", "ConsumerConfig"),
                "export", Set.of("AdminClientConfig", "ConsumerConfig"),
                "predict", Set.of("AdminClientConfig", "ConsumerConfig", "ProducerConfig"));
        assertThat(logs).containsOnlyKeys(clients.keySet());
        // Softly: a leak or a client without the settings is reported for every command at once.
        SoftAssertions.assertSoftly(softly -> logs.forEach((command, log) -> {
            softly.assertThat(log)
                    .as("the --verbose output of eddy %s", command)
                    .doesNotContain(secret);
            Map<String, List<Map<String, String>>> dumps = clientConfigDumps(log);
            softly.assertThat(dumps.keySet())
                    .as("client configurations dumped by eddy %s --verbose", command)
                    .containsExactlyInAnyOrderElementsOf(clients.get(command));
            dumps.forEach((kind, configs) -> configs.forEach(c -> {
                for (String key : List.of("ssl.truststore.password", "ssl.keystore.password", "sasl.jaas.config")) {
                    softly.assertThat(c.get(key))
                            .as("%s of a %s client %s of eddy %s", key, kind, c.get("client.id"), command)
                            .isEqualTo("[hidden]");
                }
            }));
            System.out.printf(
                    "secrets: eddy %s: %d bytes of --verbose output checked; clients dumped: %s%n",
                    command,
                    log.length(),
                    dumps.entrySet().stream()
                            .flatMap(e -> e.getValue().stream().map(c -> e.getKey() + " " + c.get("client.id")))
                            .toList());
        }));
    }

    /**
     * Runs {@code eddy <command> --verbose --config <config> args...} in a JVM of its own to its end.
     *
     * @return its whole output, standard output and error, after checking that it succeeded
     */
    private String command(Path config, String command, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(command, "--verbose", "--config", config.toString()));
        all.addAll(List.of(args));
        try (AppProcess p = AppProcess.eddy(dir.resolve(command + ".log"), all)) {
            assertThat(p.awaitExit(Duration.ofSeconds(90)))
                    .as("eddy %s: %s", String.join(" ", all), p.log())
                    .isZero();
            return p.log();
        }
    }

    /** The examples as a CSV file's lines: a header, the features and the class label. */
    private static List<String> csv(List<Example> examples) {
        List<String> lines = new ArrayList<>();
        int n = examples.get(0).getFeatures().size();
        lines.add(IntStream.range(0, n).mapToObj(j -> "x" + j).collect(Collectors.joining(",")) + ",label");
        for (Example e : examples) {
            lines.add(e.getFeatures().stream().map(String::valueOf).collect(Collectors.joining(",")) + ","
                    + e.getClassLabel());
        }
        return lines;
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
