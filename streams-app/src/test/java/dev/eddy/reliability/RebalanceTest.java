package dev.eddy.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.app.EddyApp;
import dev.eddy.broker.EmbeddedBroker;
import dev.eddy.config.EddyConfig;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.it.AppProcess;
import dev.eddy.it.Runs;
import dev.eddy.it.TrainingStreams;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.state.ModelStatus;
import dev.eddy.topology.SearchTraining;
import dev.eddy.topology.TrainingTopology;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rebalance (issue 8): two {@code eddy run} instances (separate JVMs, one application id) train three models whose
 * examples name their model, on a three-partition examples topic, while examples keep arriving. The instance that
 * trains model {@link #SEARCH} is stopped (SIGTERM) and started again, then the one that trains it next is killed
 * (SIGKILL) and started again. Every model trains
 * exactly once: its non-FINAL snapshots and its last FINAL snapshot equal those of an uninterrupted single-instance
 * run up to the version number (the FINAL snapshots of a clean stop are extra versions), its counters are equal,
 * and its versions strictly increase. The status API of either instance answers for all three models, naming the
 * instance that trains each (it asks the other instance for the models it does not train). It runs in both routings:
 * through the trainer-input topic, and direct (the examples are keyed by their model id, so each model trains in the
 * task of its partition).
 *
 * <p>Model {@link #SEARCH} is a 16-trial ASHA search with {@code search.placement=task}: all its trials train in the
 * task of its partition, so the
 * instance that trains it trains every trial, and the stop and the kill each move the whole search to the other
 * instance. Its committed decisions (prunes, promotions, champion switches) equal the reference run's, each once and
 * at the same examples; every trial's stored state is bit-identical, and so is the search's record but for the
 * version counter, which a clean stop's FINAL snapshot raises.
 */
class RebalanceTest {

    private static final List<String> MODELS = List.of("a", "b", "c");
    /** The model that is a search. */
    private static final String SEARCH = "c";

    private static final String EXAMPLES_TOPIC = "rebalance.examples";
    private static final int EXAMPLES = Integer.getInteger("rebalance.examples", 9_000);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration FINISH_TIMEOUT = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The routing of the case at hand. */
    private String routing;

    @ParameterizedTest(name = "routing={0}")
    @ValueSource(strings = {"repartition", "direct"})
    void everyModelTrainsExactlyOnceWhileInstancesLeaveAndJoin(String routing) throws Exception {
        this.routing = routing;
        List<Example> examples = examples();
        EmbeddedBroker broker = EmbeddedBroker.start(0, null);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (broker;
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(EXAMPLES_TOPIC, 3, (short) 1)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
            EddyApp.createTopics(EddyConfig.of(settings(broker, "ref")));
            EddyApp.createTopics(EddyConfig.of(settings(broker, "run")));
            int first = examples.size() / 4;
            Runs.produce(broker.bootstrapServers(), EXAMPLES_TOPIC, examples.subList(0, first), 0);

            List<String> events = new ArrayList<>();
            AppProcess a = start(broker, "run", "a", 0);
            AppProcess b = start(broker, "run", "b", 0);
            try {
                Runs.awaitCaughtUp(admin, group("run"), EXAMPLES_TOPIC, FINISH_TIMEOUT, a, b);
                // The rest arrives while instances leave and join: about 3,000 examples/s over the events below.
                CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> Runs.produce(
                        broker.bootstrapServers(), EXAMPLES_TOPIC, examples.subList(first, examples.size()), 3));
                Thread.sleep(300);
                // The stop (attempt 1) and the kill (attempt 2) aim at the instance that trains the search, which
                // moves whole each time.
                for (int attempt = 1; attempt <= 2; attempt++) {
                    boolean searchOnA = trainsSearch(http, a);
                    String name = searchOnA ? "a" : "b";
                    AppProcess leaving = searchOnA ? a : b;
                    if (attempt == 1) {
                        int stopped = leaving.stop(Duration.ofSeconds(60));
                        events.add("instance " + name + ", training " + SEARCH + ", stopped (SIGTERM, exit " + stopped
                                + ")");
                    } else {
                        leaving.kill();
                        events.add("instance " + name + ", training " + SEARCH + ", killed (SIGKILL)");
                    }
                    AppProcess restarted = start(broker, "run", name, attempt);
                    if (searchOnA) {
                        a = restarted;
                    } else {
                        b = restarted;
                    }
                    Runs.awaitRunning(restarted, START_TIMEOUT);
                    events.add("instance " + name + " restarted");
                }
                rest.get(120, TimeUnit.SECONDS);
                events.add("all examples produced");
                Runs.awaitCaughtUp(admin, group("run"), EXAMPLES_TOPIC, FINISH_TIMEOUT, a, b);
                System.out.println("rebalance run: " + events);

                Map<String, JsonNode> onA = awaitStatusApi(http, a);
                Map<String, JsonNode> onB = awaitStatusApi(http, b);
                System.out.println("GET /models on instance a: " + onA.values());
                System.out.println("GET /models on instance b: " + onB.values());
                // Each instance answers for every model, asking the instance that trains it.
                assertThat(onA.keySet()).containsExactlyElementsOf(MODELS);
                assertThat(onB.keySet()).containsExactlyElementsOf(MODELS);
                Set<String> trainedOnA = trainedBy(onA, instance(a));
                Set<String> trainedOnB = trainedBy(onB, instance(b));
                assertThat(trainedBy(onB, instance(a)))
                        .as("a's models, seen from b")
                        .isEqualTo(trainedOnA);
                assertThat(trainedBy(onA, instance(b)))
                        .as("b's models, seen from a")
                        .isEqualTo(trainedOnB);
                assertThat(trainedOnA).as("models trained by both instances").doesNotContainAnyElementsOf(trainedOnB);
                Set<String> all = new TreeSet<>(trainedOnA);
                all.addAll(trainedOnB);
                assertThat(all).as("models trained by one of the instances").containsExactlyElementsOf(MODELS);
                boolean aTrains = !trainedOnA.isEmpty();
                String remote = (aTrains ? trainedOnA : trainedOnB).iterator().next();
                HttpResponse<String> other = http.send(
                        HttpRequest.newBuilder(modelsUri(aTrains ? b : a).resolve("/models/" + remote))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                System.out.println("GET /models/" + remote + " on the instance that does not train it: "
                        + other.statusCode() + " " + other.body());
                assertThat(other.statusCode()).isEqualTo(200);
                JsonNode remoteStatus = JSON.readTree(other.body());
                assertThat(remoteStatus.get("instance").asText()).isEqualTo(instance(aTrains ? a : b));
                assertThat(remoteStatus.get("steps").asLong()).isPositive();

                CompletableFuture<Integer> stopA = stopAsync(a);
                CompletableFuture<Integer> stopB = stopAsync(b);
                assertThat(stopA.get()).as(a.log()).isEqualTo(AppProcess.EXIT_SIGTERM);
                assertThat(stopB.get()).as(b.log()).isEqualTo(AppProcess.EXIT_SIGTERM);
            } finally {
                a.close();
                b.close();
            }

            try (AppProcess ref = start(broker, "ref", "ref", 0)) {
                Runs.awaitCaughtUp(admin, group("ref"), EXAMPLES_TOPIC, FINISH_TIMEOUT, ref);
                assertThat(ref.stop(Duration.ofSeconds(60))).as(ref.log()).isEqualTo(AppProcess.EXIT_SIGTERM);
            }
            Map<String, List<ModelSnapshot>> expected =
                    byModel(Runs.snapshots(broker.bootstrapServers(), "ref.snapshots"));
            Map<String, List<ModelSnapshot>> actual =
                    byModel(Runs.snapshots(broker.bootstrapServers(), "run.snapshots"));
            Map<String, ModelStatus> want = Runs.statuses(broker.bootstrapServers(), group("ref"));
            Map<String, ModelStatus> got = Runs.statuses(broker.bootstrapServers(), group("run"));
            for (String model : MODELS) {
                List<ModelSnapshot> mine = actual.get(model);
                assertThat(mine).as("snapshots of model %s", model).isNotEmpty();
                for (int i = 1; i < mine.size(); i++) {
                    assertThat(mine.get(i).getVersion())
                            .as("model %s: version of snapshot %d", model, i)
                            .isGreaterThan(mine.get(i - 1).getVersion());
                }
                assertThat(withoutVersion(trainingSnapshots(mine)))
                        .as("model %s: periodic, best and early-stop snapshots", model)
                        .isEqualTo(withoutVersion(trainingSnapshots(expected.get(model))));
                assertThat(withoutVersion(List.of(Runs.last(mine))))
                        .as("model %s: the last (FINAL) snapshot", model)
                        .isEqualTo(withoutVersion(List.of(Runs.last(expected.get(model)))));
                assertThat(Runs.last(mine).getReason()).isEqualTo(SnapshotReason.FINAL);
                ModelStatus w = want.get(model);
                ModelStatus g = got.get(model);
                assertThat(g.steps()).as("model %s steps", model).isEqualTo(w.steps());
                assertThat(g.examplesTrained())
                        .as("model %s examples trained", model)
                        .isEqualTo(w.examplesTrained());
                assertThat(g.holdoutReceived()).as("model %s holdout", model).isEqualTo(w.holdoutReceived());
                assertThat(g.examplesWhilePaused()).isEqualTo(w.examplesWhilePaused());
                System.out.printf(
                        "model %s: %d steps, %d examples trained, %d held out; %d snapshots (%d in the reference)%n",
                        model,
                        g.steps(),
                        g.examplesTrained(),
                        g.holdoutReceived(),
                        mine.size(),
                        expected.get(model).size());
            }
            assertSameSearch(broker);
        }
    }

    /**
     * Model {@link #SEARCH} took the reference run's decisions, each once and at the same examples, and ended with the
     * same stored search state, bit for bit.
     */
    private void assertSameSearch(EmbeddedBroker broker) {
        String bootstrapServers = broker.bootstrapServers();
        List<Runs.Decision> want = Runs.decisions(bootstrapServers, "ref.metrics");
        Map<String, Long> kinds = new TreeMap<>();
        want.forEach(d -> kinds.merge(d.kind(), 1L, Long::sum));
        System.out.println("search decisions of the reference run: " + kinds);
        assertThat(kinds)
                .as("the reference search pruned and switched champions")
                .containsKeys("search-prune", "search-champion");
        assertThat(Runs.decisions(bootstrapServers, "run.metrics"))
                .as("the decisions of search %s through the stop and the kill", SEARCH)
                .isEqualTo(want);
        String store = TrainingTopology.TRAINER_STATE_STORE;
        Predicate<String> searchKeys = key -> key.startsWith(SEARCH + "/") || key.startsWith(SEARCH + "~");
        Map<String, byte[]> ref = Runs.storeState(bootstrapServers, group("ref"), store, searchKeys);
        Map<String, byte[]> run = Runs.storeState(bootstrapServers, group("run"), store, searchKeys);
        assertThat(run.keySet()).as("keys of search %s", SEARCH).isEqualTo(ref.keySet());
        String record = SEARCH + "/search";
        // The record also counts the versions published under the search's id, which a clean stop's FINAL snapshot
        // raises (by design, as for any model): compare what it says of the search and the trials instead.
        SearchConfig search = EddyConfig.of(settings(broker, "run")).searches().get(SEARCH);
        assertThat(SearchTraining.leaderboardOf(SEARCH, search, false, run.remove(record)))
                .as("the leaderboard stored in %s", record)
                .isEqualTo(SearchTraining.leaderboardOf(SEARCH, search, false, ref.remove(record)));
        ref.forEach((key, bytes) -> assertThat(run.get(key)).as(key).isEqualTo(bytes));
    }

    /** elec2 (or breast_cancer) rows dealt round-robin to the three models; each example names its model. */
    private static List<Example> examples() throws Exception {
        List<Example> rows = TrainingStreams.elec2OrBreastCancer(EXAMPLES, "x").examples();
        List<Example> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            out.add(Example.newBuilder(rows.get(i))
                    .setModelId(MODELS.get(i % MODELS.size()))
                    .build());
        }
        return out;
    }

    private static int inputSize() {
        return Files.exists(TrainingStreams.ELEC2) ? 8 : 30;
    }

    private static String group(String run) {
        return "rebalance-test-" + run;
    }

    private Map<String, String> settings(EmbeddedBroker broker, String run) {
        Map<String, String> s = new HashMap<>();
        s.put("routing", routing);
        s.put("application.id", group(run));
        s.put("bootstrap.servers", broker.bootstrapServers());
        s.put("topic.examples", EXAMPLES_TOPIC);
        s.put("topic.snapshots", run + ".snapshots");
        s.put("topic.metrics", run + ".metrics");
        s.put("topic.dead-letters", run + ".dlq");
        s.put("topic.commands", run + ".commands");
        s.put("topic.features", run + ".features");
        s.put("topic.predictions", run + ".predictions");
        s.put("snapshot-every", "10");
        s.put("commit.interval.ms", "200");
        // A killed or closed member stays in the group until its session times out; the others wait for that.
        s.put("kafka.session.timeout.ms", "6000");
        s.put("kafka.heartbeat.interval.ms", "1000");
        for (String m : MODELS) {
            s.put("model." + m + ".input-size", Integer.toString(inputSize()));
            s.put("model." + m + ".layers", "16:relu,1:sigmoid");
            s.put("model." + m + ".batch-size", "32");
            s.put("model." + m + ".eval-every", "25");
        }
        String search = "model." + SEARCH + ".search.";
        s.put(search + "strategy", "asha");
        s.put(search + "trials", "16");
        s.put(search + "space.layers", "16:relu|8:relu|");
        s.put(search + "space.learning-rate", "loguniform(0.001,0.3)");
        s.put(search + "asha.min-examples", "100");
        s.put(search + "asha.max-examples", "1600");
        s.put(search + "switch-margin", "0");
        // every trial in the task of the search's partition, so that its decisions replay exactly (a spread search's
        // depend on when the reports of other tasks arrive: SpreadSearchKillTest)
        s.put(search + "placement", "task");
        return s;
    }

    private AppProcess start(EmbeddedBroker broker, String run, String instance, int attempt) throws Exception {
        return AppProcess.start(
                dir.resolve(run + "-" + instance + "-" + attempt + ".log"),
                Runs.STATE_LOGGING,
                Runs.args(settings(broker, run), dir.resolve(run + "-" + instance + "-state")));
    }

    private static CompletableFuture<Integer> stopAsync(AppProcess app) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return app.stop(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private static URI modelsUri(AppProcess app) throws Exception {
        return app.awaitMetricsUri(START_TIMEOUT).resolve("/models");
    }

    /** {@code GET /models} until it answers 200 (503 while the store is not queryable): the models by id. */
    private static Map<String, JsonNode> awaitStatusApi(HttpClient http, AppProcess app) throws Exception {
        URI uri = modelsUri(app);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpResponse<String> response;
        do {
            response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                assertThat(response.headers().firstValue("Content-Type"))
                        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
                Map<String, JsonNode> out = new TreeMap<>();
                JSON.readTree(response.body())
                        .forEach(n -> out.put(n.get("model").asText(), n));
                return out;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("GET " + uri + " answered " + response.statusCode() + ": " + response.body());
    }

    /**
     * Whether {@code app} trains model {@link #SEARCH}, as its status API says once an instance claims it (just after a
     * rebalance the new owner may still restore its status store: then {@code app} lists it as served only).
     */
    private static boolean trainsSearch(HttpClient http, AppProcess app) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        JsonNode search;
        do {
            search = awaitStatusApi(http, app).get(SEARCH);
            if (search != null && search.has("instance")) {
                return search.get("instance").asText().equals(instance(app));
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no instance claims " + SEARCH + " within " + START_TIMEOUT + ": " + search);
    }

    /** The status API's address of {@code app}, {@code host:port}: the {@code instance} of the models it trains. */
    private static String instance(AppProcess app) throws Exception {
        URI uri = modelsUri(app);
        return uri.getHost() + ":" + uri.getPort();
    }

    /** The models a status API lists as trained by {@code instance} (state training or paused, with counters). */
    private static Set<String> trainedBy(Map<String, JsonNode> models, String instance) {
        Set<String> out = new TreeSet<>();
        models.forEach((id, n) -> {
            assertThat(n.get("state").asText()).as("state of %s", id).isIn("training", "paused");
            assertThat(n.get("steps").asLong()).as("steps of %s", id).isPositive();
            if (n.get("instance").asText().equals(instance)) {
                out.add(id);
            }
        });
        return out;
    }

    private static Map<String, List<ModelSnapshot>> byModel(List<ModelSnapshot> snapshots) {
        Map<String, List<ModelSnapshot>> out = new TreeMap<>();
        snapshots.forEach(
                s -> out.computeIfAbsent(s.getModelId(), k -> new ArrayList<>()).add(s));
        return out;
    }

    private static List<ModelSnapshot> trainingSnapshots(List<ModelSnapshot> snapshots) {
        return snapshots.stream()
                .filter(s -> s.getReason() != SnapshotReason.FINAL)
                .toList();
    }

    /** The snapshots without version and creation time: the version counts the extra FINAL snapshots of a stop. */
    private static List<ModelSnapshot> withoutVersion(List<ModelSnapshot> snapshots) {
        return snapshots.stream()
                .map(s -> ModelSnapshot.newBuilder(Runs.comparable(s))
                        .setVersion(0)
                        .build())
                .toList();
    }
}
