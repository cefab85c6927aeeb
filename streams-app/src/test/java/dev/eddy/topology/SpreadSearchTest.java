package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.core.search.Trials;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.ModelStatusSerde;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A search spread over the tasks of four input partitions ({@link TrialPlacement}), each task with its own stores,
 * the fan-out topic between them played by queues that deliver a message a fixed number of examples after it was
 * sent (the latency of a commit): every trial trains in the task of its partition on every example it is given,
 * once; the strategy's decisions and the champion's choice, taken in the task of the model id on the hosts'
 * reports, reach the hosts; only the champion is published, under the model id with its own strictly increasing
 * versions, relayed when it trains elsewhere; the search continues exactly from the stores after a restart; a
 * stored search of the other placement is refused naming the key.
 */
class SpreadSearchTest {

    private static final String MODEL = "m";
    private static final int PARTITIONS = 4;
    private static final int TRIALS = 6;
    private static final int LATENCY = 3;

    private static Map<String, String> settings(String strategy) {
        Map<String, String> s = new HashMap<>(TrainingFixture.logisticModel(MODEL));
        s.put("holdout.fraction", "0.2");
        s.put("prequential.window", "20");
        s.put("snapshot-every", "5");
        s.put("model.m.batch-size", "1");
        s.put("model.m.search.strategy", strategy);
        s.put("model.m.search.trials", Integer.toString(TRIALS));
        switch (strategy) {
            case "asha" -> {
                s.put("model.m.search.asha.min-examples", "16");
                s.put("model.m.search.asha.max-examples", "256");
                s.put("model.m.search.asha.eta", "2");
            }
            case "zoom" -> s.put("model.m.search.zoom.round-examples", "40");
            case "pbt" -> s.put("model.m.search.pbt.interval-examples", "40");
            default -> {}
        }
        s.put("model.m.search.switch-margin", "0");
        s.put("model.m.search.space.learning-rate", "loguniform(0.0001,1)");
        return s;
    }

    /** A message on its way to the task of a partition, delivered once {@code due} examples have been taken. */
    private record InFlight(int partition, SearchMessage message, long due) {}

    /** The tasks of the partitions that host the search, over stores that outlive them (the changelogs). */
    private static final class Tasks {
        final EddyConfig config;
        final SearchConfig search;
        final TrialPlacement placement;
        final HoldoutSplit split;
        final Map<Integer, ModelTraining.Stores> stores = new TreeMap<>();
        final Map<Integer, TaskTraining> open = new TreeMap<>();
        final Deque<InFlight> inFlight = new ArrayDeque<>();
        final List<ModelSnapshot> published = new ArrayList<>();
        final List<TrainingMetrics> metrics = new ArrayList<>();
        /** Per trial, the examples handed to its task while the trial ran there (trained or held out). */
        final Map<String, Long> taken = new TreeMap<>();

        long examples;
        /** Every message sent, in order. */
        final List<SearchMessage> sent = new ArrayList<>();
        /** Donor models sent to the task of another trial. */
        int adopted;

        Tasks(Map<String, String> settings) {
            this.config = EddyConfig.of(settings);
            this.search = config.searches().get(MODEL);
            this.placement = TrialPlacement.of(config, new ModelPartitions(PARTITIONS));
            this.split = new HoldoutSplit(config.holdoutFraction());
            for (int partition : placement.partitionsOf(MODEL)) {
                stores.put(partition, LocalTraining.inMemoryStores());
            }
            reopen();
        }

        /** Opens every task's search from its stores (what a restarted task does). */
        void reopen() {
            open.clear();
            SearchTraining.TrialSettings settings = new SearchTraining.TrialSettings(
                    config.holdoutBufferSize(), config.snapshotEvery(), true, config.prequentialWindow());
            for (int partition : stores.keySet()) {
                ModelTraining.Stores s = stores.get(partition);
                SearchTraining.Placement where =
                        new SearchTraining.Placement(placement, partition, this::send, Integer.MAX_VALUE);
                open.put(
                        partition,
                        partition == placement.home(MODEL)
                                ? new SearchTraining(
                                        MODEL,
                                        search,
                                        trial -> config.trialModel(MODEL, trial),
                                        settings,
                                        s,
                                        TrainingListener.NONE,
                                        this::out,
                                        decision -> {},
                                        where,
                                        PublishedVersions.NONE,
                                        0)
                                : new TrialHost(
                                        MODEL,
                                        search,
                                        where,
                                        trial -> config.trialModel(MODEL, trial),
                                        settings,
                                        s,
                                        TrainingListener.NONE,
                                        this::out,
                                        0));
            }
        }

