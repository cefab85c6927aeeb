package dev.eddy.status;

import dev.eddy.topology.TrainingTopology;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * {@link Peers} from Kafka Streams' metadata: every instance advertises its status API as {@code application.server},
 * and the metadata says which instance's tasks hold a key of the status store.
 */
final class StreamsPeers implements Peers {

    private final KafkaStreams streams;
    private final HostInfo self;

    StreamsPeers(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    @Override
    public Optional<String> owner(String modelId) {
        try {
            KeyQueryMetadata m = streams.queryMetadataForKey(
                    TrainingTopology.STATUS_STORE, modelId, Serdes.String().serializer());
            HostInfo owner = m == null ? null : m.activeHost();
            if (owner == null || owner.port() < 0 || owner.equals(self)) {
                return Optional.empty();
            }
            return Optional.of(address(owner));
        } catch (StreamsException | IllegalStateException e) {
            return Optional.empty(); // not running yet, or rebalancing: answer from this instance
        }
    }

    @Override
    public List<String> others() {
        try {
            return streams.metadataForAllStreamsClients().stream()
                    .filter(m -> m.stateStoreNames().contains(TrainingTopology.STATUS_STORE))
                    .map(StreamsMetadata::hostInfo)
                    .filter(h -> !h.equals(self))
                    .map(StreamsPeers::address)
                    .distinct()
                    .sorted()
                    .toList();
        } catch (StreamsException | IllegalStateException e) {
            return List.of();
        }
    }

    private static String address(HostInfo h) {
        return h.host() + ":" + h.port();
    }
}
