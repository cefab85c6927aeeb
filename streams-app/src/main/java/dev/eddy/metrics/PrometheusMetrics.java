package dev.eddy.metrics;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's Prometheus registry with the JVM's meters bound (memory pools, garbage collection, threads,
 * class loading, CPU, uptime), third-party meter names made lint-clean by {@link PrometheusLintNames} and {@link PrometheusLintConvention}. Further binders are added with {@link #bind}; those that hold resources (a GC
 * listener, Kafka metric polling) are closed with the registry.
 */
public final class PrometheusMetrics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusMetrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();

    /** A registry with the JVM binders bound. */
    public PrometheusMetrics() {
        registry.config().meterFilter(new PrometheusLintNames());
        registry.config()
                .namingConvention(new PrometheusLintConvention(registry.config().namingConvention()));
        bind(new JvmMemoryMetrics());
        bind(new JvmGcMetrics());
        bind(new JvmThreadMetrics());
        bind(new ClassLoaderMetrics());
        bind(new ProcessorMetrics());
        bind(new UptimeMetrics());
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Binds {@code binder} to the registry; an {@link AutoCloseable} binder is closed by {@link #close()}. */
    public <B extends MeterBinder> B bind(B binder) {
        binder.bindTo(registry);
        if (binder instanceof AutoCloseable c) {
            closeables.push(c);
        }
        return binder;
    }

    /** Closes the binders (most recent first), then the registry. */
    @Override
    public void close() {
        while (!closeables.isEmpty()) {
            AutoCloseable c = closeables.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing the meter binder {} failed: {}", c, e.toString());
            }
        }
        registry.close();
    }
}
