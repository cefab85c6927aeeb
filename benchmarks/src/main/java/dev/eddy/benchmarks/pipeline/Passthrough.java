package dev.eddy.benchmarks.pipeline;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The baseline every Eddy figure is set beside: a plain Kafka Streams topology that copies each record's bytes from a
 * source topic to a sink topic (no deserialization, no state), under the same processing guarantee and commit interval
 * as the application it is compared with. Whatever Eddy costs on top of this is Eddy's.
 */
final class Passthrough {

    private Passthrough() {}

    /**
     * An unstarted passthrough {@code source → sink}.
     *
     * @param applicationId also the consumer group whose committed offsets tell when it is done
     */
    static KafkaStreams create(
            String bootstrapServers,
            String applicationId,
            String source,
            String sink,
            String processingGuarantee,
            long commitIntervalMs,
            Path stateDir) {
        return create(
                bootstrapServers, applicationId, source, sink, processingGuarantee, commitIntervalMs, stateDir, 1);
    }

    /** The passthrough with {@code threads} stream threads. */
    static KafkaStreams create(
            String bootstrapServers,
            String applicationId,
            String source,
            String sink,
            String processingGuarantee,
            long commitIntervalMs,
            Path stateDir,
            int threads) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(source, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to(sink, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(commitIntervalMs));
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        return new KafkaStreams(builder.build(), p);
    }
}
