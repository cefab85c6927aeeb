package dev.eddy.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.app.RunCommand;
import dev.eddy.cli.Eddy;
import dev.eddy.config.EddyConfig;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.demo.DemoStream;
import dev.eddy.demo.StreamCommand;
import dev.eddy.metrics.MetricsServer;
import dev.eddy.metrics.PrometheusMetrics;
import dev.eddy.metrics.TrainingMetricsBinder;
import dev.eddy.tools.Executables;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * Checks the files of {@code docker/} without a Docker engine: the compose file parsed and cross-checked against
 * the command line, the configuration and the Prometheus config; the Grafana dashboard's queries against the metric
 * names Eddy's real binder exports; and the real tools where they are installed ({@code promtool}, {@code docker
 * compose} or {@code docker-compose}), skipped with the reason otherwise.
 */
class DockerFilesTest {

    private static final Path DOCKER = Path.of("..", "docker").toAbsolutePath().normalize();
    private static final Path COMPOSE = DOCKER.resolve("docker-compose.yml");
    private static final Path PROMETHEUS = DOCKER.resolve("prometheus.yml");
    private static final Path DASHBOARD = DOCKER.resolve("grafana/dashboards/eddy.json");
    private static final Pattern EDDY_METRIC = Pattern.compile("\\beddy_[a-z0-9_]+");

    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parseCompose() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(COMPOSE));
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void composeHasKafkaInKraftModeEddyAProducerPrometheusAndGrafana() {
        assertThat(services).containsKeys("kafka", "eddy", "producer", "prometheus", "grafana");
        Map<String, Object> kafka = services.get("kafka");
        assertThat((String) kafka.get("image")).startsWith("apache/kafka:");
        Map<?, ?> env = (Map<?, ?>) kafka.get("environment");
        assertThat(env.get("KAFKA_PROCESS_ROLES").toString()).contains("broker", "controller");
        assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS").toString()).isEqualTo("1@kafka:9093");
        assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR").toString())
                .as("exactly-once needs a transaction log a single broker can host")
                .isEqualTo("1");
    }

    @Test
    void eddyImageRunsTheJarMavenBuildsWithTheMountedConfiguration() throws IOException {
        Map<String, Object> eddy = services.get("eddy");
        Map<?, ?> build = (Map<?, ?>) eddy.get("build");
        Path context = DOCKER.resolve(build.get("context").toString()).normalize();
        Path dockerfile = context.resolve(build.get("dockerfile").toString());
        assertThat(dockerfile).exists();
        String jar = Files.readAllLines(dockerfile).stream()
                .filter(l -> l.startsWith("COPY "))
                .map(l -> l.split("\\s+")[1])
                .findFirst()
                .orElseThrow();
        assertThat(context.resolve(jar)).isEqualTo(Path.of("target", "eddy.jar").toAbsolutePath());

        List<String> command = strings(eddy.get("command"));
        assertThat(command.get(0)).isEqualTo("run");
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs(command.subList(1, command.size()).toArray(String[]::new));
        EddyConfig config = EddyConfig.load(mountedFile(eddy, option(command, "--config")), Map.of());
        assertThat(strings(eddy.get("ports"))).contains(option(command, "--metrics-port") + ":9464");
        assertThat(option(command, "--metrics-host")).isEqualTo("0.0.0.0");

        // The producer streams examples the configured model can take: same model id, same number of features.
        List<String> producer = strings(services.get("producer").get("command"));
        assertThat(producer.get(0)).isEqualTo("stream");
        new CommandLine(new StreamCommand())
                .parseArgs(producer.subList(1, producer.size()).toArray(String[]::new));
        TrainerConfig model = config.models().get(option(producer, "--model"));
        assertThat(model)
                .as("model of the producer's --model in eddy.properties")
                .isNotNull();
        assertThat(DemoStream.named(option(producer, "--dataset"), 1).featureCount())
                .isEqualTo(model.inputSize());
        assertThat(option(producer, "--bootstrap-servers")).isEqualTo(option(command, "--bootstrap-servers"));

        List<String> csv = strings(services.get("producer-csv").get("command"));
        new CommandLine(new Eddy()).parseArgs(csv.toArray(String[]::new));
        assertThat(option(csv, "--model")).isEqualTo(option(producer, "--model"));
    }

    @Test
    void prometheusScrapesEddysMetricsPort() throws Exception {
        Map<String, Object> prometheus = new Yaml().load(Files.readString(PROMETHEUS));
        List<?> scrapes = (List<?>) prometheus.get("scrape_configs");
        Map<?, ?> eddy = (Map<?, ?>) scrapes.get(0);
        assertThat(eddy.get("metrics_path")).isEqualTo(MetricsServer.METRICS_PATH);
        List<String> targets = strings(((Map<?, ?>) ((List<?>) eddy.get("static_configs")).get(0)).get("targets"));
        assertThat(targets).containsExactly("eddy:9464");
        assertThat(strings(services.get("prometheus").get("volumes"))).anyMatch(v -> v.startsWith("./prometheus.yml:"));

        Path promtool = Executables.onPath("promtool")
                .orElseGet(() -> Assumptions.abort("promtool not on the PATH (Debian package 'prometheus'): not run"));
        Run check = run(List.of(promtool.toString(), "check", "config", PROMETHEUS.toString()), null);
        assertThat(check.exitCode()).as(check.output()).isZero();
    }

    @Test
    void everyDashboardPanelQueriesAMetricEddyExports() throws Exception {
        Set<String> exported = exportedSampleNames();
        assertThat(exported).contains("eddy_training_loss");
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertThat(dashboard.get("panels")).isNotEmpty();
        Set<String> queried = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            String title = panel.get("title").asText();
            assertThat(panel.get("targets")).as(title).isNotEmpty();
            for (JsonNode target : panel.get("targets")) {
                String expr = target.get("expr").asText();
                Matcher m = EDDY_METRIC.matcher(expr);
                List<String> names = new ArrayList<>();
                while (m.find()) {
                    names.add(m.group());
                }
                assertThat(names)
                        .as("metrics of '%s' in panel '%s'", expr, title)
                        .isNotEmpty();
                assertThat(exported).as("panel '%s'", title).containsAll(names);
                queried.addAll(names);
            }
        }
        // The issue's list: loss, holdout metric, learning rate, examples/s, version, DLQ rate, early stopping.
        assertThat(queried)
                .contains(
                        "eddy_training_loss",
                        "eddy_holdout_loss",
                        "eddy_holdout_accuracy",
                        "eddy_learning_rate",
                        "eddy_training_examples_total",
                        "eddy_model_version",
                        "eddy_dlq_records_total",
                        "eddy_early_stopping_wait");
        assertThat(strings(services.get("grafana").get("volumes")))
                .anyMatch(v -> v.startsWith("./grafana/dashboards:"))
                .anyMatch(v -> v.startsWith("./grafana/provisioning:"));
        assertThat(DOCKER.resolve("grafana/provisioning/datasources/prometheus.yml"))
                .exists();
    }

    @Test
    void promtoolAcceptsALiveScrape() throws Exception {
        Path promtool = Executables.onPath("promtool")
                .orElseGet(() -> Assumptions.abort("promtool not on the PATH (Debian package 'prometheus'): not run"));
        Run check = run(List.of(promtool.toString(), "check", "metrics"), scrape());
        // Exit 1: the exposition does not parse; 3: lint problems, one per output line. Third-party names are made
        // lint-clean by PrometheusLintNames, so the whole scrape must pass.
        assertThat(check.exitCode()).as(check.output()).isZero();
    }

    @Test
    void composeConfigIsValidForTheComposeClient() throws Exception {
        List<String> client;
        if (run(List.of("docker", "compose", "version"), null).exitCode() == 0) {
            client = List.of("docker", "compose");
        } else if (run(List.of("docker-compose", "version"), null).exitCode() == 0) {
            client = List.of("docker-compose");
        } else {
            assumeTrue(false, "neither 'docker compose' (plugin) nor 'docker-compose' is installed: not run");
            return;
        }
        List<String> command = new ArrayList<>(client);
        command.addAll(List.of("-f", COMPOSE.toString(), "config", "-q"));
        Run config = run(command, null);
        assertThat(config.exitCode()).as(config.output()).isZero();
    }

    /** The sample names of a scrape of the real binder (one classification model), e.g. eddy_dlq_records_total. */
    private static Set<String> exportedSampleNames() throws Exception {
        Set<String> names = new TreeSet<>();
        for (String line : scrape().split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    /** /metrics of a metrics server with the training binder bound, fetched over HTTP. */
    private static String scrape() throws Exception {
        TrainerConfig model = TrainerConfig.fromProperties(Map.of("input-size", "3", "layers", "4:relu,2:softmax"));
        try (PrometheusMetrics metrics = new PrometheusMetrics()) {
            metrics.bind(new TrainingMetricsBinder(Map.of("m", model)));
            try (MetricsServer server =
                    MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), metrics.registry())) {
                HttpResponse<String> response = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(server.uri(MetricsServer.METRICS_PATH))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                return response.body();
            }
        }
    }

    private static Path mountedFile(Map<String, Object> service, String containerPath) {
        for (String volume : strings(service.get("volumes"))) {
            String[] parts = volume.split(":");
            if (parts[1].equals(containerPath)) {
                Path host = DOCKER.resolve(parts[0]).normalize();
                assertThat(host).exists();
                return host;
            }
        }
        throw new AssertionError("no volume mounts " + containerPath + " in " + service.get("volumes"));
    }

    private static String option(List<String> command, String name) {
        return command.stream()
                .filter(a -> a.startsWith(name + "="))
                .map(a -> a.substring(name.length() + 1))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " missing in " + command));
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(Object::toString).toList();
    }

    private record Run(int exitCode, String output) {}

    private static Run run(List<String> command, String stdin) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Run(127, e.getMessage());
        }
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        return new Run(p.exitValue(), output);
    }
}
