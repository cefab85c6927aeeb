package dev.eddy.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.NamingConvention;

/**
 * The Prometheus name of a gauge named {@code *.count}: {@code kafka.consumer.connection.count} is scraped as {@code
 * kafka_consumer_connections}, since {@code promtool check metrics} keeps the {@code _count} suffix for histograms
 * and summaries. Everything else goes to {@code delegate} unchanged.
 *
 * <p>Why a naming convention, applied when the registry writes a meter out, and not a renaming {@link
 * io.micrometer.core.instrument.config.MeterFilter}: Micrometer's Kafka binder looks for the meters it registered under
 * the names Kafka gave them; under a renamed id it misses them at its next refresh (every minute) and registers them
 * again, which the registry answers with a warning.
 */
final class PrometheusLintConvention implements NamingConvention {

    private static final String COUNT = ".count";

    private final NamingConvention delegate;

    PrometheusLintConvention(NamingConvention delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name(String name, Meter.Type type, String baseUnit) {
        String linted = type == Meter.Type.GAUGE && name.endsWith(COUNT)
                ? name.substring(0, name.length() - COUNT.length()) + "s"
                : name;
        return delegate.name(linted, type, baseUnit);
    }

    @Override
    public String tagKey(String key) {
        return delegate.tagKey(key);
    }

    @Override
    public String tagValue(String value) {
        return delegate.tagValue(value);
    }
}
