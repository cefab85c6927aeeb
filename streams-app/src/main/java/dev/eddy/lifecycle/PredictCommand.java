package dev.eddy.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.config.ConfigOptions;
import dev.eddy.config.EddyConfig;
import dev.eddy.core.data.CsvDataset;
import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.core.data.RejectedRow;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.io.ClusterContact;
import dev.eddy.io.SendResults;
import dev.eddy.io.Topics;
import dev.eddy.schema.Prediction;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.serving.ServingModel;
import dev.eddy.topology.FeatureRange;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eddy predict}: scores the rows of a CSV file, through the running application or offline. */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        header = "Score the rows of a CSV file, through Kafka or offline with an exported snapshot.",
        description = {
            "Score the rows of a CSV file (header, feature columns, optionally a last column 'label' whose values are",
            "not read). Through Kafka (default): each row goes to the features topic as JSON and the prediction",
            "the running application writes is collected, so it carries the served model version. Offline",
            "(--snapshot-file): the rows are scored in this process with a file written by 'eddy export'.",
            "Output: CSV 'id,model_version,predicted,output_0,...' on stdout or to --out (id: <file name>:<line>).",
            "A row that cannot be read, or (offline) that has a feature beyond what the model takes (a float32",
            "model: the float range, as serving checks it) or gets a NaN or infinite output, is reported with its",
            "line number and not printed; the command then exits with 1, as it does when a row gets no prediction.",
            "A missing features or predictions topic is named before any row is sent; a row that cannot be written",
            "to the features topic fails the command."
        })
