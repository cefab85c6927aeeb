package dev.eddy.history;

import dev.eddy.schema.TrainingMetrics;
import dev.eddy.serde.AvroSerdes;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link TrainingHistory} from the training-metrics topic: a thread with a group-less consumer of every
 * partition of the topic, from the beginning (the refill after a restart), then following it.
 *
 * <p>Why the topic and not the trainer's listener: the topic is the exact record (read_committed: an aborted
 * transaction's records, which a listener hears before the abort, never show), every instance reads all of it and so
 * answers for every model without asking the instance that trains it, the history survives a rebalance that moves a
 * model to another instance, and the refill after a restart is the same code. The price is the commit interval: a
 * record shows once its transaction committed.
 *
 * <p>A record that does not decode is skipped with a warning (the topic is the application's own; another writer's
 * record must not stop the history). New partitions of the topic are picked up within {@value #REFRESH_MS} ms.
 */
public final class HistoryFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryFeed.class);

    static final long REFRESH_MS = 30_000;

    /** How long the feed waits before asking an unreachable broker again. */
    private static final long RETRY_MS = 1_000;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final TrainingHistory history;
    private final Deserializer<TrainingMetrics> decoder =
            AvroSerdes.trainingMetrics().deserializer();
    private final long refreshMs;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private Map<TopicPartition, Long> refillEnd;

    private HistoryFeed(Map<String, Object> consumerConfig, String topic, TrainingHistory history, long refreshMs) {
        this.consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.history = history;
        this.refreshMs = refreshMs;
        this.thread = new Thread(this::run, "eddy-history-" + topic);
        this.thread.setDaemon(true);
    }

    /**
     * Starts following {@code topic} into {@code history}.
     *
     * @param kafka the client settings (bootstrap servers, security); group, isolation and deserializers are set here
     * @param clientId the consumer's {@code client.id}
     */
    public static HistoryFeed start(Map<String, Object> kafka, String clientId, String topic, TrainingHistory history) {
        return start(kafka, clientId, topic, history, REFRESH_MS);
    }

    /** {@link #start(Map, String, String, TrainingHistory)} looking for new partitions every {@code refreshMs}. */
    static HistoryFeed start(
            Map<String, Object> kafka, String clientId, String topic, TrainingHistory history, long refreshMs) {
        Map<String, Object> c = new HashMap<>(kafka);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        HistoryFeed feed = new HistoryFeed(c, topic, history, refreshMs);
        feed.thread.start();
        return feed;
    }

    /** Whether the feed's thread still runs (it ends at {@link #close()}, or on a failure it cannot wait out). */
    boolean following() {
        return thread.isAlive();
    }

    /** Whether every record that was on the topic when the feed started has been read (the refill is done). */
    public boolean caughtUp() {
        return caughtUp;
    }

    private void run() {
        try {
            long lastRefresh = 0;
            while (running) {
                try {
                    if (System.currentTimeMillis() - lastRefresh >= refreshMs
                            || consumer.assignment().isEmpty()) {
                        assign();
                        lastRefresh = System.currentTimeMillis();
                        if (consumer.assignment().isEmpty()) {
                            Thread.sleep(500); // the topic does not exist yet
                            continue;
                        }
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        add(r);
                    }
                    if (!caughtUp) {
                        caughtUp = refillEnd.entrySet().stream()
                                .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                    }
                } catch (RetriableException e) {
                    // the broker is away (a restart, an outage): the feed waits for it, as the application does
                    LOG.debug("the training history waits for the broker: {}", e.toString());
                    Thread.sleep(RETRY_MS);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (KafkaException e) {
            if (running) {
                LOG.error("the training history stopped following {}: {}", topic, e.toString(), e);
            }
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
        }
    }

    /** Assigns every partition of the topic, the new ones from their beginning. */
    private void assign() {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        Set<TopicPartition> all = new HashSet<>();
        for (PartitionInfo i : infos == null ? List.<PartitionInfo>of() : infos) {
            all.add(new TopicPartition(topic, i.partition()));
        }
        Set<TopicPartition> fresh = new HashSet<>(all);
        fresh.removeAll(consumer.assignment());
        if (fresh.isEmpty()) {
            return;
        }
        if (refillEnd == null) {
            // before the assignment: if it times out the next pass asks again (assigned first, it never would)
            refillEnd = consumer.endOffsets(all);
        }
        consumer.assign(all);
        consumer.seekToBeginning(fresh);
    }

    private void add(ConsumerRecord<byte[], byte[]> r) {
        TrainingMetrics m;
        try {
            m = decoder.deserialize(topic, r.value());
        } catch (RuntimeException e) {
            LOG.warn(
                    "training history: skipping {}-{}@{}, not a TrainingMetrics record: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.getMessage());
            return;
        }
        if (m != null) {
            history.add(m);
        }
    }

    /** Stops the thread and closes the consumer; waits up to 5 s. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
