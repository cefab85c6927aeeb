package dev.eddy.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.app.EddyApp;
import dev.eddy.config.EddyConfig;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.serde.AvroSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One small model ({@value #MODEL}: breast_cancer, 30-16-1, batch 32, an evaluation every {@value #EVAL_EVERY} steps,
 * early stopping off) trained to the end of its examples by an application on the embedded broker, for the tests of
 * what the application shows about its training (the history, the console).
 */
public final class TrainedModel {

    public static final String MODEL = "bc";
    public static final int EVAL_EVERY = 2;

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainedModel() {}

    /** The application's settings; every topic is named {@code prefix.*}. */
    public static EddyConfig config(String prefix, String bootstrapServers, Path dir) {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", prefix);
        s.put("bootstrap.servers", bootstrapServers);
        s.put("state.dir", dir.resolve("state").toString());
        for (String t :
                List.of("examples", "snapshots", "metrics", "dead-letters", "commands", "features", "predictions")) {
            s.put("topic." + t, prefix + "." + t);
        }
        s.put("holdout.fraction", "0.2");
        s.put("holdout.buffer-size", "200");
        s.put("snapshot-every", "10");
        s.put("commit.interval.ms", "200");
        // A restarted application gets its tasks back after 6 s, not the default 45 s: close does not leave the group.
        s.put("kafka.session.timeout.ms", "6000");
        s.put("model." + MODEL + ".input-size", "30");
        s.put("model." + MODEL + ".layers", "16:relu,1:sigmoid");
        s.put("model." + MODEL + ".batch-size", "32");
        s.put("model." + MODEL + ".eval-every", Integer.toString(EVAL_EVERY));
        s.put("model." + MODEL + ".early-stopping.enabled", "false");
        return EddyConfig.of(s);
    }

    /** breast_cancer replayed to {@code examples} rows, produced to the examples topic. */
    public static void produce(EddyConfig config, int examples) throws Exception {
        TrainingStreams.breastCancer(examples, MODEL)
                .produce(config.bootstrapServers(), config.topics().examples());
    }

    /** Waits until {@code app} counted {@code examples} examples and committed its input to the end. */
    public static void awaitTrained(EddyApp app, Admin admin, int examples) throws Exception {
        MeterRegistry registry = app.metrics().registry();
        KafkaReads.await(Duration.ofSeconds(60), "every example counted", () -> counted(registry) == examples);
        KafkaReads.await(Duration.ofSeconds(30), "the examples committed", () -> {
            try {
                return KafkaReads.lag(
                                admin,
                                app.config().applicationId(),
                                List.of(app.config().topics().examples()))
                        == 0;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /**
     * Waits until {@code app}'s history of {@value #MODEL} has read every committed training-metrics record; returns
     * the number of its points.
     */
    public static int awaitHistory(EddyApp app, EddyConfig config) throws Exception {
        URI history = app.modelsUri().resolve("/models/" + MODEL + "/history");
        int records = metricsRecords(config).size();
        KafkaReads.await(
                Duration.ofSeconds(30),
                "the history of every metrics record",
                () -> json(history).get("seq").asLong() == records);
        return json(history).get("points").size();
    }

    /** The JSON body of {@code GET uri}, whatever the status. */
    public static JsonNode json(URI uri) {
        try {
            HttpResponse<String> r =
                    HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(uri + ": " + e, e);
        }
    }

    /** The committed records of the training-metrics topic that decode as TrainingMetrics, in topic order. */
    public static List<TrainingMetrics> metricsRecords(EddyConfig config) {
        List<TrainingMetrics> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : KafkaReads.readAll(
                config.bootstrapServers(),
                config.topics().metrics(),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            try {
                out.add(AvroSerdes.trainingMetrics().deserializer().deserialize(r.topic(), r.value()));
            } catch (RuntimeException e) {
                // a record another writer put there: not training metrics
            }
        }
        return out;
    }

    private static double counted(MeterRegistry registry) {
        double n = registry.get("eddy.holdout.examples").counter().count();
        for (var c : registry.get("eddy.training.examples").counters()) {
            n += c.count();
        }
        return n;
    }
}