        private void out(SpecificRecord record) {
            if (record instanceof ModelSnapshot snapshot) {
                published.add(snapshot);
            } else {
                metrics.add((TrainingMetrics) record);
            }
        }

        private void send(int partition, SearchMessage message) {
            inFlight.add(new InFlight(partition, message, examples + LATENCY));
            sent.add(message);
            if (message instanceof SearchMessage.Adopt) {
                adopted++;
            }
        }

        /** Every task takes the example, then the messages due are delivered. */
        void take(Example example) {
            examples++;
            for (TaskTraining task : open.values()) {
                ExampleCheck.Failure misfit =
                        split.heldOut(example.getId()) ? task.holdout(example) : task.train(example, 0);
                assertThat(misfit).isNull();
            }
            deliver(examples);
        }

        void deliver(long upTo) {
            while (!inFlight.isEmpty() && inFlight.peek().due() <= upTo) {
                InFlight m = inFlight.poll();
                assertThat(open.get(m.partition()).receive(m.message())).isNull();
            }
        }

        /** Every message delivered, every task's state written (a commit). */
        void settle() {
            deliver(Long.MAX_VALUE);
            open.values().forEach(TaskTraining::flushState);
        }

        /** A command, which the router takes to the task of the model id ({@link CommandRouter}). */
        void command(ModelCommand command) {
            open.get(placement.home(MODEL)).command(command, 0);
        }

        /** The configuration trial {@code t} trains with now, from its trainer state. */
        TrainerConfig trained(int t) {
            return Trainer.restore(trainerState(placement.host(MODEL, t), SearchTraining.trialId(MODEL, t)))
                    .config();
        }

        /** The trainer state of {@code id} in the stores of {@code partition}. */
        byte[] trainerState(int partition, String id) {
            ModelStatus s = status(partition, id);
            return stores.get(partition).chunks().read(id, s.stateChunks(), s.stateBytes());
        }

        /** The status of {@code id} in the stores of {@code partition}, or null. */
        ModelStatus status(int partition, String id) {
            return stores.get(partition).status().get(id);
        }

        List<String> events() {
            return metrics.stream()
                    .filter(r -> r.getEvent() != null && r.getEvent().getKind().startsWith("search-"))
                    .map(r -> r.getEvent().getKind() + " " + r.getEvent().getDetail())
                    .toList();
        }
    }

    @Test
    void everyTrialTrainsEveryExampleOnceInTheTaskOfItsPartition() {
        Tasks tasks = new Tasks(settings("random"));
        List<Example> examples = TrainingFixture.blobs(300, 5, MODEL);
        examples.forEach(tasks::take);
        tasks.settle();

        assertThat(tasks.placement.partitionsOf(MODEL)).hasSize(PARTITIONS);
        for (int t = 0; t < TRIALS; t++) {
            String trial = SearchTraining.trialId(MODEL, t);
            int host = (tasks.placement.home(MODEL) + t) % PARTITIONS;
            assertThat(tasks.placement.host(MODEL, t)).isEqualTo(host);
            for (int partition = 0; partition < PARTITIONS; partition++) {
                ModelStatus s = tasks.status(partition, trial);
                if (partition != host) {
                    assertThat(s).as("%s in partition %d", trial, partition).isNull();
                } else {
                    assertThat(s.examplesTrained() + s.examplesWhilePaused() + s.holdoutReceived())
                            .as("%s: every example once", trial)
                            .isEqualTo(examples.size());
                }
            }
        }
        // in order too: each trial's trainer state is the one the same search trains in one task
        Map<String, String> inOneTask = settings("random");
        inOneTask.put("model.m.search.placement", "task");
        Tasks one = new Tasks(inOneTask);
        examples.forEach(one::take);
        one.settle();
        for (int t = 0; t < TRIALS; t++) {
            String trial = SearchTraining.trialId(MODEL, t);
            assertThat(tasks.trainerState(tasks.placement.host(MODEL, t), trial))
                    .as("%s trained in the task of its partition, and in that of the model", trial)
                    .isEqualTo(one.trainerState(one.placement.home(MODEL), trial));
        }
        List<SearchTraining.Standing> board =
                ((SearchTraining) tasks.open.get(tasks.placement.home(MODEL))).leaderboard();
        assertThat(board).allSatisfy(s -> assertThat(s.metric()).isNotNaN());
        assertThat(board).extracting(SearchTraining.Standing::trained).doesNotContain(0L);
    }

