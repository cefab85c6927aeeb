package dev.eddy.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsContext;
import org.apache.kafka.common.metrics.MetricsReporter;

/**
 * A Kafka metrics reporter that remembers which clients were created with it: a test names it in
 * {@code kafka.metric.reporters} and so sees that a command's Kafka clients got the configuration's {@code kafka.*}
 * settings. Every client type (admin, producer, consumer) creates its reporters from its own configuration.
 */
public final class RecordingReporter implements MetricsReporter {

    /** {@code <namespace> <client.id>} of every client created with this reporter, e.g. {@code kafka.producer p1}. */
    static final List<String> CLIENTS = new CopyOnWriteArrayList<>();

    private String clientId;

    @Override
    public void configure(Map<String, ?> configs) {
        clientId = String.valueOf(configs.get("client.id"));
    }

    @Override
    public void contextChange(MetricsContext context) {
        CLIENTS.add(context.contextLabels().get(MetricsContext.NAMESPACE) + " " + clientId);
    }

    @Override
    public void init(List<KafkaMetric> metrics) {}

    @Override
    public void metricChange(KafkaMetric metric) {}

    @Override
    public void metricRemoval(KafkaMetric metric) {}

    @Override
    public void close() {}
}
