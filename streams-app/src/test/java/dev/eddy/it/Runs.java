package dev.eddy.it;

import dev.eddy.app.EddyApp;
import dev.eddy.io.ExampleProducer;
import dev.eddy.schema.Example;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.ModelStatusSerde;
import dev.eddy.topology.FanOutTopic;
import dev.eddy.topology.TrainingTopology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What the fault tests share about one {@code eddy run} run: its command line, its outputs, its progress. */
public final class Runs {

    /** JVM options: info logging of the Kafka Streams state transitions and of the changelog restoration. */
    public static final List<String> STATE_LOGGING = List.of(
            "-Dorg.slf4j.simpleLogger.log.dev.eddy.app.EddyApp=info",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.processor.internals.DefaultStateUpdater=info",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.processor.internals.StoreChangelogReader=info");
    /** EddyApp's line (with {@link #STATE_LOGGING}) when Kafka Streams reaches RUNNING. */
    public static final String RUNNING_LINE = "-> RUNNING";

    /** EddyApp's state-transition line: {@code Kafka Streams BEFORE -> NOW}. */
    private static final Pattern TRANSITION = Pattern.compile("Kafka Streams \\w+ -> (\\w+)");

    private Runs() {}

    /**
     * The arguments of {@code eddy run} for {@code settings}: {@code --bootstrap-servers}, metrics on any free port,
     * {@code --state-dir}, and every other setting as {@code --set key=value}.
     */
    public static List<String> args(Map<String, String> settings, Path stateDir) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers",
                settings.get("bootstrap.servers"),
                "--metrics-port",
                "0",
                "--state-dir",
                stateDir.toString()));
        settings.forEach((k, v) -> {
            if (!k.equals("bootstrap.servers")) {
                args.add("--set");
                args.add(k + "=" + v);
            }
        });
        return args;
    }

    /** The examples {@code app} counted in this process: trained (or received while paused) and held out. */
    public static double counted(EddyApp app) {
        MeterRegistry registry = app.metrics().registry();
        double trained = registry.get("eddy.training.examples").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
        double heldOut = registry.get("eddy.holdout.examples").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
        return trained + heldOut;
    }

    /** Every committed snapshot of {@code topic}, in partition order. */
    public static List<ModelSnapshot> snapshots(String bootstrapServers, String topic) {
        List<ModelSnapshot> out = new ArrayList<>();
        KafkaReads.readAll(
                        bootstrapServers,
                        topic,
                        new StringDeserializer(),
                        AvroSerdes.modelSnapshots().deserializer())
                .forEach(r -> out.add(r.value()));
        return out;
    }

    /**
     * Sends {@code examples} to {@code topic} keyed by model id (each model's examples share a partition, so their order
     * does not depend on timing), {@code perTenMs} every 10 ms (0: all at once), and waits for every acknowledgement.
     */
    public static void produce(String bootstrapServers, String topic, List<Example> examples, int perTenMs) {
        try (ExampleProducer producer = new ExampleProducer(bootstrapServers, topic)) {
            for (int i = 0; i < examples.size(); i++) {
                producer.send(examples.get(i));
                if (perTenMs > 0 && i % perTenMs == perTenMs - 1) {
                    producer.flush();
                    Thread.sleep(10);
                }
            }
            producer.flush();
            if (producer.acknowledged() != examples.size()) {
                throw new IllegalStateException(producer.acknowledged() + " of " + examples.size()
                        + " examples acknowledged; first failure: " + producer.firstFailure());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last committed status of every model of application {@code applicationId}, from the status changelog. */
    public static Map<String, ModelStatus> statuses(String bootstrapServers, String applicationId) {
        Map<String, ModelStatus> out = new TreeMap<>();
        String changelog = applicationId + "-" + TrainingTopology.STATUS_STORE + "-changelog";
        KafkaReads.readAll(bootstrapServers, changelog, new StringDeserializer(), new ModelStatusSerde())
                .forEach(r -> out.put(r.key(), r.value()));
        return out;
    }

    /** A search's decision as its metrics record gives it: the model, its examples then, the kind and the detail. */
    public record Decision(String model, long examples, String kind, String detail) {}

    /** The committed search decisions on metrics topic {@code topic}, in the order they were published. */
    public static List<Decision> decisions(String bootstrapServers, String topic) {
        List<Decision> out = new ArrayList<>();
        KafkaReads.readAll(
                        bootstrapServers,
                        topic,
                        new StringDeserializer(),
                        AvroSerdes.trainingMetrics().deserializer())
                .forEach(r -> {
                    TrainingMetrics m = r.value();
                    if (m.getEvent() != null && m.getEvent().getKind().startsWith("search-")) {
                        out.add(new Decision(
                                m.getModelId(),
                                m.getExamplesSeen(),
                                m.getEvent().getKind(),
                                m.getEvent().getDetail()));
                    }
                });
        return out;
    }

    /**
     * The last committed value of every key that {@code keys} accepts in store {@code store} of application {@code
     * applicationId}, read from its changelog (a deleted key is absent).
     */
    public static Map<String, byte[]> storeState(
            String bootstrapServers, String applicationId, String store, Predicate<String> keys) {
        Map<String, byte[]> out = new TreeMap<>();
        KafkaReads.readAll(
                        bootstrapServers,
                        applicationId + "-" + store + "-changelog",
                        new StringDeserializer(),
                        new ByteArrayDeserializer())
                .forEach(r -> {
                    if (keys.test(r.key())) {
                        if (r.value() == null) {
                            out.remove(r.key());
                        } else {
                            out.put(r.key(), r.value());
                        }
                    }
                });
        return out;
    }

    /** The last of {@code snapshots} (in topic order). */
    public static ModelSnapshot last(List<ModelSnapshot> snapshots) {
        return snapshots.get(snapshots.size() - 1);
    }

    /** The snapshot without its wall-clock creation time, the one field a replay may change. */
    public static ModelSnapshot comparable(ModelSnapshot s) {
        return ModelSnapshot.newBuilder(s).setCreatedAt(Instant.EPOCH).build();
    }

    /** Kafka Streams' state in {@code app} as its last logged transition says (needs {@link #STATE_LOGGING}). */
    public static String state(AppProcess app) {
        Matcher m = TRANSITION.matcher(app.log());
        String state = "CREATED";
        while (m.find()) {
            state = m.group(1);
        }
        return state;
    }

    /** Waits until {@code app} is in state RUNNING (needs {@link #STATE_LOGGING}). */
    public static void awaitRunning(AppProcess app, Duration timeout) throws InterruptedException {
        KafkaReads.await(timeout, "eddy run in state RUNNING", () -> {
            if (!app.isAlive()) {
                throw new AssertionError("eddy run died:\n" + app.log());
            }
            return state(app).equals("RUNNING");
        });
    }

    /**
     * Waits until every one of {@code apps} is in state RUNNING (needs {@link #STATE_LOGGING}; a process stopped
     * while not RUNNING publishes no FINAL snapshot) and group {@code applicationId} committed everything: lag 0 on the
     * examples topic and the trainer-input or fan-out topic.
     */
    public static void awaitCaughtUp(
            Admin admin, String applicationId, String examplesTopic, Duration timeout, AppProcess... apps)
            throws InterruptedException {
        String trainerInput = TrainingTopology.trainerInputTopic(applicationId);
        String fanOut = FanOutTopic.of(applicationId);
        KafkaReads.await(timeout, applicationId + " running with consumer lag 0 on its inputs", () -> {
            for (AppProcess app : apps) {
                if (!app.isAlive()) {
                    throw new AssertionError("eddy run died:\n" + app.log());
                }
                if (!state(app).equals("RUNNING")) {
                    return false;
                }
            }
            try {
                // A running application with routing=repartition has created its trainer-input topic, one with direct
                // routing on partitioned input its fan-out topic.
                List<String> topics = new ArrayList<>(List.of(examplesTopic));
                Set<String> existing = admin.listTopics().names().get();
                for (String internal : List.of(trainerInput, fanOut)) {
                    if (existing.contains(internal)) {
                        topics.add(internal);
                    }
                }
                return KafkaReads.lag(admin, applicationId, topics) == 0;
            } catch (Exception e) {
                return false;
            }
        });
    }
}