    @Test
    void decisionsReachTheHostsAndOnlyTheChampionIsPublishedUnderTheModelsVersions() {
        Tasks tasks = new Tasks(settings("asha"));
        List<Example> examples = TrainingFixture.blobs(600, 7, MODEL);
        examples.forEach(tasks::take);
        tasks.settle();

        List<String> events = tasks.events();
        assertThat(events).anyMatch(e -> e.startsWith("search-prune"));
        assertThat(events).anyMatch(e -> e.startsWith("search-champion"));
        SearchTraining home = (SearchTraining) tasks.open.get(tasks.placement.home(MODEL));
        long every = TrialHost.reportEvery(tasks.search, tasks.config.prequentialWindow());
        assertThat(every).isEqualTo(16);
        for (SearchTraining.Standing s : home.leaderboard()) {
            int host = tasks.placement.host(MODEL, s.trial());
            long trained =
                    tasks.status(host, SearchTraining.trialId(MODEL, s.trial())).examplesTrained();
            if (host == tasks.placement.home(MODEL)) {
                assertThat(trained).as("trial %d, trained here", s.trial()).isEqualTo(s.trained());
            } else if (s.live()) {
                assertThat(trained)
                        .as(
                                "trial %d, running elsewhere: its last report is of at most %d examples ago",
                                s.trial(), every)
                        .isBetween(s.trained(), s.trained() + every - 1);
            } else {
                assertThat(trained)
                        .as("trial %d, pruned elsewhere: it trained until the decision came back", s.trial())
                        .isBetween(s.trained(), s.trained() + 2L * LATENCY);
            }
        }
        assertThat(tasks.published).isNotEmpty();
        assertThat(tasks.published).allSatisfy(p -> assertThat(p.getModelId()).isEqualTo(MODEL));
        for (int i = 1; i < tasks.published.size(); i++) {
            assertThat(tasks.published.get(i).getVersion())
                    .isEqualTo(tasks.published.get(i - 1).getVersion() + 1);
        }
        assertThat(tasks.published)
                .as("a champion trained in another task, its snapshots relayed")
                .anyMatch(p -> tasks.placement.host(MODEL, SearchTraining.trialOf(MODEL, p.getTrial()))
                        != tasks.placement.home(MODEL));
        int champion = home.champion();
        assertThat(tasks.published.get(tasks.published.size() - 1).getTrial())
                .isEqualTo(SearchTraining.trialId(MODEL, champion));
        assertThat(tasks.status(tasks.placement.home(MODEL), MODEL).snapshotVersion())
                .isEqualTo(tasks.published.get(tasks.published.size() - 1).getVersion());
    }

