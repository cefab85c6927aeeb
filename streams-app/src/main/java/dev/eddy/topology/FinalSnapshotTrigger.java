package dev.eddy.topology;

import dev.eddy.state.ModelStatus;
import java.time.Duration;
import java.util.Iterator;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KeyValue;

/**
 * Asks the trainer processors for FINAL snapshots before a clean shutdown.
 *
 * <p>Kafka Streams does not allow {@code forward} in {@code Processor.close()}, so a final snapshot cannot be
 * written there. Instead, each trainer processor checks this trigger from a wall-clock punctuator (every
 * {@link #POLL_INTERVAL}); once {@link #request()}ed it publishes one FINAL snapshot per model its task owns, inside
 * the task's transaction. The shutdown hook calls {@link #request()}, waits with {@link #awaitPublished}, then closes
 * the {@code KafkaStreams} (which commits). Thread-safe.
 */
public final class FinalSnapshotTrigger {

    /** How often trainer processors look at the trigger. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private volatile boolean requested;
    private int published;

    /**
     * The models that publish a FINAL snapshot, from the statuses of the tasks that train them: every model not
     * waiting for its warm-start source's first snapshot, and a search once for all its trials ({@code <id>~tNN}
     * statuses count as {@code <id>}: the search publishes for them). What a trainer publishes and what the shutdown
     * waits for.
     */
    public static SortedSet<String> publishingModels(Iterator<KeyValue<String, ModelStatus>> statuses) {
        SortedSet<String> models = new TreeSet<>();
        statuses.forEachRemaining(kv -> {
            if (kv.value.waiting() == null) {
                models.add(SearchTraining.modelOf(kv.key));
            }
        });
        return models;
    }

    /** Requests FINAL snapshots from every trainer processor. */
    public void request() {
        requested = true;
    }

    /** Whether {@link #request()} was called. */
    public boolean requested() {
        return requested;
    }

    /** Called by a trainer processor for each FINAL snapshot it published. */
    synchronized void published() {
        published++;
        notifyAll();
    }

    /** FINAL snapshots published since the request. */
    public synchronized int publishedCount() {
        return published;
    }

    /**
     * Waits until at least {@code count} FINAL snapshots were published or the timeout passed.
     *
     * @return whether {@code count} were published
     */
    public synchronized boolean awaitPublished(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (published < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
