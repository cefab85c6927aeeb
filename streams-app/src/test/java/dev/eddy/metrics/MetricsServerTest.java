package dev.eddy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private MetricsServer server;

    @BeforeEach
    void start() throws IOException {
        Counter.builder("eddy.test.records")
                .description("records seen by the test")
                .baseUnit("records")
                .tag("model", "m1")
                .register(registry)
                .increment(3);
        server = MetricsServer.start(new InetSocketAddress(MetricsServer.DEFAULT_HOST, 0), registry);
    }

    @AfterEach
    void stop() {
        server.close();
        registry.close();
    }

    @Test
    void servesThePrometheusTextFormatOnLoopback() throws Exception {
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(server.address().getPort()).isPositive();
        HttpResponse<String> r = get(server.uri("/metrics"), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(
                        ct -> assertThat(ct).startsWith("text/plain").contains("version=0.0.4"));
        assertThat(r.body())
                .contains("# HELP eddy_test_records_total records seen by the test")
                .contains("# TYPE eddy_test_records_total counter")
                .contains("eddy_test_records_total{model=\"m1\"} 3.0");
    }

    @Test
    void servesOpenMetricsWhenAsked() throws Exception {
        HttpResponse<String> r = get(server.uri("/metrics"), "application/openmetrics-text; version=1.0.0");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/openmetrics-text"));
        assertThat(r.body())
                .contains("eddy_test_records_total{model=\"m1\"} 3.0")
                .endsWith("# EOF\n");
    }

    @Test
    void answersHeadWithoutBodyAndRefusesOtherMethods() throws Exception {
        HttpResponse<String> head = http.send(
                HttpRequest.newBuilder(server.uri("/metrics"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(server.uri("/metrics"))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void unknownPathsAreNotFound() throws Exception {
        for (String path : new String[] {"/", "/metricsx", "/models"}) {
            HttpResponse<String> r = get(server.uri(path), null);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).contains("/metrics");
        }
    }

    @Test
    void moreResourcesCanBeServedBesideTheMetrics() throws Exception {
        server.route(
                "/models",
                exchange -> MetricsServer.respond(
                        exchange,
                        200,
                        "application/json",
                        ("{\"path\":\"" + exchange.getRequestURI().getPath() + "\"}")
                                .getBytes(StandardCharsets.UTF_8)));
        assertThat(get(server.uri("/models"), null).body()).isEqualTo("{\"path\":\"/models\"}");
        assertThat(get(server.uri("/models/m1"), null).body()).isEqualTo("{\"path\":\"/models/m1\"}");
        assertThat(get(server.uri("/metrics"), null).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> server.route("/models", exchange -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route /models is already served");
        assertThatThrownBy(() -> server.route("models/", exchange -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route path must look like /name or be /, got 'models/'");
    }

    @Test
    void theRootServesExactlySlashAndNothingBelowIt() throws Exception {
        assertThat(get(server.uri("/"), null).statusCode())
                .as("nothing routed to / yet")
                .isEqualTo(404);
        server.route(
                "/",
                exchange -> MetricsServer.respond(
                        exchange,
                        200,
                        "text/plain",
                        exchange.getRequestURI().toString().getBytes(StandardCharsets.UTF_8)));
        assertThat(get(server.uri("/"), null).body()).isEqualTo("/");
        assertThat(get(server.uri("/?model=m1"), null).body()).isEqualTo("/?model=m1");
        HttpResponse<String> below = get(server.uri("/nothing-here"), null);
        assertThat(below.statusCode()).isEqualTo(404);
        assertThat(below.body()).contains("/, /metrics");
        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(server.uri("/"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThatThrownBy(() -> server.route("/", exchange -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route / is already served");
    }

    @Test
    void aTakenPortIsReportedWithTheAddress() {
        int port = server.address().getPort();
        assertThatThrownBy(() -> MetricsServer.start(new InetSocketAddress("127.0.0.1", port), registry))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot serve metrics on 127.0.0.1:" + port)
                .hasMessageContaining("--metrics-port");
    }

    private HttpResponse<String> get(URI uri, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
