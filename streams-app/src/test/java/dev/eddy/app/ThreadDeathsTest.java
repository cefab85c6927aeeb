package dev.eddy.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

/** A stream thread's death gets a new thread, unless the same failure killed {@value ThreadDeaths#LIMIT} lately. */
class ThreadDeathsTest {

    private final AtomicLong now = new AtomicLong();
    private final ThreadDeaths deaths = new ThreadDeaths(now::get);

    /** The assignor's failure once the input topics outgrew the changelogs, thrown from one place each time. */
    private static StreamsException invalidPartitions(String thread) {
        StreamsException e = new StreamsException(
                "Existing internal topic live-eddy-partial-batch-changelog has invalid partitions: expected: 4;"
                        + " actual: 2");
        return new StreamsException("stream-thread [" + thread + "] failed", e);
    }

    @Test
    void theSameFailureThreeTimesShutsTheClientDown() {
        assertThat(deaths.handle(invalidPartitions("StreamThread-1")))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        now.addAndGet(6_000_000_000L);
        assertThat(deaths.handle(invalidPartitions("StreamThread-2")))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        now.addAndGet(6_000_000_000L);
        assertThat(deaths.handle(invalidPartitions("StreamThread-3")))
                .as("a failure each new thread meets again is no passing one")
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void otherFailuresAndOldOnesGetANewThread() {
        assertThat(deaths.handle(invalidPartitions("a"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(deaths.handle(new IllegalStateException("other")))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        now.addAndGet(ThreadDeaths.WINDOW.toNanos() + 1);
        assertThat(deaths.handle(invalidPartitions("b"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(deaths.handle(invalidPartitions("c")))
                .as("the first death is out of the window")
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }
}
