package dev.eddy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The name a gauge named *.count takes in the scrape of the application's registry, its id left as registered. */
class PrometheusLintConventionTest {

    private final PrometheusMetrics metrics = new PrometheusMetrics();
    private final PrometheusMeterRegistry registry = metrics.registry();

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void aGaugeNamedCountIsScrapedAsAPluralAndFoundUnderItsOwnName() {
        Gauge.builder("kafka.producer.connection.count", () -> 3)
                .tags("client.id", "p")
                .register(registry);

        // Micrometer's Kafka binder looks its meters up by Kafka's name; a renamed id made it register them again.
        assertThat(registry.find("kafka.producer.connection.count").gauges()).hasSize(1);
        assertThat(registry.scrape())
                .contains("kafka_producer_connections{client_id=\"p\"} 3")
                .doesNotContain("kafka_producer_connection_count");
    }
}
