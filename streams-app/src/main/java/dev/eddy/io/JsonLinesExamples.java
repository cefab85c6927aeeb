package dev.eddy.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.core.data.LabelKind;
import dev.eddy.core.data.RejectedRow;
import dev.eddy.schema.Example;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Examples from JSON lines (plain or gzip), one object per line:
 *
 * <pre>{"id": "a1", "features": [0.5, 1.0], "label": 1}</pre>
 *
 * <p>{@code label} is a class index or a regression target as the {@link LabelKind} given when opening says;
 * without one, an integral {@code label} is a class index and a decimal one a target. {@code classLabel} or
 * {@code target} may be given instead to say which; a line gives exactly one of the three. Optional: {@code id}
 * (default {@code <file>:<line>}), {@code modelId} (default: the one given when opening), {@code weight}, {@code
 * eventTime} (epoch milliseconds, default now). Invalid lines, and lines with any other field (a misspelt
 * {@code wieght} would otherwise train with weight 1), are reported with their number and skipped.
 */
public final class JsonLinesExamples implements ExampleSource {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every field a line may have. */
    static final List<String> FIELDS =
            List.of("id", "modelId", "features", "label", "classLabel", "target", "weight", "eventTime");

    private static final List<String> LABELS = List.of("label", "classLabel", "target");

    private final BufferedReader reader;
    private final String description;
    private final String idPrefix;
    private final String modelId;
    private final LabelKind labelKind;
    private final Consumer<RejectedRow> onRejected;
    private long lineNumber;
    private long rejectedCount;
    private Example lookahead;

    private JsonLinesExamples(
            BufferedReader reader,
            String description,
            String idPrefix,
            String modelId,
            LabelKind labelKind,
            Consumer<RejectedRow> onRejected)
            throws IOException {
        this.reader = reader;
        this.description = description;
        this.idPrefix = idPrefix;
        this.modelId = modelId;
        this.labelKind = labelKind;
        this.onRejected = onRejected;
        this.lookahead = readExample();
    }

    /**
     * Opens a JSON-lines file.
     *
     * @param labelKind what {@code label} holds, or null to read an integral one as a class index and a decimal one
     *     as a target, line by line
     * @param modelId model id for lines without one, or null for the application's default model
     */
    public static JsonLinesExamples open(
            Path file, LabelKind labelKind, String modelId, Consumer<RejectedRow> onRejected) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            in.mark(2);
            boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
            in.reset();
            InputStream decoded = gzip ? new GZIPInputStream(in, 1 << 16) : in;
            String name = file.getFileName().toString().replaceFirst("(\\.jsonl|\\.json)?(\\.gz)?$", "");
            return new JsonLinesExamples(
                    new BufferedReader(new InputStreamReader(decoded, UTF_8)),
                    file.toString(),
                    name,
                    modelId,
                    labelKind,
                    onRejected);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return idPrefix;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public long rejectedCount() {
        return rejectedCount;
    }

    @Override
    public boolean hasNext() {
        return lookahead != null;
    }

    @Override
    public Example next() {
        if (lookahead == null) {
            throw new NoSuchElementException("no more examples in " + description);
        }
        Example example = lookahead;
        try {
            lookahead = readExample();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + description + " after line " + lineNumber, e);
        }
        return example;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private Example readExample() throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            try {
                return parse(JSON.readTree(line));
            } catch (JsonProcessingException e) {
                reject("not valid JSON: " + e.getOriginalMessage());
            } catch (IllegalArgumentException e) {
                reject(e.getMessage());
            }
        }
        return null;
    }

    private void reject(String reason) {
        rejectedCount++;
        onRejected.accept(new RejectedRow(lineNumber, reason));
    }

    private Example parse(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    "expected a JSON object such as {\"features\": [1.0, 2.0], \"label\": 1}");
        }
        checkFields(node);
        Example.Builder example = Example.newBuilder()
                .setId(text(node, "id", idPrefix + ":" + lineNumber))
                .setModelId(text(node, "modelId", modelId))
                .setFeatures(features(node.get("features")))
                .setEventTime(
                        node.hasNonNull("eventTime")
                                ? Instant.ofEpochMilli((long) number(node, "eventTime"))
                                : Instant.now())
                .setWeight(node.hasNonNull("weight") ? number(node, "weight") : null);
        String label = label(node);
        boolean isClass = label.equals("classLabel")
                || label.equals("label")
                        && (labelKind == null ? node.get(label).isIntegralNumber() : labelKind == LabelKind.CLASS);
        if (isClass) {
            JsonNode classLabel = node.get(label);
            if (!classLabel.isIntegralNumber() || !classLabel.canConvertToInt() || classLabel.intValue() < 0) {
                throw new IllegalArgumentException(
                        label + ": expected a class index (an integer >= 0), got " + classLabel);
            }
            example.setClassLabel(classLabel.intValue());
        } else {
            example.setTarget(number(node, label));
        }
        return example.build();
    }

    /** Refuses fields outside {@link #FIELDS}. */
    private static void checkFields(JsonNode node) {
        for (var names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown field '" + name + "', expected only " + String.join(", ", FIELDS));
            }
        }
    }

    /** The one label field the line sets (a null value counts as absent). */
    private static String label(JsonNode node) {
        List<String> given = LABELS.stream().filter(node::hasNonNull).toList();
        if (given.size() != 1) {
            throw new IllegalArgumentException(
                    (given.isEmpty() ? "no label" : "more than one label (" + String.join(", ", given) + ")")
                            + ": expected exactly one of 'label', 'classLabel' (a class index) or 'target' (a number)");
        }
        return given.get(0);
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual() && !value.isNumber()) {
            throw new IllegalArgumentException(field + ": expected a string, got " + value);
        }
        return value.asText();
    }

    private static double number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            throw new IllegalArgumentException(field + ": expected a finite number, got " + value);
        }
        return value.doubleValue();
    }

    private static List<Double> features(JsonNode array) {
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw new IllegalArgumentException("features: expected a non-empty array of numbers, got " + array);
        }
        List<Double> features = new ArrayList<>(array.size());
        for (JsonNode value : array) {
            if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
                throw new IllegalArgumentException(
                        "features[" + features.size() + "]: expected a finite number, got " + value);
            }
            features.add(value.doubleValue());
        }
        return features;
    }
}
