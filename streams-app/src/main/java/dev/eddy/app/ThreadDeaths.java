package dev.eddy.app;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stream thread's death by an unexpected exception calls for: a new thread, unless the same failure (the root
 * cause's class, message and first stack frame) has killed {@value #LIMIT} threads within {@link #WINDOW}; then the
 * client shuts down (Kafka Streams ends in ERROR, and {@code eddy run} exits non-zero after the logged cause).
 *
 * <p>Why a repeat and not a list of exceptions: a failure that a new thread meets again is a condition of the cluster
 * or of the code, not a passing one, and replacing threads would loop forever saying nothing on the console (an
 * internal topic whose partition count no longer fits re-partitioned input topics makes the assignor throw at every
 * rebalance, some 6 s apart); which exceptions Kafka Streams throws for it, and their wording, is no API, while a
 * repeat is. A one-off failure still gets its new thread; {@value #LIMIT} within {@link #WINDOW} leaves room for the
 * session timeout (45 s by default) between rebalances.
 */
final class ThreadDeaths implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadDeaths.class);

    /** Deaths by the same failure within {@link #WINDOW} that shut the client down. */
    static final int LIMIT = 3;
    /** How far back deaths count. */
    static final Duration WINDOW = Duration.ofMinutes(5);

    private final LongSupplier nanoTime;
    /** The times of the deaths within the window, per failure. */
    private final Map<String, Deque<Long>> recent = new HashMap<>();

    ThreadDeaths() {
        this(System::nanoTime);
    }

    ThreadDeaths(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable e) {
        long now = nanoTime.getAsLong();
        recent.values().forEach(times -> times.removeIf(t -> now - t > WINDOW.toNanos()));
        recent.values().removeIf(Deque::isEmpty);
        Throwable root = root(e);
        Deque<Long> times = recent.computeIfAbsent(failure(root), k -> new ArrayDeque<>());
        times.add(now);
        if (times.size() >= LIMIT) {
            LOG.error(
                    "{} stream threads died of the same failure within {} s; shutting Kafka Streams down: {}",
                    times.size(),
                    WINDOW.toSeconds(),
                    root.toString(),
                    e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        LOG.error("a stream thread died of an unexpected exception; replacing it", e);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    private static Throwable root(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The failure's identity: its class, message and where it was thrown (an outer message may name the thread). */
    private static String failure(Throwable root) {
        StackTraceElement[] trace = root.getStackTrace();
        return root + (trace.length == 0 ? "" : " at " + trace[0]);
    }
}
