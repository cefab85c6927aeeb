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
    void aMissingDescriptionIsFilledAndTheIdKept() {
        Gauge.builder("kafka.consumer.connection.count", () -> 3).register(registry);
        // Kafka's binder finds its meter again under Kafka's name (PrometheusLintConvention renames on the way out).
        Gauge gauge = registry.find("kafka.consumer.connection.count").gauge();
        assertThat(gauge).isNotNull();
        assertThat(gauge.getId().getDescription()).isEqualTo("kafka.consumer.connection.count");
    }

    @Test
    void storeMetersAreKeptForRocksDbStoresOnly() {
        Gauge.builder("kafka.stream.state.put.rate", () -> 1)
                .tags("rocksdb.state.id", "holdout", "task.id", "0_0")
                .register(registry);
        Gauge.builder("kafka.stream.state.put.rate", () -> 2)
                .tags("in.memory.state.id", "snapshots", "task.id", "1_0")
                .register(registry);
        assertThat(registry.find("kafka.stream.state.put.rate").gauges())
                .extracting(g -> g.getId().getTag("rocksdb.state.id"))
                .containsExactly("holdout");
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
