package dev.eddy.status;

import java.util.List;
import java.util.Optional;

/** The other instances of the application, by the address of their status API ({@code host:port}). */
public interface Peers {

    /** A single instance: no one else to ask. */
    Peers NONE = new Peers() {
        @Override
        public Optional<String> owner(String modelId) {
            return Optional.empty();
        }

        @Override
        public List<String> others() {
            return List.of();
        }
    };

    /** The instance whose tasks hold {@code modelId}'s status, when that is another instance. */
    Optional<String> owner(String modelId);

    /** The other instances that hold model statuses. */
    List<String> others();
}