public final class PredictCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "ID", description = "Model to score with.")
    String model;

    @Option(names = "--csv", required = true, paramLabel = "FILE", description = "Rows to score (plain or gzip).")
    Path csv;

    @Option(
            names = "--snapshot-file",
            paramLabel = "FILE",
            description = "Score offline with this exported model instead of through Kafka.")
    Path snapshotFile;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the predictions here instead of stdout.")
    Path out;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka cluster of the running application. Default: bootstrap.servers of the configuration"
                    + " (localhost:9092).")
    String bootstrapServers;

    @Option(
            names = "--features-topic",
            paramLabel = "TOPIC",
            description = "Default: topic.features of the configuration (" + Topics.FEATURES + ").")
    String featuresFlag;

    @Option(
            names = "--predictions-topic",
            paramLabel = "TOPIC",
            description = "Default: topic.predictions of the configuration (" + Topics.PREDICTIONS + ").")
    String predictionsFlag;

    @Mixin
    ConfigOptions configuration;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "Through Kafka: stop waiting for the topics and for predictions after this long."
                    + " Default: ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    /** Rows of {@link #csv} that could not be read. */
    private long unreadable;

    /** Rows of {@link #csv} with a feature beyond what the exported model takes (offline). */
    private long outOfRange;

    /** Rows of {@link #csv} that the exported model gave a NaN or infinite output (offline). */
    private long nonFiniteOutputs;

    /** A row to score: its id ({@code <file name>:<line>}), its line and its feature vector. */
    private record Row(String id, long line, double[] features) {}

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        List<Row> rows = read(r -> err.println("skipping " + r));
        List<Prediction> predictions =
                snapshotFile != null ? offline(rows, r -> err.println("skipping " + r)) : throughKafka(rows);
        if (out == null) {
            write(predictions, spec.commandLine().getOut());
        } else {
            try (Writer file = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                write(predictions, new PrintWriter(file));
            }
        }
        long total = rows.size() + unreadable;
        if (unreadable > 0) {
            err.println(unreadable + " of " + total + " rows of " + csv + " could not be read and were not scored");
        }
        if (outOfRange > 0) {
            err.println(outOfRange + " of " + total + " rows of " + csv
                    + " have a feature beyond what the model takes and were not scored");
        }
        if (nonFiniteOutputs > 0) {
            err.println(nonFiniteOutputs + " of " + total + " rows of " + csv
                    + " got a NaN or infinite output and were not printed");
        }
        long missing = rows.size() - outOfRange - nonFiniteOutputs - predictions.size();
        if (missing > 0) {
            err.println(missing + " of " + total + " rows got no prediction within " + timeoutSeconds
                    + " s (no accepted snapshot of '" + model + "' yet? see the dead-letter topic)");
        }
        err.flush();
        return unreadable > 0 || outOfRange > 0 || nonFiniteOutputs > 0 || missing > 0 ? 1 : 0;
    }

    private static void write(List<Prediction> predictions, PrintWriter w) {
        for (Prediction p : predictions) {
            w.println(csvLine(p));
        }
        w.flush();
    }

    /** The rows' features; a label column's text is not read, so only a row whose features do not parse is lost. */
    private List<Row> read(Consumer<RejectedRow> onUnreadable) throws IOException {
        List<Row> rows = new ArrayList<>();
        String name = FileOrderStream.nameOf(csv);
        try (CsvDataset data = CsvDataset.openFeatures(csv, onUnreadable)) {
            for (LabeledRow row : data) {
                rows.add(new Row(name + ":" + row.lineNumber(), row.lineNumber(), row.features()));
            }
            unreadable = data.rejectedCount();
        }
        return rows;
    }

    /**
     * Scores with the exported model; the version is unknown offline and shown as -1. A row with a feature beyond
     * what the model takes ({@link FeatureRange}, as serving checks it: a float32 model's float range) goes to {@code
     * onRefused} instead, not scored, and so does one whose output is NaN or infinite ({@link
     * ServingModel#nonFiniteOutput}, serving's non-finite-output).
     */
    private List<Prediction> offline(List<Row> rows, Consumer<RejectedRow> onRefused) throws IOException {
        ServingModel m = new ServingModel(model, -1, InferenceModel.fromBytes(Files.readAllBytes(snapshotFile)));
        int inputSize = m.model().inputSize();
        List<Prediction> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            double[] x = row.features();
            if (x.length != inputSize) {
                throw new IllegalArgumentException(csv + " line " + row.line() + ": " + x.length
                        + " features, but the model in " + snapshotFile + " expects " + inputSize);
            }
            String problem = FeatureRange.problem(x, m.model().precision(), false);
            if (problem != null) {
                onRefused.accept(new RejectedRow(row.line(), problem));
                outOfRange++;
                continue;
            }
            Prediction p = m.score(row.id(), x, System.currentTimeMillis());
            String nonFinite = m.nonFiniteOutput(p);
            if (nonFinite != null) {
                onRefused.accept(new RejectedRow(row.line(), nonFinite));
                nonFiniteOutputs++;
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Sends each row as {@code {"id", "model", "features"}} (ids made unique per run) and collects the predictions
     * of those ids, in row order.
     */
    private List<Prediction> throughKafka(List<Row> rows) throws InterruptedException {
        EddyConfig config = configuration.clients(ConfigOptions.flags(
                "bootstrap.servers", bootstrapServers,
                "topic.features", featuresFlag,
                "topic.predictions", predictionsFlag));
        String featuresTopic = config.value("topic.features");
        String predictionsTopic = config.value("topic.predictions");
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Prediction> byId = new LinkedHashMap<>();
        rows.forEach(row -> byId.put(run + "/" + row.id(), null));
        Properties c = consumerProperties(config);
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        ClusterContact.await(config.clientProperties(), config.bootstrapTimeout(), timeout);
        Properties p = producerProperties(config, timeout);
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + timeout.toNanos();
        int received = 0;
        SendResults sends = new SendResults();
        try (KafkaConsumer<String, byte[]> consumer =
                        new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = partitionsOf(consumer, predictionsTopic, timeout);
            partitionsOf(consumer, featuresTopic, timeout); // a missing one fails before any row is sent
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // fix the start before anything is produced
            for (Row row : rows) {
                ObjectNode record =
                        json.createObjectNode().put("id", run + "/" + row.id()).put("model", model);
                ArrayNode features = record.putArray("features");
                for (double x : row.features()) {
                    features.add(x);
                }
                producer.send(
                        new ProducerRecord<>(
                                featuresTopic,
                                record.get("id").asText(),
                                record.toString().getBytes(StandardCharsets.UTF_8)),
                        sends);
            }
            producer.flush();
            if (sends.failed() > 0) {
                throw new IllegalStateException(sends.failed() + " of " + rows.size() + " rows were not written to "
                        + featuresTopic + "; first failure: " + sends.firstFailure());
            }
            while (received < rows.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && byId.containsKey(r.key()) && byId.get(r.key()) == null) {
                        byId.put(r.key(), AvroSerdes.predictions().deserialize(predictionsTopic, r.value()));
                        received++;
                    }
                }
            }
        }
        return byId.values().stream().filter(v -> v != null).collect(Collectors.toList());
    }

    /** The predictions consumer's settings: the configuration's client settings over Eddy's. */
    static Properties consumerProperties(EddyConfig config) {
        Properties c = new Properties();
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.putAll(config.clientProperties());
        // Looking up a missing topic must not create it with the broker's defaults instead of Eddy's.
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return c;
    }

    /**
     * The features producer's settings: the configuration's client settings, with {@code max.block.ms} (how long a
     * send waits for the topic's metadata) at most {@code timeout}.
     */
    static Properties producerProperties(EddyConfig config, Duration timeout) {
        Properties p = new Properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putAll(config.clientProperties());
        long maxBlockMs = Long.parseLong(String.valueOf(p.getOrDefault(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000")));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Math.min(maxBlockMs, timeout.toMillis())));
        return p;
    }

    /**
     * The partitions of {@code topic}.
     *
     * @throws IllegalStateException if the topic does not exist
     */
    private static List<TopicPartition> partitionsOf(
            KafkaConsumer<String, byte[]> consumer, String topic, Duration timeout) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .collect(Collectors.toList());
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist (see: eddy topics)");
        }
        return partitions;
    }

    /** {@code id,model_version,predicted,output_0,...}. */
    static String csvLine(Prediction p) {
        StringBuilder b = new StringBuilder();
        b.append(p.getId()).append(',').append(p.getModelVersion()).append(',');
        b.append(
                p.getPredictedClass() != null
                        ? p.getPredictedClass().toString()
                        : p.getPredictedValue().toString());
        for (double v : p.getOutputs()) {
            b.append(',').append(v);
        }
        return b.toString();
    }
}
