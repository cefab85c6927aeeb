package dev.eddy.app;

import dev.eddy.topology.FanOutTopic;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the records of the fan-out topic ({@link FanOutTopic}) that the application has consumed: those below its
 * group's committed offsets, every {@code fan-out.purge-interval-ms}. The topic keeps its records for good ({@code retention.ms=-1}:
 * a copy not yet trained must outlive any downtime), so this is what keeps it from growing without bound. A failure
 * is logged once (until a purge succeeds again) and retried at the next interval, never fatal: the records only wait.
 */
final class FanOutPurge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FanOutPurge.class);

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Admin admin;
    private final String group;
    private final String topic;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "eddy-fan-out-purge");
        t.setDaemon(true);
        return t;
    });
    private boolean failing;

    private FanOutPurge(Admin admin, String group, String topic) {
        this.admin = admin;
        this.group = group;
        this.topic = topic;
    }

    /**
     * Purges {@code topic} of what consumer group {@code group} has consumed, every {@code interval}, until closed.
     *
     * @param kafka the admin client's properties
     */
    static FanOutPurge start(Map<String, Object> kafka, String group, String topic, Duration interval) {
        FanOutPurge purge = new FanOutPurge(Admin.create(kafka), group, topic);
        purge.timer.scheduleWithFixedDelay(
                purge::purgeOrLog, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return purge;
    }

    private void purgeOrLog() {
        try {
            purge();
            failing = false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            if (!failing) {
                LOG.warn(
                        "cannot delete the consumed records of '{}' ({}); retrying at the next purge",
                        topic,
                        e.toString());
            }
            failing = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes the records of {@code topic} below the committed offsets of {@code group}. */
    void purge() throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, RecordsToDelete> consumed = admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .entrySet()
                .stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .collect(Collectors.toMap(
                        Map.Entry::getKey,
                        e -> RecordsToDelete.beforeOffset(e.getValue().offset())));
        if (!consumed.isEmpty()) {
            admin.deleteRecords(consumed).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ZERO); // a purge still pending (the broker away) is not worth waiting for
    }
}
