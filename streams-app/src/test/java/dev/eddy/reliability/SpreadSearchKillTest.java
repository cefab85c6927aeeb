package dev.eddy.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.app.EddyApp;
import dev.eddy.broker.EmbeddedBroker;
import dev.eddy.config.EddyConfig;
import dev.eddy.it.AppProcess;
import dev.eddy.it.KafkaReads;
import dev.eddy.it.Runs;
import dev.eddy.it.TrainingStreams;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.ModelStatusSerde;
import dev.eddy.topology.FanOutTopic;
import dev.eddy.topology.ModelPartitions;
import dev.eddy.topology.SearchTraining;
import dev.eddy.topology.TrainingTopology;
import dev.eddy.topology.TrialPlacement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code eddy run} instances (separate JVMs, one application id) share two searches on an examples topic of four
 * partitions, {@code routing=direct}: trial t of model m trains in the task of partition (p(m) + t) mod 4, so each
 * instance trains some trials of each search. While examples keep arriving, one instance is killed (SIGKILL) and not
 * restarted: the other takes its partitions, and with them the trials they host, from the changelogs. Nothing is lost
 * or doubled: every trial of the random search {@link #EVERY} (which prunes nothing) has taken every example of its
 * model exactly once, and each example crossed the fan-out topic once per other partition, not once per trial; the ASHA search {@link #ASHA} pruned trials in other tasks and served champions trained in other
 * tasks, its snapshots published under its id with strictly increasing versions.
 */
class SpreadSearchKillTest {

    private static final String EVERY = "r";
    private static final String ASHA = "s";
    private static final int PARTITIONS = 4;
    private static final String EXAMPLES_TOPIC = "spread.examples";
    private static final int PER_MODEL = 3_000;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration FINISH_TIMEOUT = Duration.ofSeconds(180);
    private static final String APP = "spread-kill";

    @TempDir
    Path dir;

    @Test
    void killingOneInstanceMovesItsTrialsToTheOtherWithNothingLostOrDoubled() throws Exception {
        List<Example> examples = examples();
        EmbeddedBroker broker = EmbeddedBroker.start(0, null);
        try (broker;
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            // the fan-out topic as an earlier version created it, with the broker's record size: the start raises it
            admin.createTopics(List.of(
                            new NewTopic(EXAMPLES_TOPIC, PARTITIONS, (short) 1),
                            new NewTopic(FanOutTopic.of(APP), PARTITIONS, (short) 1)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
            EddyConfig config = EddyConfig.of(settings(broker));
            EddyApp.createTopics(config);
            TrialPlacement placement = TrialPlacement.of(config, new ModelPartitions(PARTITIONS));
            assertThat(placement.partitionsOf(EVERY)).hasSize(PARTITIONS);
            assertThat(placement.partitionsOf(ASHA)).hasSize(PARTITIONS);
            int first = examples.size() / 3;
            Runs.produce(broker.bootstrapServers(), EXAMPLES_TOPIC, examples.subList(0, first), 0);

            AppProcess a = start(broker, "a");
            AppProcess b = start(broker, "b");
            List<String> events = new ArrayList<>();
            try {
                Runs.awaitCaughtUp(admin, APP, EXAMPLES_TOPIC, FINISH_TIMEOUT, a, b);
                Map<String, Set<Integer>> owned = assignment(admin);
                assertThat(owned).as("partitions of each instance").hasSize(2);
                assertThat(owned.values()).allSatisfy(p -> assertThat(p).isNotEmpty());
                events.add("both instances train, partitions " + owned.values());

                CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> Runs.produce(
                        broker.bootstrapServers(), EXAMPLES_TOPIC, examples.subList(first, examples.size()), 3));
                Thread.sleep(1_500);
                b.kill();
                events.add("instance b killed (SIGKILL) while examples arrive");
                rest.get(120, TimeUnit.SECONDS);
                events.add("all examples produced");
                Runs.awaitCaughtUp(admin, APP, EXAMPLES_TOPIC, FINISH_TIMEOUT, a);
                assertThat(assignment(admin).values())
                        .as("instance a took every partition")
                        .containsExactly(Set.of(0, 1, 2, 3));
                System.out.println("spread search run: " + events);
                assertThat(a.stop(Duration.ofSeconds(60))).as(a.log()).isEqualTo(AppProcess.EXIT_SIGTERM);
            } finally {
                a.close();
                b.close();
            }

            Map<String, List<Integer>> partitionsOfKey = statusPartitions(broker);
            Map<String, ModelStatus> statuses = Runs.statuses(broker.bootstrapServers(), APP);
            for (String model : List.of(EVERY, ASHA)) {
                int trials = config.searches().get(model).trials();
                for (int t = 0; t < trials; t++) {
                    String trial = SearchTraining.trialId(model, t);
                    assertThat(new TreeSet<>(partitionsOfKey.get(trial)))
                            .as("%s trains in the task of partition h = (p(%s) + %d) mod 4", trial, model, t)
                            .containsExactly(placement.host(model, t));
                }
            }
            for (int t = 0; t < config.searches().get(EVERY).trials(); t++) {
                ModelStatus s = statuses.get(SearchTraining.trialId(EVERY, t));
                assertThat(s.examplesTrained() + s.examplesWhilePaused() + s.holdoutReceived())
                        .as("trial %d of %s: every example of its model, once", t, EVERY)
                        .isEqualTo(PER_MODEL);
            }

            List<ConsumerRecord<Integer, byte[]>> copies = KafkaReads.readAll(
                            broker.bootstrapServers(),
                            FanOutTopic.of(APP),
                            new IntegerDeserializer(),
                            new ByteArrayDeserializer())
                    .stream()
                    .filter(r -> r.headers().lastHeader("eddy.fan-out.source") == null)
                    .toList();
            assertThat(copies)
                    .as("each example crossed once more per other partition hosting trials of its model, not per trial")
                    .hasSize(examples.size() * (PARTITIONS - 1));
            String maxBytes = admin.describeConfigs(
                            List.of(new ConfigResource(ConfigResource.Type.TOPIC, FanOutTopic.of(APP))))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .values()
                    .iterator()
                    .next()
                    .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)
                    .value();
            assertThat(Integer.parseInt(maxBytes))
                    .as("the fan-out topic, created before, takes the champion's relayed snapshots since the start")
                    .isEqualTo(config.snapshotMaxBytes());

            List<Runs.Decision> decisions = Runs.decisions(broker.bootstrapServers(), APP + ".metrics");
            assertThat(decisions)
                    .as("prunes of trials in other tasks than %s's", ASHA)
                    .anyMatch(d -> d.model().equals(ASHA)
                            && d.kind().equals("search-prune")
                            && hostOf(placement, ASHA, d.detail()) != placement.home(ASHA));
            List<ModelSnapshot> served = Runs.snapshots(broker.bootstrapServers(), APP + ".snapshots").stream()
                    .filter(s -> s.getModelId().equals(ASHA))
                    .toList();
            assertThat(served).isNotEmpty();
            for (int i = 1; i < served.size(); i++) {
                assertThat(served.get(i).getVersion())
                        .as("version of %s's snapshot %d", ASHA, i)
                        .isGreaterThan(served.get(i - 1).getVersion());
            }
            assertThat(served)
                    .as("champions of %s trained in other tasks, their snapshots relayed", ASHA)
                    .anyMatch(s -> hostOf(placement, ASHA, s.getTrial()) != placement.home(ASHA));
        }
    }

    /** The partition of the trial a decision's detail ({@code <id>~tNN: ...}) or a snapshot's trial id names. */
    private static int hostOf(TrialPlacement placement, String model, CharSequence trialText) {
        String id = trialText.toString().split(":", 2)[0];
        for (int t = 0; t < 100; t++) {
            if (SearchTraining.trialId(model, t).equals(id)) {
                return placement.host(model, t);
            }
        }
        throw new AssertionError("no trial of " + model + " in '" + trialText + "'");
    }

    /** Per status-store key, the changelog partitions its records are in. */
    private static Map<String, List<Integer>> statusPartitions(EmbeddedBroker broker) {
        Map<String, List<Integer>> out = new TreeMap<>();
        String changelog = APP + "-" + TrainingTopology.STATUS_STORE + "-changelog";
        for (ConsumerRecord<String, ModelStatus> r : KafkaReads.readAll(
                broker.bootstrapServers(), changelog, new StringDeserializer(), new ModelStatusSerde())) {
            out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.partition());
        }
        return out;
    }

    /** Per member of the group (one stream thread per instance), the examples partitions it was assigned. */
    private static Map<String, Set<Integer>> assignment(Admin admin) throws Exception {
        Collection<MemberDescription> members = admin.describeConsumerGroups(List.of(APP))
                .describedGroups()
                .get(APP)
                .get(30, TimeUnit.SECONDS)
                .members();
        Map<String, Set<Integer>> out = new TreeMap<>();
        for (MemberDescription m : members) {
            Set<Integer> partitions = new TreeSet<>();
            for (TopicPartition tp : m.assignment().topicPartitions()) {
                if (tp.topic().equals(EXAMPLES_TOPIC)) {
                    partitions.add(tp.partition());
                }
            }
            out.put(m.consumerId(), partitions);
        }
        return out;
    }

    /** elec2 (or breast_cancer) rows, the same ones for each model, alternating; each example names its model. */
    private static List<Example> examples() throws Exception {
        List<Example> rows = TrainingStreams.elec2OrBreastCancer(PER_MODEL, "x").examples();
        List<Example> out = new ArrayList<>();
        for (Example row : rows) {
            for (String model : List.of(EVERY, ASHA)) {
                out.add(Example.newBuilder(row).setModelId(model).build());
            }
        }
        return out;
    }

    private Map<String, String> settings(EmbeddedBroker broker) {
        Map<String, String> s = new HashMap<>();
        s.put("routing", "direct");
        s.put("fan-out.purge-interval-ms", "86400000"); // the test reads every fan-out copy after the run
        s.put("application.id", APP);
        s.put("bootstrap.servers", broker.bootstrapServers());
        s.put("topic.examples", EXAMPLES_TOPIC);
        s.put("topic.snapshots", APP + ".snapshots");
        s.put("topic.metrics", APP + ".metrics");
        s.put("topic.dead-letters", APP + ".dlq");
        s.put("topic.commands", APP + ".commands");
        s.put("serving.enabled", "false");
        s.put("snapshot-every", "10");
        s.put("commit.interval.ms", "200");
        s.put("kafka.session.timeout.ms", "6000");
        s.put("kafka.heartbeat.interval.ms", "1000");
        int inputs = Files.exists(TrainingStreams.ELEC2) ? 8 : 30;
        for (String m : List.of(EVERY, ASHA)) {
            s.put("model." + m + ".input-size", Integer.toString(inputs));
            s.put("model." + m + ".layers", "8:relu,1:sigmoid");
            s.put("model." + m + ".batch-size", "1"); // the status counts the examples of finished batches
            s.put("model." + m + ".eval-every", "200");
            s.put("model." + m + ".search.space.learning-rate", "loguniform(0.001,0.3)");
            s.put("model." + m + ".search.switch-margin", "0");
        }
        s.put("model." + EVERY + ".search.strategy", "random");
        s.put("model." + EVERY + ".search.trials", "16");
        s.put("model." + ASHA + ".search.strategy", "asha");
        s.put("model." + ASHA + ".search.trials", "16");
        s.put("model." + ASHA + ".search.asha.min-examples", "100");
        s.put("model." + ASHA + ".search.asha.max-examples", "1600");
        return s;
    }

    private AppProcess start(EmbeddedBroker broker, String instance) throws Exception {
        return AppProcess.start(
                dir.resolve(instance + ".log"),
                Runs.STATE_LOGGING,
                Runs.args(settings(broker), dir.resolve(instance + "-state")));
    }
}
