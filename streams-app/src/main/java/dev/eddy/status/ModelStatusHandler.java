package dev.eddy.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.eddy.config.EddyConfig;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.history.HistoryJson;
import dev.eddy.history.ModelHistory;
import dev.eddy.history.TrainingHistory;
import dev.eddy.metrics.MetricsServer;
import dev.eddy.serving.ModelCache;
import dev.eddy.serving.ServingModel;
import dev.eddy.state.ModelStatus;
import dev.eddy.topology.SearchTraining;
import dev.eddy.topology.TrainingTopology;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status API, mounted with {@code MetricsServer#route("/models", handler)}:
 *
 * <ul>
 *   <li>{@code GET /models} → 200, a JSON array of {@link ModelStatusJson} objects sorted by model id (a search's
 *       trials {@code <id>~tNN} are not listed: {@code <id>} carries its champion's status);
 *   <li>{@code GET /models/{id}} → 200 and that object, or 404 {@code {"error": "unknown model 'x'", "models": [...]}};
 *   <li>while the status store cannot be queried (rebalance, restoration) → 503 {@code {"error": ...}} with
 *       {@code Retry-After: 1};
 *   <li>{@code ?local=true} on either: this instance's stores only;
 *   <li>{@code GET /models/{id}/history[?after=SEQ]} → 200 and the model's recent training history
 *       ({@link HistoryJson}; only the records numbered above {@code SEQ} when given), an empty history for a known
 *       model without metrics records yet, or 404 {@code {"error": "no model 'x'; known: a, b", "models": [...]}};
 *   <li>{@code GET /models/{id}/trials} → 200 and the leaderboard of model {@code id}'s search (see {@link #trials}),
 *       or 404.
 * </ul>
 *
 * The statuses come from the trainer's status store through interactive queries, stale stores allowed (a standby
 * or restoring replica answers during a rebalance rather than nobody). A model trained by another instance of the
 * application is asked of that instance ({@link Peers}: Kafka Streams' metadata, each instance advertising its status
 * API as {@code application.server}), so every instance answers for every model; each trained model's object names
 * the {@code instance} that trains it. A peer that does not answer within {@value #PEER_TIMEOUT_MS} ms leaves this
 * instance's view (models it serves but does not train: their served version only). The history needs no peer: each
 * instance's {@link TrainingHistory} follows the whole training-metrics topic.
 *
 * <p>The status of a model removed from the configuration stays in the store, but nothing trains it any more: it is
 * read as no status, so such a model is listed as {@code serving} while this instance serves it, and not at all
 * otherwise.
 */
public final class ModelStatusHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ModelStatusHandler.class);

    /**
     * The leaderboard of a search this instance trains ({@link SearchTraining#leaderboardOf}), empty for a model that
     * is not a search or not trained here; throws {@link InvalidStateStoreException} while the store is not
     * queryable.
     */
    @FunctionalInterface
    public interface Trials {
        Optional<List<SearchTraining.Standing>> of(String modelId);

        /** No searches. */
        Trials NONE = id -> Optional.empty();

        /**
         * The leaderboards of {@code config}'s searches kept in {@code store}, the trainer-state store (each search's
         * record {@code <id>/search}): what {@code /models/{id}/trials} answers and the per-trial gauges show.
         */
        static Trials inStore(Supplier<? extends ReadOnlyKeyValueStore<String, byte[]>> store, EddyConfig config) {
            return id -> {
                SearchConfig search = config.searches().get(id);
                if (search == null) {
                    return Optional.empty();
                }
                return Optional.ofNullable(store.get().get(id + "/search"))
                        .map(bytes -> SearchTraining.leaderboardOf(
                                id, search, !config.models().get(id).classification(), bytes));
            };
        }

        /** {@link #inStore} of {@code streams}' trainer-state store ({@link #localStore}). */
        static Trials of(KafkaStreams streams, HostInfo self, EddyConfig config) {
            return inStore(() -> localStore(streams, self, TrainingTopology.TRAINER_STATE_STORE), config);
        }
    }

    /** Where the status store comes from; throws {@link InvalidStateStoreException} while it is not queryable. */
    @FunctionalInterface
    public interface StatusStore {
        ReadOnlyKeyValueStore<String, ModelStatus> get();
    }

    static final long PEER_TIMEOUT_MS = 2000;
    private static final String LOCAL = "local=true";
    private static final String HISTORY = "/history";
    private static final String TRIALS = "/trials";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json; charset=utf-8";

    private final StatusStore statuses;
    /** Whether a model id is configured: only those are trained, whatever the store still holds. */
    private final Predicate<String> configured;

    private final ModelCache served;
    private final String self;
    private final Peers peers;
    private final TrainingHistory history;
    private final Trials trials;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofMillis(PEER_TIMEOUT_MS))
            .build();

    /**
     * @param served the scorer's model cache, or an empty one when this instance does not serve
     * @param self this status API's address, {@code host:port}
     * @param peers the other instances
     */
    public ModelStatusHandler(StatusStore statuses, ModelCache served, String self, Peers peers) {
        this(statuses, served, self, peers, new TrainingHistory());
    }

    /**
     * @param history the training history that {@code /models/{id}/history} answers from
     */
    public ModelStatusHandler(
            StatusStore statuses, ModelCache served, String self, Peers peers, TrainingHistory history) {
        this(statuses, served, self, peers, history, Trials.NONE);
    }

    /**
     * @param trials the leaderboards that {@code /models/{id}/trials} answers from
     */
    public ModelStatusHandler(
            StatusStore statuses, ModelCache served, String self, Peers peers, TrainingHistory history, Trials trials) {
        this(statuses, id -> true, served, self, peers, history, trials);
    }

    /**
     * @param configured the configured model ids; the status of any other id is that of a model nothing trains
     */
    public ModelStatusHandler(
            StatusStore statuses,
            Predicate<String> configured,
            ModelCache served,
            String self,
            Peers peers,
            TrainingHistory history,
            Trials trials) {
        this.trials = trials;
        this.statuses = statuses;
        this.configured = configured;
        this.served = served;
        this.self = self;
        this.peers = peers;
        this.history = history;
    }

    /**
     * The handler reading {@code streams}' status store ({@link TrainingTopology#STATUS_STORE}) and asking the other
     * instances through {@code streams}' metadata; {@code models} the configured model ids; {@code self} is this
     * instance's {@code application.server}; {@code trials} the leaderboards ({@link Trials#of}).
     */
    public static ModelStatusHandler of(
            KafkaStreams streams,
            Set<String> models,
            ModelCache served,
            HostInfo self,
            TrainingHistory history,
            Trials trials) {
        return new ModelStatusHandler(
                () -> localStore(streams, self, TrainingTopology.STATUS_STORE),
                models::contains,
                served,
                self.host() + ":" + self.port(),
                new StreamsPeers(streams, self),
                history,
                trials);
    }

    /**
     * {@code streams}' store {@code name} on this instance, stale stores allowed (a standby or restoring replica
     * answers during a rebalance rather than nobody). When the application is running and this instance holds no
     * partition of the store, active or standby (more instances than partitions, or a task-less instance after a
     * rebalance), the store is empty here: nothing to read locally, and the peers answer for their models. Only
     * otherwise does a query of a store that cannot be queried throw ({@link InvalidStateStoreException}: a 503 with
     * {@code Retry-After}).
     */
    static <V> ReadOnlyKeyValueStore<String, V> localStore(KafkaStreams streams, HostInfo self, String name) {
        if (streams.state() == KafkaStreams.State.RUNNING && holdsNoPartition(streams, self, name)) {
            return new NoLocalPartition<>();
        }
        // a view: a query through it throws InvalidStateStoreException while no local partition is queryable
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore())
                .enableStaleStores());
    }

    /** Whether the assignment gives the instance at {@code self} no partition of store {@code name}, active or standby. */
    private static boolean holdsNoPartition(KafkaStreams streams, HostInfo self, String name) {
        try {
            return streams.metadataForAllStreamsClients().stream()
                    .filter(m -> m.hostInfo().equals(self))
                    .noneMatch(m -> m.stateStoreNames().contains(name)
                            || m.standbyStateStoreNames().contains(name));
        } catch (StreamsException | IllegalStateException e) {
            return false; // no longer running: the query will say so
        }
    }

    /** The view of a store of which this instance holds no partition: no key. */
    private static final class NoLocalPartition<V> implements ReadOnlyKeyValueStore<String, V> {

        @Override
        public V get(String key) {
            return null;
        }

        @Override
        public KeyValueIterator<String, V> range(String from, String to) {
            return new Empty<>();
        }

        @Override
        public KeyValueIterator<String, V> all() {
            return new Empty<>();
        }

        @Override
        public long approximateNumEntries() {
            return 0;
        }

        private static final class Empty<V> implements KeyValueIterator<String, V> {

            @Override
            public boolean hasNext() {
                return false;
            }

            @Override
            public KeyValue<String, V> next() {
                throw new NoSuchElementException("no partition of the store on this instance");
            }

            @Override
            public String peekNextKey() {
                throw new NoSuchElementException("no partition of the store on this instance");
            }

            @Override
            public void close() {}
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String rest = path.length() > "/models".length() ? path.substring("/models/".length()) : "";
        boolean localOnly = LOCAL.equals(exchange.getRequestURI().getRawQuery());
        if (rest.endsWith(TRIALS) && rest.indexOf('/') == rest.length() - TRIALS.length()) {
            try {
                trials(exchange, rest.substring(0, rest.indexOf('/')), localOnly);
            } catch (InvalidStateStoreException e) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                respond(exchange, 503, error("the search state is not queryable right now: " + e.getMessage()));
            } catch (IllegalArgumentException e) {
                respond(exchange, 409, error(e.getMessage())); // a stored search its keys no longer match
            }
            return;
        }
        if (rest.endsWith(HISTORY) && rest.indexOf('/') == rest.length() - HISTORY.length()) {
            history(exchange, URLDecoder.decode(rest.substring(0, rest.indexOf('/')), StandardCharsets.UTF_8));
            return;
        }
        ReadOnlyKeyValueStore<String, ModelStatus> store;
        try {
            store = statuses.get();
            if (rest.isEmpty()) {
                list(exchange, read(store), localOnly);
            } else {
                one(exchange, store, rest, localOnly);
            }
        } catch (InvalidStateStoreException e) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            respond(
                    exchange,
                    503,
                    error("model status is not queryable right now (rebalancing or restoring): " + e.getMessage()));
        }
    }

    /** {@code GET /models}: every model this instance trains or serves, and those its peers train. */
    private void list(HttpExchange exchange, Map<String, ModelStatus> all, boolean localOnly) throws IOException {
        Map<String, Long> versions = served.versions();
        TreeSet<String> ids = new TreeSet<>(all.keySet());
        ids.addAll(versions.keySet());
        Map<String, JsonNode> list = new TreeMap<>();
        for (String id : ids) {
            list.put(id, ModelStatusJson.of(id, all.get(id), versions.get(id), self));
        }
        if (!localOnly) {
            for (String peer : peers.others()) {
                ask(peer, "/models?" + LOCAL)
                        .ifPresent(theirs -> theirs.forEach(n -> {
                            String id = n.path("model").asText();
                            JsonNode mine = list.get(id);
                            if (n.has("instance") && (mine == null || !mine.has("instance"))) {
                                list.put(id, n);
                            }
                        }));
            }
        }
        ArrayNode out = JSON.createArrayNode();
        list.values().forEach(out::add);
        respond(exchange, 200, out);
    }

    /**
     * {@code GET /models/{id}}: one key of the status store (the console asks once a second per open model page: no
     * scan of every model), else the peer that trains it; the whole store only to name the known models in a 404.
     */
    private void one(
            HttpExchange exchange, ReadOnlyKeyValueStore<String, ModelStatus> store, String rest, boolean localOnly)
            throws IOException {
        String id = URLDecoder.decode(rest, StandardCharsets.UTF_8);
        ModelStatus mine = configured.test(id) ? store.get(id) : null;
        if (mine == null && !localOnly) {
            Optional<JsonNode> theirs = peers.owner(id).flatMap(peer -> ask(peer, "/models/" + rest + "?" + LOCAL));
            if (theirs.isPresent()) {
                respond(exchange, 200, theirs.get());
                return;
            }
        }
        ServingModel servedModel = served.get(id);
        Long version = servedModel == null ? null : servedModel.version();
        if (mine == null && version == null) {
            TreeSet<String> ids = new TreeSet<>(read(store).keySet());
            ids.addAll(served.versions().keySet());
            ObjectNode body = error("unknown model '" + id + "'");
            ids.forEach(body.putArray("models")::add);
            respond(exchange, 404, body);
            return;
        }
        respond(exchange, 200, ModelStatusJson.of(id, mine, version, self));
    }

    /**
     * {@code GET /models/{id}/trials}: the search's leaderboard, best first: per trial its id, hyper-parameters,
     * state (running, paused: pruned, completed), rung, search metric, prequential metric, examples trained and
     * scored, and whether it is the champion; asked of the instance that trains {@code id}; 404 for a model that is not a search.
     */
    private void trials(HttpExchange exchange, String rest, boolean localOnly) throws IOException {
        String id = URLDecoder.decode(rest, StandardCharsets.UTF_8);
        Optional<List<SearchTraining.Standing>> board = trials.of(id);
        if (board.isEmpty() && !localOnly) {
            Optional<JsonNode> theirs =
                    peers.owner(id).flatMap(peer -> ask(peer, "/models/" + rest + TRIALS + "?" + LOCAL));
            if (theirs.isPresent()) {
                respond(exchange, 200, theirs.get());
                return;
            }
        }
        if (board.isEmpty()) {
            respond(exchange, 404, error("no search of model '" + id + "' here (no search.* keys, or no example yet)"));
            return;
        }
        ArrayNode out = JSON.createArrayNode();
        for (SearchTraining.Standing s : board.get()) {
            ObjectNode trial = out.addObject()
                    .put("trial", SearchTraining.trialId(id, s.trial()))
                    .put("state", s.status())
                    .put("rung", s.rung())
                    .put("examples", s.trained())
                    .put("scored", s.scored())
                    .put("champion", s.champion());
            s.config().forEach(trial.putObject("hyperParameters")::put);
            number(trial, "metric", s.metric());
            number(trial, "prequential", s.prequential());
        }
        respond(exchange, 200, out);
    }

    /** A finite number, else null (JSON has no NaN). */
    private static void number(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

    /** {@code GET /models/{id}/history[?after=SEQ]}. */
    private void history(HttpExchange exchange, String id) throws IOException {
        long after;
        try {
            after = after(exchange.getRequestURI().getRawQuery());
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, error(e.getMessage()));
            return;
        }
        Optional<ModelHistory> h = history.model(id);
        if (h.isPresent()) {
            respond(exchange, 200, HistoryJson.of(id, history.run(), h.get().after(after)));
            return;
        }
        TreeSet<String> known = new TreeSet<>(history.models());
        try {
            known.addAll(read(statuses.get()).keySet());
        } catch (InvalidStateStoreException e) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            respond(
                    exchange,
                    503,
                    error("no history of model '" + id + "' yet, and the model status is not queryable"
                            + " right now (rebalancing or restoring): " + e.getMessage()));
            return;
        }
        known.addAll(served.versions().keySet());
        if (known.contains(id) || peers.owner(id).isPresent()) {
            respond(exchange, 200, HistoryJson.empty(id, history.run()));
            return;
        }
        ObjectNode body =
                error("no model '" + id + "'; known: " + (known.isEmpty() ? "none" : String.join(", ", known)));
        known.forEach(body.putArray("models")::add);
        respond(exchange, 404, body);
    }

    /** The {@code after} parameter of a history query: 0 when absent. */
    static long after(String rawQuery) {
        if (rawQuery == null) {
            return 0;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.startsWith("after=")) {
                String v = URLDecoder.decode(pair.substring("after=".length()), StandardCharsets.UTF_8);
                try {
                    long seq = Long.parseLong(v);
                    if (seq >= 0) {
                        return seq;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new IllegalArgumentException(
                        "after must be the seq of a history answer (a whole number >= 0), got '" + v + "'");
            }
        }
        return 0;
    }

    /** {@code GET http://peer/pathAndQuery}: the JSON body of a 200 answer, else empty (and a debug line). */
    private Optional<JsonNode> ask(String peer, String pathAndQuery) {
        try {
            HttpResponse<byte[]> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://" + peer + pathAndQuery))
                            .timeout(Duration.ofMillis(PEER_TIMEOUT_MS))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() == 200) {
                return Optional.of(JSON.readTree(r.body()));
            }
            LOG.debug("status of {}{}: HTTP {}", peer, pathAndQuery, r.statusCode());
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("status of {}{}: {}", peer, pathAndQuery, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    /** The statuses of the configured models. */
    private Map<String, ModelStatus> read(ReadOnlyKeyValueStore<String, ModelStatus> store) {
        Map<String, ModelStatus> out = new TreeMap<>();
        try (KeyValueIterator<String, ModelStatus> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, ModelStatus> kv = it.next();
                // A search's trials (<id>~tNN) are not models: <id> stands for them with its champion's status.
                if (kv.key.indexOf('~') < 0 && configured.test(kv.key)) {
                    out.put(kv.key, kv.value);
                }
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
