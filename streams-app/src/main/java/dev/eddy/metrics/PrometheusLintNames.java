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
 * kafka.stream.state.* of a   dropped: Kafka Streams tags a store's meters by the store's type (rocksdb.state.id,
 * store not in RocksDB        in.memory.state.id, ...), and Prometheus refuses a second set of tag keys under one
 *                             name; the RocksDB stores (the trainers' state, partial batches, holdout buffers,
 *                             status, the quality gate's) stay, serving's in-memory copy of the snapshots goes
 * no description              the meter's name becomes its help text
 * </pre>
 *
 * The rename of {@code *.count} gauges is {@link PrometheusLintConvention}'s: a filter must leave the names and tags of
 * Kafka's meters as they are (the binder would not find them again). Eddy's own meters already follow these rules and
 * pass unchanged.
 */
final class PrometheusLintNames implements MeterFilter {

    private static final Set<String> ABBREVIATED_TIME_UNITS = Set.of("ns", "ms");
    private static final String STORE_METERS = "kafka.stream.state.";
    private static final String ROCKSDB_STORE_TAG = "rocksdb.state.id";

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        boolean abbreviated = (id.getBaseUnit() != null && ABBREVIATED_TIME_UNITS.contains(id.getBaseUnit()))
                || Arrays.stream(id.getName().split("\\.")).anyMatch(ABBREVIATED_TIME_UNITS::contains);
        boolean notRocksDb = id.getName().startsWith(STORE_METERS) && id.getTag(ROCKSDB_STORE_TAG) == null;
        return abbreviated || notRocksDb ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        if (id.getDescription() != null && !id.getDescription().isBlank()) {
            return id;
        }
        return new Meter.Id(id.getName(), Tags.of(id.getTags()), id.getBaseUnit(), id.getName(), id.getType());
    }
}
