package dev.eddy.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.Arrays;
import java.util.Set;

/**
 * Keeps {@code promtool check metrics} clean for the third-party meters (Kafka's client metrics, Micrometer's
 * process and system binders), which are named as their sources publish them:
 *
 * <pre>
 * time in ns or ms            dropped: Prometheus wants seconds, and the value cannot be rescaled by a rename;
 *                             (kafka.producer.io.time.ns.total, process.cpu.time [ns]) the same information is in
 *                             Kafka's *.ratio meters and in process.cpu.usage
 * a gauge named *.count       kafka.consumer.connection.count → kafka.consumer.connections
 *                             (Prometheus keeps the _count suffix for histograms and summaries)
 * no description              the meter's name becomes its help text
 * </pre>
 *
 * Eddy's own meters already follow these rules and pass unchanged.
 */
final class PrometheusLintNames implements MeterFilter {

    private static final Set<String> ABBREVIATED_TIME_UNITS = Set.of("ns", "ms");

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        boolean abbreviated = (id.getBaseUnit() != null && ABBREVIATED_TIME_UNITS.contains(id.getBaseUnit()))
                || Arrays.stream(id.getName().split("\\.")).anyMatch(ABBREVIATED_TIME_UNITS::contains);
        return abbreviated ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        String name = id.getName();
        if (id.getType() == Meter.Type.GAUGE && name.endsWith(".count")) {
            name = name.substring(0, name.length() - ".count".length()) + "s";
        }
        String description =
                id.getDescription() == null || id.getDescription().isBlank() ? id.getName() : id.getDescription();
        if (name.equals(id.getName()) && description.equals(id.getDescription())) {
            return id;
        }
        return new Meter.Id(name, Tags.of(id.getTags()), id.getBaseUnit(), description, id.getType());
    }
}
