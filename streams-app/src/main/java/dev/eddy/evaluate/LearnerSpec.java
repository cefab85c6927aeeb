package dev.eddy.evaluate;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.data.FileOrderStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A network configuration that {@code eddy evaluate} runs on every stream: model keys (as under {@code model.<id>.}
 * in {@code eddy run}'s file) over the {@link #DEFAULTS}, plus the application keys {@code holdout.fraction} and
 * {@code prequential.window}. {@code layers} lists the hidden layers only; the output layer is appended from the
 * stream's task ({@code 1:sigmoid}, {@code K:softmax} or {@code 1:linear}) and {@code input-size} is the stream's
 * feature count.
 *
 * @param name the report name: {@code default}, or the file name without its last extension
 * @param modelKeys the model keys, defaults included
 * @param appKeys {@code holdout.fraction} and {@code prequential.window}, when the file sets them
 */
public record LearnerSpec(String name, Map<String, String> modelKeys, Map<String, String> appKeys) {

    /** The configuration a new user writes: two relu layers, Adam 1e-3, batch 32, no early stopping. */
    public static final Map<String, String> DEFAULTS = defaults();

    /** The application keys a learner file may set. */
    private static final Map<String, String> APP_KEYS = Map.of("holdout.fraction", "0.1", "prequential.window", "1000");

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("layers", "64:relu,32:relu");
        d.put("optimizer", "adam");
        d.put("learning-rate", "0.001");
        d.put("batch-size", "32");
        d.put("eval-every", "50");
        d.put("early-stopping.enabled", "false");
        return Map.copyOf(d);
    }

    /** The {@code default} learner. */
    public static LearnerSpec defaultLearner() {
        return new LearnerSpec("default", new TreeMap<>(DEFAULTS), Map.of());
    }

    /**
     * A learner file (Java properties).
     *
     * @throws IllegalArgumentException naming the file and the key when a key is not a model key or one of the two
     *     application keys, or when a value is invalid (checked against every stream's task when it runs)
     */
    public static LearnerSpec fromFile(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> model = new TreeMap<>(DEFAULTS);
        Map<String, String> app = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            String value = p.getProperty(key).trim();
            if (APP_KEYS.containsKey(key)) {
                app.put(key, value);
            } else if (key.equals("input-size")) {
                throw new IllegalArgumentException(
                        file + ": key 'input-size' is not allowed: the input size is the stream's feature count");
            } else if (key.startsWith("model.")) {
                throw new IllegalArgumentException(file + ": key '" + key + "' is not allowed: write model keys"
                        + " without the model.<id>. prefix (e.g. 'optimizer=sgd')");
            } else {
                model.put(key, value);
            }
        }
        LearnerSpec spec = new LearnerSpec(nameOf(file), model, app);
        // Fail at start, not after the first streams: the keys must form a valid model for some task.
        spec.config(2, 1, false, file.toString());
        return spec;
    }

    /** The file name without its last extension: {@code runs/drift.properties} is {@code drift}. */
    static String nameOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** The application configuration of this learner on a stream, its one model named {@code m}. */
    EddyConfig config(FileOrderStream stream) {
        return config(stream.classes(), stream.featureCount(), !stream.classification(), name);
    }

    private EddyConfig config(int classes, int features, boolean regression, String source) {
        Map<String, String> settings = new HashMap<>(APP_KEYS);
        settings.putAll(appKeys);
        modelKeys.forEach((k, v) -> settings.put("model.m." + k, v));
        String hidden = modelKeys.getOrDefault("layers", "");
        String output = regression ? "1:linear" : classes == 2 ? "1:sigmoid" : classes + ":softmax";
        settings.put("model.m.layers", hidden.isBlank() ? output : hidden + "," + output);
        settings.put("model.m.input-size", Integer.toString(features));
        try {
            return EddyConfig.of(settings);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage().replace("model.m: ", "").replace("model.m.", "");
            throw new IllegalArgumentException(source + ": " + message, e);
        }
    }
}