    /**
     * A trial of another task whose drift detector fires reports at once, off its interval; when it is the champion,
     * the task of m re-opens the search and every host restarts its trials' counts.
     */
    @Test
    void aDriftInAnotherTaskIsReportedAtOnceAndTheChampionsReopensTheSearch() {
        Map<String, String> slow = settings("random"); // no trial pruned: every task's trials see the flip
        // rates at which the flipped concept stays unlearnt long enough for ADWIN to see it
        slow.put("model.m.search.space.learning-rate", "loguniform(0.0001,0.001)");
        Tasks tasks = new Tasks(slow);
        List<Example> examples = new ArrayList<>(TrainingFixture.blobs(600, 23, MODEL));
        for (Example e : TrainingFixture.blobs(600, 29, MODEL)) {
            examples.add(Example.newBuilder(e)
                    .setClassLabel(1 - e.getClassLabel()) // the concept flips
                    .build());
        }
        examples.forEach(tasks::take);
        tasks.settle();
        long every = TrialHost.reportEvery(tasks.search, tasks.config.prequentialWindow());
        assertThat(tasks.sent)
                .as("a drift report from another task, off the report interval")
                .anyMatch(m -> m instanceof SearchMessage.Report r && r.drift() && r.sinceOpen() % every != 0);

        int remote = 1; // hosted by the next partition
        assertThat(tasks.placement.host(MODEL, remote)).isNotEqualTo(tasks.placement.home(MODEL));
        byte[] status = new ModelStatusSerde()
                .serialize(
                        null, tasks.status(tasks.placement.host(MODEL, remote), SearchTraining.trialId(MODEL, remote)));
        Tasks fresh = new Tasks(settings("asha"));
        SearchTraining home = (SearchTraining) fresh.open.get(fresh.placement.home(MODEL));
        home.receive(new SearchMessage.Report(MODEL, remote, 0, 10, 10, 0.99, Double.NaN, 0.99, 10, false, status));
        assertThat(home.champion())
                .as("the best trial so far (before its first rung)")
                .isEqualTo(remote);
        fresh.sent.clear();
        home.receive(new SearchMessage.Report(MODEL, remote, 0, 12, 12, 0.5, Double.NaN, 0.9, 12, true, status));
        assertThat(fresh.events()).anyMatch(e -> e.startsWith("search-reopen"));
        assertThat(fresh.sent)
                .filteredOn(m -> m instanceof SearchMessage.Decision d && d.kind() == SearchMessage.Kind.REOPEN)
                .as("a re-opening to every trial of another task")
                .hasSize((int) java.util.stream.IntStream.range(0, TRIALS)
                        .filter(t -> fresh.placement.host(MODEL, t) != fresh.placement.home(MODEL))
                        .count());

        // a re-opening restarts counts, not models: the champion's snapshots relayed before its host took it count
        assertThat(home.champion()).isEqualTo(remote);
        byte[] snapshot = AvroSerdes.modelSnapshots().serialize(null, tasks.published.get(0));
        int published = fresh.published.size();
        assertThat(home.receive(new SearchMessage.Relay(MODEL, remote, 0, 0, snapshot)))
                .isNull();
        assertThat(fresh.published).hasSize(published + 1);
        assertThat(home.receive(new SearchMessage.Relay(MODEL, remote, 1, 1, snapshot)))
                .as("a relay of another generation is stale")
                .isNull();
        assertThat(home.receive(new SearchMessage.Relay(MODEL, remote, 0, SearchMessage.LEGACY, snapshot)))
                .as("a relay of the build before generations, of the epoch before the re-opening, is stale")
                .isNull();
        assertThat(fresh.published).hasSize(published + 1);
        assertThat(home.receive(new SearchMessage.Relay(MODEL, remote, 1, SearchMessage.LEGACY, snapshot)))
                .isNull();
        assertThat(fresh.published).as("one of the current epoch is published").hasSize(published + 2);
        assertThat(home.receive(new SearchMessage.Relay(MODEL, remote, 0, 0, new byte[] {1, 2})))
                .as("a relay that is no snapshot")
                .satisfies(f -> assertThat(f.reason()).isEqualTo(DeadLetterReason.UNDECODABLE));
    }

