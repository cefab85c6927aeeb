package dev.eddy.io;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The outcome of a producer's sends, counted as their acknowledgements arrive (on the producer's I/O thread): a
 * command that writes records checks it after {@code flush()} instead of assuming every send was written.
 */
public final class SendResults implements Callback {

    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
        if (exception == null) {
            acknowledged.incrementAndGet();
        } else {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, exception);
        }
    }

    /** Records the brokers acknowledged as written. */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Records whose send failed. */
    public long failed() {
        return failed.get();
    }

    /** The first send failure, or null. */
    public Exception firstFailure() {
        return firstFailure.get();
    }
}
