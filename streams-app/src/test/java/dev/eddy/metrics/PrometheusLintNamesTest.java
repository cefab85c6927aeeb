package dev.eddy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class PrometheusLintNamesTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    PrometheusLintNamesTest() {
        registry.config().meterFilter(new PrometheusLintNames());
    }

    @Test
    void timesInNanosecondsOrMillisecondsAreDropped() {
        FunctionCounter.builder("kafka.producer.io.time.ns.total", this, x -> 1)
                .description("io time")
                .register(registry);
        Gauge.builder("kafka.app.info.start.time.ms", () -> 1).register(registry);
        FunctionCounter.builder("process.cpu.time", this, x -> 1).baseUnit("ns").register(registry);
        Gauge.builder("kafka.producer.io.ratio", () -> 0.1).register(registry);
        assertThat(registry.getMeters())
                .extracting(m -> m.getId().getName())
                .containsExactly("kafka.producer.io.ratio");
    }

    @Test
    void aGaugeNamedCountIsRenamedAndAMissingDescriptionFilled() {
        Gauge.builder("kafka.consumer.connection.count", () -> 3).register(registry);
        Gauge gauge = registry.find("kafka.consumer.connections").gauge();
        assertThat(gauge).isNotNull();
        assertThat(gauge.getId().getDescription()).isEqualTo("kafka.consumer.connection.count");
    }

    @Test
    void eddyMetersPassUnchanged() {
        Gauge.builder("eddy.training.loss", () -> 0.5)
                .description("Training loss")
                .register(registry);
        assertThat(registry.find("eddy.training.loss").gauge().getId().getDescription())
                .isEqualTo("Training loss");
    }
}