    /**
     * A step that a command makes due (a smaller batch size) scores its batch, and a drift its detector finds then is
     * reported in the transaction of the command, not with the next example (a commit in between and a crash would
     * lose it).
     */
    @Test
    void aDriftFoundByAStepACommandMadeDueIsReportedAtOnce() {
        Map<String, String> s = settings("random");
        s.put("model.m.batch-size", "16");
        s.put("model.m.drift.detector", "page-hinkley");
        s.put("model.m.drift.threshold", "3");
        s.put("model.m.drift.warning-threshold", "2");
        s.put("model.m.drift.challenger", "none");
        s.put("model.m.search.space.learning-rate", "0.3|0.5"); // every trial learns the concept
        Tasks tasks = new Tasks(s);
        List<Example> examples = TrainingFixture.blobs(600, 41, MODEL);
        int i = 0;
        long trained = 0;
        while (i < 320 || trained % 16 != 0) { // the concept learnt, every trial's batch just stepped
            Example e = examples.get(i++);
            tasks.take(e);
            trained += tasks.split.heldOut(e.getId()) ? 0 : 1;
        }
        long flipped = 0;
        while (flipped < 14) { // most of a batch of the flipped concept, not stepped yet
            Example e = Example.newBuilder(examples.get(i++))
                    .setClassLabel(1 - examples.get(i - 1).getClassLabel())
                    .build();
            tasks.take(e);
            flipped += tasks.split.heldOut(e.getId()) ? 0 : 1;
        }
        tasks.deliver(Long.MAX_VALUE);
        int sent = tasks.sent.size();
        tasks.command(ModelCommand.parse("set m batch-size 4"));
        tasks.deliver(Long.MAX_VALUE); // the forwarded commands, and no example after them
        List<Integer> reported = tasks.sent.subList(sent, tasks.sent.size()).stream()
                .filter(m -> m instanceof SearchMessage.Report r && r.drift())
                .map(SearchMessage::trial)
                .toList();
        assertThat(reported)
                .as("every trial of another task reports the drift its step found")
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, TRIALS)
                        .filter(t -> tasks.placement.host(MODEL, t) != tasks.placement.home(MODEL))
                        .boxed()
                        .toList());
    }

    /**
     * A trial reports at each milestone its strategy can set: the greatest common divisor of ASHA's first rung and its
     * maximum, zoom's round, PBT's interval; grid and random, without milestones, every prequential window.
     */
    @Test
    void theReportIntervalFallsOnEveryMilestone() {
        Map<String, String> asha = settings("asha");
        asha.put("model.m.search.asha.min-examples", "600");
        asha.put("model.m.search.asha.max-examples", "64000");
        assertThat(TrialHost.reportEvery(new Tasks(asha).search, 20)).isEqualTo(200);
        assertThat(TrialHost.reportEvery(new Tasks(settings("zoom")).search, 20))
                .isEqualTo(40);
        assertThat(TrialHost.reportEvery(new Tasks(settings("pbt")).search, 20)).isEqualTo(40);
        assertThat(TrialHost.reportEvery(new Tasks(settings("random")).search, 20))
                .isEqualTo(20);
    }

    /**
     * Zoom's resamples and PBT's explores and exploits of trials in other tasks reach them: each trial trains under
     * the configuration the search gives it (its learning rate), an exploit across tasks ships the donor's model.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"zoom", "pbt"})
    void newConfigurationsAndModelsReachTheTrialsOfOtherTasks(String strategy) {
        Tasks tasks = new Tasks(settings(strategy));
        List<Example> examples = TrainingFixture.blobs(800, 17, MODEL);
        examples.forEach(tasks::take);
        tasks.settle();

        String moved = strategy.equals("zoom") ? "search-resample" : "search-exploit";
        int home = tasks.placement.home(MODEL);
        assertThat(tasks.events())
                .as("%s of trials trained in other tasks", moved)
                .anyMatch(e -> e.startsWith(moved) && tasks.placement.host(MODEL, trialIn(e)) != home);
        SearchTraining search = (SearchTraining) tasks.open.get(home);
        for (SearchTraining.Standing s : search.leaderboard()) {
            ModelStatus trained =
                    tasks.status(tasks.placement.host(MODEL, s.trial()), SearchTraining.trialId(MODEL, s.trial()));
            assertThat(trained.learningRate())
                    .as("trial %d trains under the configuration the search gave it", s.trial())
                    .isEqualTo(Double.parseDouble(s.config().get("learning-rate")));
        }
        if (strategy.equals("pbt")) {
            assertThat(tasks.adopted)
                    .as("exploits whose donor trained in another task than the trial")
                    .isPositive();
        }
    }

    /** The trial an event's detail names first ({@code m~tNN: ...}). */
    private static int trialIn(String event) {
        String id = event.substring(event.indexOf(' ') + 1).split(":", 2)[0];
        return SearchTraining.trialOf(MODEL, id);
    }

    @Test
    void aRestartedSpreadSearchContinuesAsIfUninterrupted() {
        List<Example> examples = TrainingFixture.blobs(500, 11, MODEL);
        Tasks straight = new Tasks(settings("asha"));
        examples.forEach(straight::take);
        straight.settle();

        Tasks restarted = new Tasks(settings("asha"));
        examples.subList(0, 230).forEach(restarted::take);
        restarted.settle();
        restarted.reopen();
        examples.subList(230, examples.size()).forEach(restarted::take);
        restarted.settle();

        // the settle delivered the messages in flight at the restart earlier than the straight run did
        assertThat(restarted.events()).isNotEmpty();
        for (int partition : straight.stores.keySet()) {
            for (int t = 0; t < TRIALS; t++) {
                String trial = SearchTraining.trialId(MODEL, t);
                ModelStatus want = straight.status(partition, trial);
                ModelStatus got = restarted.status(partition, trial);
                assertThat(got == null).isEqualTo(want == null);
                if (want != null) {
                    assertThat(got.examplesTrained() + got.holdoutReceived())
                            .as(trial)
                            .isEqualTo(want.examplesTrained() + want.holdoutReceived());
                }
            }
        }
    }

    @Test
    void resetRestartsEveryTrialInEveryTaskAndStaleReportsAreIgnored() {
        Tasks tasks = new Tasks(settings("random"));
        List<Example> examples = TrainingFixture.blobs(500, 13, MODEL);
        int i = 0;
        while (i < 300 || tasks.inFlight.stream().noneMatch(m -> m.message() instanceof SearchMessage.Report)) {
            tasks.take(examples.get(i++)); // until reports of before the reset are in flight
        }
        tasks.command(ModelCommand.parse("reset m"));
        tasks.deliver(Long.MAX_VALUE);
        SearchTraining home = (SearchTraining) tasks.open.get(tasks.placement.home(MODEL));
        assertThat(home.leaderboard())
                .as("the reports of before the reset, delivered after it, count nothing")
                .allSatisfy(s -> assertThat(s.trained()).isZero());

        List<Example> after = examples.subList(i, i + 100);
        after.forEach(tasks::take);
        tasks.settle();
        for (int t = 0; t < TRIALS; t++) {
            ModelStatus s = tasks.status(tasks.placement.host(MODEL, t), SearchTraining.trialId(MODEL, t));
            assertThat(s.examplesTrained() + s.holdoutReceived())
                    .as("trial %d: every example since the reset, in its own task", t)
                    .isEqualTo(after.size());
        }
        assertThat(tasks.events()).contains("search-reset m~t00: the search restarts from its 6 trials");
    }

    /**
     * Commands reach the trials of other tasks from the task of m, in its order: a {@code set} after a {@code reset}
     * holds on every trial (their hosts once restarted a trial when the reset decision arrived, after they had applied
     * the set from a copy of their own); a {@code set} of a searched key on one trial of another task changes what it
     * trains and what the search says it trains.
     */
    @Test
    void commandsReachTheTrialsOfOtherTasksInTheOrderOfTheTaskOfTheModel() {
        Tasks tasks = new Tasks(settings("random"));
        List<Example> examples = TrainingFixture.blobs(300, 13, MODEL);
        examples.subList(0, 100).forEach(tasks::take);
        tasks.command(ModelCommand.parse("reset m"));
        tasks.command(ModelCommand.parse("set m batch-size 4"));
        int remote = 1;
        assertThat(tasks.placement.host(MODEL, remote)).isNotEqualTo(tasks.placement.home(MODEL));
        tasks.command(ModelCommand.parse("set m~t01 learning-rate 0.25"));
        examples.subList(100, 300).forEach(tasks::take);
        tasks.settle();
        for (int t = 0; t < TRIALS; t++) {
            assertThat(tasks.trained(t).batchSize()).as("trial %d", t).isEqualTo(4);
        }
        SearchTraining home = (SearchTraining) tasks.open.get(tasks.placement.home(MODEL));
        assertThat(home.leaderboard())
                .filteredOn(s -> s.trial() == remote)
                .singleElement()
                .satisfies(s -> assertThat(s.config()).containsEntry("learning-rate", "0.25"));
        assertThat(tasks.trained(remote).learningRate()).isEqualTo(0.25);
    }

    /**
     * PBT: a trial of the task of m whose donor trains elsewhere waits for the donor's model; a {@code reset} before it
     * arrives makes it stale, so the trial restarts from its first configuration and keeps it.
     */
    @Test
    void aResetVoidsAnAdoptionOnItsWay() {
        Tasks tasks = new Tasks(settings("pbt"));
        int home = tasks.placement.home(MODEL);
        int peer = -1;
        List<Example> examples = TrainingFixture.blobs(900, 1, MODEL);
        int i = 0;
        while (i < examples.size() - 20) {
            tasks.take(examples.get(i++));
            peer = tasks.inFlight.stream()
                    .map(InFlight::message)
                    .filter(m -> m instanceof SearchMessage.Decision d
                            && d.kind() == SearchMessage.Kind.SHARE
                            && tasks.placement.host(MODEL, d.peer()) == home)
                    .mapToInt(m -> ((SearchMessage.Decision) m).peer())
                    .findFirst()
                    .orElse(-1);
            if (peer >= 0) {
                break;
            }
        }
        assertThat(peer)
                .as("an exploit of a trial of the task of m from a donor elsewhere")
                .isNotNegative();
        tasks.command(ModelCommand.parse("reset m"));
        examples.subList(i, i + 20).forEach(tasks::take); // the adoption arrives meanwhile
        tasks.settle();
        SortedMap<String, String> first = tasks.search.initialTrials().get(peer);
        int t = peer;
        SearchTraining search = (SearchTraining) tasks.open.get(home);
        assertThat(search.leaderboard())
                .filteredOn(s -> s.trial() == t)
                .singleElement()
                .satisfies(s -> assertThat(s.config()).isEqualTo(first));
        assertThat(tasks.trained(peer).learningRate()).isEqualTo(Double.parseDouble(first.get("learning-rate")));
    }

    /**
     * PBT: an adoption comes from the donor's host and can arrive after a later exploit or explore of the same trial;
     * it is then stale, and the trial trains what the search says it does.
     */
    @Test
    void aLateAdoptionDoesNotUndoALaterExploit() {
        Tasks tasks = new Tasks(settings("pbt"));
        List<Example> examples = TrainingFixture.blobs(1500, 2, MODEL);
        InFlight held = null;
        int i = 0;
        while (held == null) {
            tasks.take(examples.get(i++));
            held = tasks.inFlight.stream()
                    .filter(m ->
                            m.message() instanceof SearchMessage.Decision d && d.kind() == SearchMessage.Kind.SHARE)
                    .findFirst()
                    .orElse(null);
        }
        tasks.inFlight.remove(held); // the donor's host takes it late
        int peer = ((SearchMessage.Decision) held.message()).peer();
        int sentBefore = tasks.sent.size();
        boolean later = false;
        while (!later) {
            tasks.take(examples.get(i++));
            later = tasks.sent.subList(sentBefore, tasks.sent.size()).stream()
                    .anyMatch(m -> m.trial() == peer
                                    && (m instanceof SearchMessage.Adopt
                                            || m instanceof SearchMessage.Decision d
                                                    && d.kind() == SearchMessage.Kind.EXPLORE)
                            || m instanceof SearchMessage.Decision d
                                    && d.kind() == SearchMessage.Kind.SHARE
                                    && d.peer() == peer);
        }
        tasks.deliver(Long.MAX_VALUE); // the later exploit or explore arrives first
        tasks.inFlight.add(new InFlight(held.partition(), held.message(), 0));
        tasks.settle(); // then the held share, and the adoption it sends
        SearchTraining search = (SearchTraining) tasks.open.get(tasks.placement.home(MODEL));
        String rate = search.leaderboard().stream()
                .filter(s -> s.trial() == peer)
                .findFirst()
                .orElseThrow()
                .config()
                .get("learning-rate");
        assertThat(tasks.trained(peer).learningRate()).isEqualTo(Double.parseDouble(rate));
    }

    /**
     * The search's record of the previous format (version 2, without generations) and the hosts' (version 1) restore:
     * every generation at 0 on both sides, the leaderboard as it was, and the search goes on.
     */
    @Test
    void recordsOfThePreviousFormatRestore() throws IOException {
        Tasks tasks = new Tasks(settings("pbt"));
        List<Example> examples = TrainingFixture.blobs(700, 37, MODEL);
        examples.subList(0, 500).forEach(tasks::take);
        tasks.settle();
        assertThat(tasks.sent).as("exploits raised generations").anyMatch(m -> m instanceof SearchMessage.Adopt);
        int home = tasks.placement.home(MODEL);
        List<SearchTraining.Standing> before = ((SearchTraining) tasks.open.get(home)).leaderboard();
        for (Map.Entry<Integer, ModelTraining.Stores> e : tasks.stores.entrySet()) {
            String key = MODEL + (e.getKey() == home ? "/search" : "/host");
            byte[] record = e.getValue().trainerState().get(key);
            e.getValue().trainerState().put(key, e.getKey() == home ? searchV2(record) : hostV1(record));
        }
        tasks.reopen();
        assertThat(((SearchTraining) tasks.open.get(home)).leaderboard())
                .usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(before);
        examples.subList(500, 700).forEach(tasks::take);
        tasks.settle();
        assertThat(((SearchTraining) tasks.open.get(home)).leaderboard())
                .extracting(SearchTraining.Standing::trained)
                .allSatisfy(n -> assertThat(n).isGreaterThan(400));
    }

    /** A search record of version 3 written as version 2: without each trial's generation. */
    private static byte[] searchV2(byte[] v3) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(v3));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF(in.readUTF());
        assertThat(in.readInt()).isEqualTo(3);
        out.writeInt(2);
        out.writeBoolean(in.readBoolean());
        int n = in.readInt();
        out.writeInt(n);
        out.writeLong(in.readLong()); // rows
        out.writeLong(in.readLong()); // version
        copy(in, out, in.readInt(), true); // the strategy
        out.writeUTF(in.readUTF()); // the champion: header, trials, champion, switches
        out.writeInt(in.readInt());
        out.writeInt(in.readInt());
        out.writeInt(in.readInt());
        out.writeLong(in.readLong());
        for (int t = 0; t < n; t++) {
            Trials.writeConfig(out, Trials.readConfig(in));
            copy(in, out, 2 * Long.BYTES + 3 * Double.BYTES + Long.BYTES, false); // counts and figures
            out.writeInt(in.readInt()); // epoch
            in.readInt(); // generation
            int length = in.readInt();
            out.writeInt(length);
            copy(in, out, Math.max(length, 0), false);
        }
        assertThat(in.available()).isZero();
        return bytes.toByteArray();
    }

    /** A host record of version 2 written as version 1: without each trial's generation. */
    private static byte[] hostV1(byte[] v2) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(v2));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF(in.readUTF());
        assertThat(in.readInt()).isEqualTo(2);
        out.writeInt(1);
        int n = in.readInt();
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
            out.writeInt(in.readInt()); // trial
            Trials.writeConfig(out, Trials.readConfig(in));
            // running, serving, epoch, trained, since open, figures
            copy(in, out, 2 + Integer.BYTES + 2 * Long.BYTES + 3 * Double.BYTES + Long.BYTES, false);
            in.readInt(); // generation
        }
        assertThat(in.available()).isZero();
        return bytes.toByteArray();
    }

    private static void copy(DataInputStream in, DataOutputStream out, int n, boolean withLength) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        if (withLength) {
            out.writeInt(n);
        }
        out.write(b);
    }

    /**
     * A search message for a model that is not (or no longer) a spread search is a dead letter, not a failure of the
     * stream thread.
     */
    @Test
    void aSearchMessageForAModelThatIsNotASpreadSearchIsADeadLetter(@TempDir Path dir) {
        String id = "q";
        ModelPartitions four = new ModelPartitions(PARTITIONS);
        for (int n = 0; four.of(id) != 0; n++) {
            id = "q" + n; // a model of partition 0, the one the test driver's records are in
        }
        Map<String, String> s = new HashMap<>(TrainingFixture.logisticModel(id));
        s.put("routing", "direct");
        s.put("serving.enabled", "false");
        s.put("model." + id + ".search.strategy", "random");
        s.put("model." + id + ".search.trials", "2");
        s.put("model." + id + ".search.placement", "task");
        s.put("model." + id + ".search.space.learning-rate", "0.01|0.1");
        EddyConfig config = EddyConfig.of(s);
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(
                TrainingTopology.build(config, four, TrainingListener.NONE, new FinalSnapshotTrigger(), null), props)) {
            TestInputTopic<Integer, byte[]> fanOut = driver.createInputTopic(
                    FanOutTopic.of(config.applicationId()), new IntegerSerializer(), new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> dead = driver.createOutputTopic(
                    config.topics().deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            SearchMessage report =
                    new SearchMessage.Report(id, 1, 0, 16, 16, 0.5, Double.NaN, 0.5, 16, false, new byte[0]);
            fanOut.pipeInput(new TestRecord<>(0, report.encode(), FanOutTopic.Source.SEARCH.headers(), (Instant) null));
            List<TestRecord<byte[], byte[]>> letters = dead.readRecordsToList();
            assertThat(letters).hasSize(1);
            assertThat(new String(
                            letters.get(0)
                                    .headers()
                                    .lastHeader(DeadLetters.REASON)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo(DeadLetterReason.STALE_CONFIG.code());
        }
    }

    @Test
    void aStoredSearchOfTheOtherPlacementIsRefusedNamingTheKey() {
        Map<String, String> inOneTask = settings("asha");
        inOneTask.put("model.m.search.placement", "task");
        Tasks one = new Tasks(inOneTask);
        assertThat(one.stores).hasSize(1);
        TrainingFixture.blobs(50, 3, MODEL).forEach(one::take);
        one.settle();
        ModelTraining.Stores stored = one.stores.values().iterator().next();

        EddyConfig spread = EddyConfig.of(settings("asha"));
        TrialPlacement placement = TrialPlacement.of(spread, new ModelPartitions(PARTITIONS));
        assertThatThrownBy(() -> new SearchTraining(
                        MODEL,
                        spread.searches().get(MODEL),
                        trial -> spread.trialModel(MODEL, trial),
                        new SearchTraining.TrialSettings(100, 5, true, 20),
                        stored,
                        TrainingListener.NONE,
                        r -> {},
                        d -> {},
                        new SearchTraining.Placement(placement, placement.home(MODEL), (p, m) -> {}, Integer.MAX_VALUE),
                        PublishedVersions.NONE,
                        0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot continue the stored search, whose trials trained in one task")
                .hasMessageContaining("search.placement=task");
    }
}
