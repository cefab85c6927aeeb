package dev.eddy.benchmarks.pipeline;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Times one Kafka Streams application through its pre-produced input, the same way for Eddy and for the passthrough:
 * from its first processed record (the stream threads' {@code process-total} leaves 0) to the moment its consumer
 * group has committed the end of every partition of its input topics (lag 0: under exactly-once, the outputs of those
 * records are committed too). The moment the application's own counter reached the record count is noted on the way.
 */
final class RunClock {

    /** How often the committed offsets are compared with the end offsets. */
    private static final long POLL_MILLIS = 10;

    private RunClock() {}

    /**
     * One timed run.
     *
     * @param records the records of the input
     * @param processedSeconds first record to the application's counter reaching {@code records}
     * @param committedSeconds first record to lag 0 on the group
     */
    record Run(long records, double processedSeconds, double committedSeconds) {

        /** records / committedSeconds: the throughput the brief defines. */
        double committedRate() {
            return records / committedSeconds;
        }

        double processedRate() {
            return records / processedSeconds;
        }
    }

    /**
     * Waits for the run of {@code streams} (started) over {@code records} records and times it.
     *
     * @param group the application id
     * @param inputs every topic the group consumes from that must reach lag 0 (with repartition topics)
     * @param processed the application's count of input records handled so far
     */
    static Run await(
            Admin admin,
            KafkaStreams streams,
            String group,
            Collection<String> inputs,
            long records,
            LongSupplier processed,
            Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long first = awaitFirstRecord(streams, deadline);
        long processedAt = 0;
        while (true) {
            long now = System.nanoTime();
            if (processedAt == 0 && processed.getAsLong() >= records) {
                processedAt = now;
            }
            if (caughtUp(admin, group, inputs)) {
                long committedAt = System.nanoTime();
                return new Run(
                        records,
                        ((processedAt == 0 ? committedAt : processedAt) - first) / 1e9,
                        (committedAt - first) / 1e9);
            }
            if (now > deadline) {
                throw new TimeoutException(group + " did not reach lag 0 on " + inputs + " within " + timeout);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Records the stream threads of {@code streams} have processed (Σ process-total). */
    static long processTotal(KafkaStreams streams) {
        return (long) sum(processTotals(streams));
    }

    private static long awaitFirstRecord(KafkaStreams streams, long deadline) throws TimeoutException {
        List<? extends Metric> counters = List.of();
        while (counters.isEmpty() || sum(counters) == 0) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("no record processed: state " + streams.state());
            }
            if (counters.isEmpty()) {
                counters = processTotals(streams);
            }
            // 0.2 ms: fine enough against runs of seconds, light enough not to steal the stream thread's core
            LockSupport.parkNanos(200_000);
        }
        return System.nanoTime();
    }

    private static List<? extends Metric> processTotals(KafkaStreams streams) {
        return streams.metrics().values().stream()
                .filter(m -> m.metricName().name().equals("process-total")
                        && m.metricName().group().equals("stream-thread-metrics"))
                .toList();
    }

    private static double sum(List<? extends Metric> counters) {
        double total = 0;
        for (Metric m : counters) {
            total += ((Number) m.metricValue()).doubleValue();
        }
        return total;
    }

    /** Lag 0: every input partition has a committed offset, and none is behind its end offset. */
    static boolean caughtUp(Admin admin, String group, Collection<String> inputs)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        for (TopicPartition tp : committed.keySet()) {
            if (inputs.contains(tp.topic())) {
                ends.put(tp, OffsetSpec.latest());
            }
        }
        if (ends.keySet().stream().map(TopicPartition::topic).distinct().count() < inputs.size()) {
            return false;
        }
        Map<TopicPartition, ListOffsetsResultInfo> end =
                admin.listOffsets(ends).all().get(10, TimeUnit.SECONDS);
        for (Map.Entry<TopicPartition, ListOffsetsResultInfo> e : end.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            if (c == null || c.offset() < e.getValue().offset()) {
                return false;
            }
        }
        return true;
    }

    /** Bytes on the broker's disks of the topics {@code topics} accepts (all partitions, all log directories). */
    static long topicBytes(Admin admin, Predicate<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<Integer> brokers = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).stream()
                .map(Node::id)
                .toList();
        Map<Integer, Map<String, LogDirDescription>> dirs =
                admin.describeLogDirs(brokers).allDescriptions().get(10, TimeUnit.SECONDS);
        long bytes = 0;
        for (Map<String, LogDirDescription> byDir : dirs.values()) {
            for (LogDirDescription dir : byDir.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> r :
                        dir.replicaInfos().entrySet()) {
                    if (topics.test(r.getKey().topic())) {
                        bytes += r.getValue().size();
                    }
                }
            }
        }
        return bytes;
    }

    /** Waits until the group is at lag 0 again (after a steady-rate phase); false on timeout. */
    static boolean awaitCaughtUp(Admin admin, String group, Collection<String> inputs, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUp(admin, group, inputs)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }
}
