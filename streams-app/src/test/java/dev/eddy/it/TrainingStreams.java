package dev.eddy.it;

import dev.eddy.core.data.BundledDataset;
import dev.eddy.core.data.LabelKind;
import dev.eddy.io.CsvExamples;
import dev.eddy.io.ExampleProducer;
import dev.eddy.schema.Example;
import dev.eddy.topology.ModelPartitions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** Labeled example streams from the real datasets, and producing them. */
public record TrainingStreams(String description, int inputSize, List<Example> examples) {

    /** elec2 in the shared datasets folder, relative to the streams-app module (the tests' working directory). */
    public static final Path ELEC2 = Path.of("..", "..", "shared", "datasets", "elec2", "elec2.csv.gz");

    /** The first {@code rows} rows of elec2 (8 features, binary), for model {@code modelId}. */
    public static TrainingStreams elec2(int rows, String modelId) throws IOException {
        List<Example> out = new ArrayList<>(rows);
        try (CsvExamples csv = CsvExamples.open(ELEC2, LabelKind.CLASS, modelId, rejected -> {
            throw new IllegalStateException("elec2 row rejected: " + rejected);
        })) {
            while (csv.hasNext() && out.size() < rows) {
                out.add(csv.next());
            }
        }
        return new TrainingStreams("elec2 (first " + out.size() + " rows)", 8, out);
    }

    /** breast_cancer (bundled, 569 rows, 30 features, binary) replayed until {@code n} examples; ids stay unique. */
    public static TrainingStreams breastCancer(int n, String modelId) throws IOException {
        List<Example> rows = new ArrayList<>();
        try (CsvExamples csv = CsvExamples.open(BundledDataset.BREAST_CANCER, modelId, rejected -> {
            throw new IllegalStateException("breast_cancer row rejected: " + rejected);
        })) {
            csv.forEachRemaining(rows::add);
        }
        List<Example> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Example e = Example.newBuilder(rows.get(i % rows.size()))
                    .setId(rows.get(i % rows.size()).getId() + "#" + i / rows.size())
                    .build();
            out.add(e);
        }
        return new TrainingStreams("breast_cancer replayed to " + n + " examples", 30, out);
    }

    /** elec2 when the shared datasets folder is there, else breast_cancer replayed. */
    public static TrainingStreams elec2OrBreastCancer(int n, String modelId) throws IOException {
        return Files.exists(ELEC2) ? elec2(n, modelId) : breastCancer(n, modelId);
    }

    /** Writes every example to {@code topic} and waits until all are acknowledged. */
    public void produce(String bootstrapServers, String topic) {
        produce(bootstrapServers, topic, null);
    }

    /**
     * Writes every example to {@code topic} under {@code key} (null: each keyed by its model id, or its id when it
     * names none) and waits until all are acknowledged.
     */
    public void produce(String bootstrapServers, String topic, String key) {
        try (ExampleProducer producer = new ExampleProducer(bootstrapServers, topic)) {
            examples.forEach(e -> {
                if (key == null) {
                    producer.send(e);
                } else {
                    producer.send(key, e);
                }
            });
            producer.flush();
            if (producer.acknowledged() != examples.size()) {
                throw new IllegalStateException(producer.acknowledged() + " of " + examples.size()
                        + " examples acknowledged; first failure: " + producer.firstFailure());
            }
        }
    }

    /**
     * A key that Kafka's default partitioner puts in another of {@code partitions} partitions than {@code modelId}:
     * examples under it that name no model reach that model's task through the fan-out topic (direct routing).
     */
    public static String keyOfAnotherPartition(String modelId, int partitions) {
        ModelPartitions placed = new ModelPartitions(partitions);
        return IntStream.range(0, 100)
                .mapToObj(i -> "file-" + i)
                .filter(k -> placed.of(k) != placed.of(modelId))
                .findFirst()
                .orElseThrow();
    }
}
