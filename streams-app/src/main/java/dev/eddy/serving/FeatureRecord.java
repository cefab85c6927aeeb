package dev.eddy.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.schema.Example;
import dev.eddy.serde.AvroSerde;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.serde.RecordDecodingException;
import java.io.IOException;
import java.util.List;

/**
 * One feature vector to score, decoded from either form of the features topic:
 *
 * <ul>
 *   <li>an Avro single-object {@code Example} (labels, if set, are ignored);
 *   <li>a JSON object {@code {"id": "e1", "model": "m", "features": [0.1, 2.0]}}, or, when a feature order
 *       {@code [f1, f2]} is configured, {@code {"id": "e1", "model": "m", "f1": 0.1, "f2": 2.0}}. {@code "model"}
 *       (or {@code "modelId"}) is optional, and a string when given.
 * </ul>
 *
 * @param id the record's id, copied to the prediction
 * @param modelId the model asked for, or null for the default model
 * @param features the input vector x
 */
public record FeatureRecord(String id, String modelId, double[] features) {

    private static final AvroSerde<Example> EXAMPLES = AvroSerdes.examples();
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Decodes {@code value}: JSON when its first non-blank byte is '{', Avro otherwise.
     *
     * @throws IllegalArgumentException naming what is wrong and the expected form
     */
    public static FeatureRecord decode(String topic, byte[] value, List<String> featureOrder) {
        int first = 0;
        while (first < value.length && Character.isWhitespace(value[first])) {
            first++;
        }
        if (first < value.length && value[first] == '{') {
            return json(value, featureOrder);
        }
        try {
            Example e = EXAMPLES.deserialize(topic, value);
            double[] x = new double[e.getFeatures().size()];
            for (int j = 0; j < x.length; j++) {
                x[j] = e.getFeatures().get(j);
            }
            return new FeatureRecord(e.getId(), e.getModelId(), x);
        } catch (RecordDecodingException e) {
            throw new IllegalArgumentException(e.getMessage() + "; or a JSON object " + jsonForm(featureOrder), e);
        }
    }

    private static FeatureRecord json(byte[] value, List<String> featureOrder) {
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "not JSON: " + e.getOriginalMessage() + "; expected " + jsonForm(featureOrder), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable JSON: " + e.getMessage(), e);
        }
        JsonNode id = node.get("id");
        if (id == null || !id.isTextual() && !id.isIntegralNumber()) {
            throw new IllegalArgumentException(
                    "JSON feature record needs a string \"id\"; expected " + jsonForm(featureOrder));
        }
        String modelField = node.has("model") ? "model" : "modelId";
        JsonNode model = node.get(modelField);
        if (model != null && !model.isNull() && !model.isTextual()) {
            throw new IllegalArgumentException("JSON feature record's \"" + modelField
                    + "\" must be a string naming the model, got " + model + "; expected " + jsonForm(featureOrder));
        }
        String modelId = model == null || model.isNull() ? null : model.asText();
        double[] x;
        JsonNode array = node.get("features");
        if (array != null) {
            if (!array.isArray()) {
                throw new IllegalArgumentException(
                        "\"features\" must be an array of numbers, got " + array.getNodeType());
            }
            x = new double[array.size()];
            for (int j = 0; j < x.length; j++) {
                x[j] = number(array.get(j), "features[" + j + "]");
            }
        } else if (!featureOrder.isEmpty()) {
            x = new double[featureOrder.size()];
            for (int j = 0; j < x.length; j++) {
                String name = featureOrder.get(j);
                JsonNode v = node.get(name);
                if (v == null) {
                    throw new IllegalArgumentException(
                            "JSON feature record has no field \"" + name + "\"; expected " + jsonForm(featureOrder));
                }
                x[j] = number(v, name);
            }
        } else {
            throw new IllegalArgumentException(
                    "JSON feature record has no \"features\" array; expected " + jsonForm(featureOrder));
        }
        return new FeatureRecord(id.asText(), modelId, x);
    }

    private static double number(JsonNode v, String name) {
        if (!v.isNumber()) {
            throw new IllegalArgumentException("feature " + name + " must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static String jsonForm(List<String> featureOrder) {
        return featureOrder.isEmpty()
                ? "{\"id\": \"...\", \"model\": \"...\", \"features\": [numbers]}"
                : "{\"id\": \"...\", \"model\": \"...\", " + String.join(": number, ", featureOrder) + ": number}";
    }
}
