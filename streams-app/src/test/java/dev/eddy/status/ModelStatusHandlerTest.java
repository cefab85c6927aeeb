package dev.eddy.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.config.EddyConfig;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.history.TrainingHistory;
import dev.eddy.metrics.MetricsServer;
import dev.eddy.schema.Example;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.serving.ModelCache;
import dev.eddy.serving.ScoringTopology;
import dev.eddy.serving.ServingConfig;
import dev.eddy.serving.ServingListener;
import dev.eddy.serving.ServingModel;
import dev.eddy.state.ModelStatus;
import dev.eddy.topology.TrainingListener;
import dev.eddy.topology.TrainingTopology;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStatusHandlerTest {

    @TempDir
    Path stateDir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private MetricsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Map<String, String> settings() {
        Map<String, String> p = new HashMap<>();
        p.put("snapshot-every", "1");
        p.put("holdout.fraction", "0");
        for (String id : List.of("alpha", "beta")) {
            p.put("model." + id + ".input-size", "2");
            p.put("model." + id + ".layers", "1:sigmoid");
            p.put("model." + id + ".loss", "binary_crossentropy");
            p.put("model." + id + ".optimizer", "sgd");
            p.put("model." + id + ".batch-size", "2");
            p.put("model." + id + ".eval-every", "1000");
            p.put("model." + id + ".standardize", "false");
            p.put("model." + id + ".early-stopping.enabled", "false");
        }
        return p;
    }

    @Test
    void listsTheTrainedModelsAndAnswersOneModelOr404() throws Exception {
        EddyConfig config = EddyConfig.of(settings());
        ModelCache cache = new ModelCache();
        Topology topology = ScoringTopology.addTo(
                TrainingTopology.build(config, TrainingListener.NONE),
                ServingConfig.of(config),
                cache,
                ServingListener.NONE);
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            TestInputTopic<byte[], byte[]> examples = driver.createInputTopic(
                    config.topics().examples(), new ByteArraySerializer(), new ByteArraySerializer());
            for (int i = 0; i < 5; i++) { // alpha: 2 steps (4 examples) and one in the partial batch
                examples.pipeInput(example("e" + i, "alpha", i % 2));
            }
            serve(new ModelStatusHandler(
                    () -> driver.getKeyValueStore(TrainingTopology.STATUS_STORE), cache, "127.0.0.1:1", Peers.NONE));

            HttpResponse<String> list = get("/models");
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
            JsonNode models = json.readTree(list.body());
            assertThat(models.size()).isEqualTo(1);
            JsonNode alpha = models.get(0);
            assertThat(alpha.get("model").asText()).isEqualTo("alpha");
            assertThat(alpha.get("state").asText()).isEqualTo("training");
            assertThat(alpha.get("steps").asLong()).isEqualTo(2);
            assertThat(alpha.get("examplesTrained").asLong()).isEqualTo(4);
            assertThat(alpha.get("latestVersion").asLong()).isEqualTo(1); // versions 0 and 1, one per step
            // The scorer serves the newest accepted snapshot (every snapshot is accepted without a gate).
            assertThat(alpha.get("acceptedVersion").asLong()).isEqualTo(1);
            assertThat(alpha.get("holdout").get("loss").isNull()).isTrue(); // no evaluation yet
            assertThat(alpha.get("earlyStopping").get("wait").asInt()).isZero();

            HttpResponse<String> one = get("/models/alpha");
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(json.readTree(one.body())).isEqualTo(alpha);

            HttpResponse<String> unknown = get("/models/nope");
            assertThat(unknown.statusCode()).isEqualTo(404);
            JsonNode error = json.readTree(unknown.body());
            assertThat(error.get("error").asText()).isEqualTo("unknown model 'nope'");
            assertThat(error.get("models").toString()).isEqualTo("[\"alpha\"]");
        }
    }

    /** A search's trials are not models: {@code /models} lists {@code beta} with its champion's status, once. */
    @Test
    void aSearchIsListedUnderItsIdAndItsTrialsAreNot() throws Exception {
        Map<String, String> settings = settings();
        settings.put("model.beta.search.strategy", "random");
        settings.put("model.beta.search.trials", "3");
        settings.put("model.beta.search.space.learning-rate", "0.01|0.1|0.5");
        EddyConfig config = EddyConfig.of(settings);
        ModelCache cache = new ModelCache();
        Topology topology = ScoringTopology.addTo(
                TrainingTopology.build(config, TrainingListener.NONE),
                ServingConfig.of(config),
                cache,
                ServingListener.NONE);
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            TestInputTopic<byte[], byte[]> examples = driver.createInputTopic(
                    config.topics().examples(), new ByteArraySerializer(), new ByteArraySerializer());
            for (int i = 0; i < 5; i++) {
                examples.pipeInput(example("e" + i, "beta", i % 2));
            }
            KeyValueStore<String, byte[]> state = driver.getKeyValueStore(TrainingTopology.TRAINER_STATE_STORE);
            ModelStatusHandler.Trials trials = ModelStatusHandler.Trials.inStore(() -> state, config);
            serve(new ModelStatusHandler(
                    () -> driver.getKeyValueStore(TrainingTopology.STATUS_STORE),
                    cache,
                    "127.0.0.1:1",
                    Peers.NONE,
                    new TrainingHistory(),
                    trials));

            JsonNode board = json.readTree(get("/models/beta/trials").body());
            assertThat(board.size()).isEqualTo(3);
            for (JsonNode trial : board) {
                assertThat(trial.get("trial").asText()).matches("beta~t0[0-2]");
                assertThat(trial.get("state").asText()).isEqualTo("running");
                // examples the trial took for training: two steps of 2 and one in its partial batch
                assertThat(trial.get("examples").asLong()).isEqualTo(5);
                assertThat(trial.get("hyperParameters").get("learning-rate").asText())
                        .isIn("0.01", "0.1", "0.5");
                assertThat(trial.get("rung").asInt()).isEqualTo(-1);
            }
            assertThat(board.findValues("champion"))
                    .as("the trial beta serves, and only it")
                    .hasSize(3)
                    .filteredOn(JsonNode::asBoolean)
                    .hasSize(1);
            assertThat(get("/models/alpha/trials").statusCode())
                    .as("not a search")
                    .isEqualTo(404);
            byte[] kept = state.get("beta/search");
            state.put("beta/search", new byte[] {0, 1, 'x'}); // a record the search's keys no longer match
            HttpResponse<String> stale = get("/models/beta/trials");
            assertThat(stale.statusCode()).isEqualTo(409);
            assertThat(stale.body()).contains("model 'beta': cannot continue the stored search");
            state.put("beta/search", kept);

            JsonNode models = json.readTree(get("/models").body());
            assertThat(models.size()).isEqualTo(1);
            JsonNode beta = models.get(0);
            assertThat(beta.get("model").asText()).isEqualTo("beta");
            assertThat(beta.get("examplesTrained").asLong()).isEqualTo(4);
            // Two steps of the champion, and any switch, each publish under beta's own versions.
            assertThat(beta.get("latestVersion").asLong())
                    .as("beta's own versions")
                    .isGreaterThanOrEqualTo(1);
            assertThat(beta.get("acceptedVersion").asLong())
                    .isEqualTo(beta.get("latestVersion").asLong())
                    .isEqualTo(cache.versions().get("beta"));
        }
    }

    /**
     * A model this instance serves (its snapshots reach the scorer) that no reachable instance trains, e.g. one
     * whose training moved to another application or was removed from the configuration: state {@code serving},
     * with the version served.
     */
    @Test
    void aModelServedButTrainedByNoInstanceIsInStateServing() throws Exception {
        EddyConfig config = EddyConfig.of(settings());
        ModelCache cache = new ModelCache();
        Trainer gamma = Trainer.create(TrainerConfig.fromProperties(Map.of("input-size", "2", "layers", "1:sigmoid")));
        assertThat(cache.offer(new ServingModel("gamma", 7, gamma.inferenceModel())))
                .isTrue();
        Properties props = config.streamsProperties();
        try (TopologyTestDriver driver = driver(config, props, "driver", "alpha")) {
            serve(new ModelStatusHandler(
                    () -> driver.getKeyValueStore(TrainingTopology.STATUS_STORE), cache, "127.0.0.1:1", Peers.NONE));

            JsonNode models = json.readTree(get("/models").body());
            assertThat(models.findValuesAsText("model")).containsExactly("alpha", "gamma");
            assertThat(models.get(0).get("state").asText()).isEqualTo("training");
            JsonNode served = models.get(1);
            assertThat(served.get("state").asText()).isEqualTo("serving");
            assertThat(served.get("acceptedVersion").asLong()).isEqualTo(7);
            assertThat(served.get("latestVersion").isNull()).isTrue();
            assertThat(served.has("instance")).as("no instance trains it").isFalse();
            HttpResponse<String> one = get("/models/gamma");
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(json.readTree(one.body())).isEqualTo(served);
        }
    }

    /**
     * {@code /models/{id}} (asked once a second by each open console page) reads that key of the status store; only a
     * 404, which names the known models, and {@code /models} read them all.
     */
    @Test
    void oneModelIsOneKeyOfTheStatusStore() throws Exception {
        EddyConfig config = EddyConfig.of(settings());
        Properties props = config.streamsProperties();
        try (TopologyTestDriver driver = driver(config, props, "driver", "alpha")) {
            RecordedReads store = new RecordedReads(driver.getKeyValueStore(TrainingTopology.STATUS_STORE));
            serve(new ModelStatusHandler(() -> store, new ModelCache(), "127.0.0.1:1", Peers.NONE));

            assertThat(get("/models/alpha").statusCode()).isEqualTo(200);
            assertThat(store.reads).containsExactly("get alpha");
            store.reads.clear();
            assertThat(get("/models/nope").statusCode()).isEqualTo(404);
            assertThat(store.reads).containsExactly("get nope", "all");
            store.reads.clear();
            assertThat(get("/models").statusCode()).isEqualTo(200);
            assertThat(store.reads).containsExactly("all");
        }
    }

    /** A real store that records which of its reads were called. */
    private static final class RecordedReads implements ReadOnlyKeyValueStore<String, ModelStatus> {
        final List<String> reads = new CopyOnWriteArrayList<>();
        private final ReadOnlyKeyValueStore<String, ModelStatus> store;

        RecordedReads(ReadOnlyKeyValueStore<String, ModelStatus> store) {
            this.store = store;
        }

        @Override
        public ModelStatus get(String key) {
            reads.add("get " + key);
            return store.get(key);
        }

        @Override
        public KeyValueIterator<String, ModelStatus> range(String from, String to) {
            reads.add("range");
            return store.range(from, to);
        }

        @Override
        public KeyValueIterator<String, ModelStatus> all() {
            reads.add("all");
            return store.all();
        }

        @Override
        public long approximateNumEntries() {
            return store.approximateNumEntries();
        }
    }

    @Test
    void aModelRemovedFromTheConfigurationIsServedOnlyNotTrained() throws Exception {
        EddyConfig config = EddyConfig.of(settings());
        ModelCache cache = new ModelCache();
        Topology topology = ScoringTopology.addTo(
                TrainingTopology.build(config, TrainingListener.NONE),
                ServingConfig.of(config),
                cache,
                ServingListener.NONE);
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            TestInputTopic<byte[], byte[]> examples = driver.createInputTopic(
                    config.topics().examples(), new ByteArraySerializer(), new ByteArraySerializer());
            for (String model : List.of("alpha", "beta")) {
                for (int i = 0; i < 4; i++) {
                    examples.pipeInput(example(model + i, model, i % 2));
                }
            }
            // beta has since left the configuration: its status stays in the store, but nothing trains it
            serve(new ModelStatusHandler(
                    () -> driver.getKeyValueStore(TrainingTopology.STATUS_STORE),
                    "alpha"::equals,
                    cache,
                    "127.0.0.1:1",
                    Peers.NONE,
                    new TrainingHistory(),
                    ModelStatusHandler.Trials.NONE));
            JsonNode models = json.readTree(get("/models").body());
            assertThat(models.findValuesAsText("model")).containsExactly("alpha", "beta");
            assertThat(models.get(0).get("state").asText()).isEqualTo("training");
            JsonNode beta = models.get(1);
            assertThat(beta.get("state").asText()).isEqualTo("serving");
            assertThat(beta.has("instance")).as("no instance trains it").isFalse();
            assertThat(beta.get("acceptedVersion").asLong()).isEqualTo(1);
            assertThat(json.readTree(get("/models/beta").body())).isEqualTo(beta);
            server.close();

            serve(new ModelStatusHandler(
                    () -> driver.getKeyValueStore(TrainingTopology.STATUS_STORE),
                    "alpha"::equals,
                    new ModelCache(),
                    "127.0.0.1:1",
                    Peers.NONE,
                    new TrainingHistory(),
                    ModelStatusHandler.Trials.NONE));
            assertThat(json.readTree(get("/models").body()).findValuesAsText("model"))
                    .as("neither trained nor served here")
                    .containsExactly("alpha");
            assertThat(get("/models/beta").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void asksTheInstanceThatTrainsAModel() throws Exception {
        EddyConfig config = EddyConfig.of(settings());
        Properties props = config.streamsProperties();
        try (TopologyTestDriver here = driver(config, props, "here", "alpha");
                TopologyTestDriver there = driver(config, props, "there", "beta");
                MetricsServer peer = MetricsServer.start(
                        new InetSocketAddress("127.0.0.1", 0), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
            String peerAddress = "127.0.0.1:" + peer.address().getPort();
            peer.route(
                    "/models",
                    new ModelStatusHandler(
                            () -> there.getKeyValueStore(TrainingTopology.STATUS_STORE),
                            new ModelCache(),
                            peerAddress,
                            Peers.NONE));
            serve(new ModelStatusHandler(
                    () -> here.getKeyValueStore(TrainingTopology.STATUS_STORE),
                    new ModelCache(),
                    "127.0.0.1:1",
                    new Peers() {
                        @Override
                        public Optional<String> owner(String modelId) {
                            return modelId.equals("beta") ? Optional.of(peerAddress) : Optional.empty();
                        }

                        @Override
                        public List<String> others() {
                            return List.of(peerAddress);
                        }
                    }));

            JsonNode models = json.readTree(get("/models").body());
            assertThat(models.findValuesAsText("model")).containsExactly("alpha", "beta");
            assertThat(models.findValuesAsText("instance")).containsExactly("127.0.0.1:1", peerAddress);
            assertThat(models.get(1).get("steps").asLong()).isEqualTo(2);
            HttpResponse<String> beta = get("/models/beta");
            assertThat(beta.statusCode()).isEqualTo(200);
            assertThat(json.readTree(beta.body())).isEqualTo(models.get(1));
            assertThat(json.readTree(get("/models?local=true").body()).findValuesAsText("model"))
                    .containsExactly("alpha");
            assertThat(get("/models/beta?local=true").statusCode()).isEqualTo(404);
            assertThat(get("/models/nope").statusCode()).isEqualTo(404);
        }
    }

    /** A driver of the training topology in which {@code model} trained 2 steps. */
    private TopologyTestDriver driver(EddyConfig config, Properties props, String dir, String model) {
        Properties p = new Properties();
        p.putAll(props);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(dir).toString());
        TopologyTestDriver driver = new TopologyTestDriver(TrainingTopology.build(config, TrainingListener.NONE), p);
        TestInputTopic<byte[], byte[]> examples = driver.createInputTopic(
                config.topics().examples(), new ByteArraySerializer(), new ByteArraySerializer());
        for (int i = 0; i < 4; i++) {
            examples.pipeInput(example("e" + i, model, i % 2));
        }
        return driver;
    }

    @Test
    void answers503WithJsonWhileTheStoresAreNotQueryable() throws Exception {
        EddyConfig config = EddyConfig.of(settings());
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // A KafkaStreams that is not running yet: its stores are not queryable, as during a rebalance.
        try (KafkaStreams streams = new KafkaStreams(TrainingTopology.build(config, TrainingListener.NONE), props)) {
            HostInfo self = new HostInfo("127.0.0.1", 1);
            serve(ModelStatusHandler.of(
                    streams,
                    config.models().keySet(),
                    new ModelCache(),
                    self,
                    new TrainingHistory(),
                    ModelStatusHandler.Trials.of(streams, self, config)));
            HttpResponse<String> r = get("/models/alpha");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(json.readTree(r.body()).get("error").asText())
                    .startsWith("model status is not queryable right now");
        }
    }

    private void serve(ModelStatusHandler handler) throws Exception {
        server = MetricsServer.start(
                new InetSocketAddress("127.0.0.1", 0), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        server.route("/models", handler);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] example(String id, String model, int label) {
        double c = label == 1 ? 1 : -1;
        return AvroSerdes.examples()
                .serializer()
                .serialize(
                        "t",
                        Example.newBuilder()
                                .setId(id)
                                .setModelId(model)
                                .setFeatures(List.of(c, c * 0.5))
                                .setClassLabel(label)
                                .setTarget(null)
                                .setEventTime(Instant.ofEpochMilli(0))
                                .setWeight(null)
                                .build());
    }
}
