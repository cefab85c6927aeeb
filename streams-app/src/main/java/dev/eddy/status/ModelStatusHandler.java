package dev.eddy.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.eddy.metrics.MetricsServer;
import dev.eddy.serving.ModelCache;
import dev.eddy.state.ModelStatus;
import dev.eddy.topology.TrainingTopology;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The status API, mounted with {@code MetricsServer#route("/models", handler)}:
 *
 * <ul>
 *   <li>{@code GET /models} → 200, a JSON array of {@link ModelStatusJson} objects sorted by model id;
 *   <li>{@code GET /models/{id}} → 200 and that object, or 404 {@code {"error": "unknown model 'x'", "models": [...]}};
 *   <li>while the status store cannot be queried (rebalance, restoration) → 503 {@code {"error": ...}} with
 *       {@code Retry-After: 1}.
 * </ul>
 *
 * The statuses come from the trainer's status store through interactive queries, stale stores allowed (a standby
 * or restoring replica answers during a rebalance rather than nobody); models this instance serves but does not
 * train are listed with their served version only. Only this instance's stores are read.
 */
public final class ModelStatusHandler implements HttpHandler {

    /** Where the status store comes from; throws {@link InvalidStateStoreException} while it is not queryable. */
    @FunctionalInterface
    public interface StatusStore {
        ReadOnlyKeyValueStore<String, ModelStatus> get();
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json; charset=utf-8";

    private final StatusStore statuses;
    private final ModelCache served;

    /**
     * @param served the scorer's model cache, or an empty one when this instance does not serve
     */
    public ModelStatusHandler(StatusStore statuses, ModelCache served) {
        this.statuses = statuses;
        this.served = served;
    }

    /** The handler reading {@code streams}' status store ({@link TrainingTopology#STATUS_STORE}). */
    public static ModelStatusHandler of(KafkaStreams streams, ModelCache served) {
        return new ModelStatusHandler(
                () -> streams.store(StoreQueryParameters.fromNameAndType(
                                TrainingTopology.STATUS_STORE, QueryableStoreTypes.<String, ModelStatus>keyValueStore())
                        .enableStaleStores()),
                served);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String rest = path.length() > "/models".length() ? path.substring("/models/".length()) : "";
        Map<String, ModelStatus> all;
        try {
            all = read(statuses.get());
        } catch (InvalidStateStoreException e) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            respond(
                    exchange,
                    503,
                    error("model status is not queryable right now (rebalancing or restoring): " + e.getMessage()));
            return;
        }
        Map<String, Long> versions = served.versions();
        TreeSet<String> ids = new TreeSet<>(all.keySet());
        ids.addAll(versions.keySet());
        if (rest.isEmpty()) {
            ArrayNode list = JSON.createArrayNode();
            for (String id : ids) {
                list.add(ModelStatusJson.of(id, all.get(id), versions.get(id)));
            }
            respond(exchange, 200, list);
            return;
        }
        String id = URLDecoder.decode(rest, StandardCharsets.UTF_8);
        if (!ids.contains(id)) {
            ObjectNode body = error("unknown model '" + id + "'");
            ids.forEach(body.putArray("models")::add);
            respond(exchange, 404, body);
            return;
        }
        respond(exchange, 200, ModelStatusJson.of(id, all.get(id), versions.get(id)));
    }

    private static Map<String, ModelStatus> read(ReadOnlyKeyValueStore<String, ModelStatus> store) {
        Map<String, ModelStatus> out = new TreeMap<>();
        try (KeyValueIterator<String, ModelStatus> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, ModelStatus> kv = it.next();
                out.put(kv.key, kv.value);
            }
        }
        return out;
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        MetricsServer.respond(exchange, status, JSON_TYPE, JSON.writeValueAsBytes(body));
    }
}
