package dev.eddy.evaluate;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.core.search.TrialSearch;
import dev.eddy.core.train.TrainerConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A network configuration that {@code eddy evaluate} runs on every stream: model keys (as under {@code model.<id>.}
 * in {@code eddy run}'s file) over the {@link #DEFAULTS}, plus the application keys {@code holdout.fraction} and
 * {@code prequential.window}. {@code layers} lists the hidden layers only; the output layer is appended from the
 * stream's task ({@code 1:sigmoid}, {@code K:softmax} or {@code 1:linear}) and {@code input-size} is the stream's
 * feature count; {@code standardize-target}, a regression key, applies to regression streams only. With {@code
 * search.*} keys the learner is an online search ({@link #search}): its trials are the other keys with each trial's
 * searched keys over them.
 *
 * @param name the report name: {@code default}, or the file name without its last extension
 * @param modelKeys the model keys, defaults included
 * @param appKeys {@code holdout.fraction} and {@code prequential.window}, when the file sets them
 */
public record LearnerSpec(String name, Map<String, String> modelKeys, Map<String, String> appKeys) {

    /** The configuration a new user writes: two relu layers, Adam 1e-3, batch 32, no early stopping. */
    public static final Map<String, String> DEFAULTS = defaults();

    /** The prefix of the search section's keys. */
    private static final String SEARCH_PREFIX = "search.";

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
        refuseEnsembleWithSearch(file, model);
        LearnerSpec spec = new LearnerSpec(nameOf(file), model, app);
        // Fail at start, not after the first streams: the keys must form a valid model for some task, and so must
        // every trial of a search.
        spec.config(2, 1, false, file.toString());
        Optional<SearchConfig> parsed;
        try {
            parsed = spec.search();
            parsed.ifPresent(search -> TrialSearch.of(search, true));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        parsed.ifPresent(search -> {
            for (SortedMap<String, String> trial : search.initialTrials()) {
                spec.trial(trial).config(2, 1, false, file + " (trial " + trial + ")");
            }
        });
        return spec;
    }

    /**
     * The search section ({@code search.*} keys), when the learner is a search: {@code eddy evaluate} then runs its
     * trials side by side and scores what the search serves ({@link dev.eddy.topology.LocalSearch}).
     *
     * @throws IllegalArgumentException naming the key, as {@link SearchConfig#parse}
     */
    public Optional<SearchConfig> search() {
        Map<String, String> keys = new TreeMap<>();
        modelKeys.forEach((k, v) -> {
            if (k.startsWith(SEARCH_PREFIX)) {
                keys.put(k, v);
            }
        });
        return SearchConfig.parse(keys);
    }

    /** One trial of this search: the model keys without {@code search.*}, the trial's keys over them. */
    LearnerSpec trial(SortedMap<String, String> trialKeys) {
        Map<String, String> model = new TreeMap<>(modelKeys);
        model.keySet().removeIf(k -> k.startsWith(SEARCH_PREFIX));
        model.putAll(trialKeys);
        return new LearnerSpec(name, model, appKeys);
    }

    /**
     * A search compares and serves single networks: {@code ensemble} (or a search space over it) cannot combine with
     * {@code search.*}; {@code search.ensemble-top} serves the best trials together instead. ({@code ensemble=none}
     * is one network.)
     */
    private static void refuseEnsembleWithSearch(Path file, Map<String, String> model) {
        String ensemble = model.keySet().stream()
                .filter(k -> k.startsWith("ensemble")
                                && !(k.equals("ensemble") && model.get(k).equals("none"))
                        || k.startsWith(SEARCH_PREFIX + "space.ensemble"))
                .findFirst()
                .orElse(null);
        String search = model.keySet().stream()
                .filter(k -> k.startsWith(SEARCH_PREFIX) && !k.equals(ensemble))
                .findFirst()
                .orElse(null);
        if (search != null && ensemble != null) {
            throw new IllegalArgumentException(file + ": key '" + ensemble + "' cannot combine with '" + search
                    + "': a search runs and ranks single networks; to serve the average of its k best trials use"
                    + " search.ensemble-top=k");
        }
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
        modelKeys.forEach((k, v) -> {
            // standardize-target is a regression key: like the output layer, it follows the stream's task
            boolean regressionOnly = k.equals(TrainerConfig.TARGET_STANDARDIZATION_KEY);
            if (!k.startsWith(SEARCH_PREFIX) && (regression || !regressionOnly)) {
                settings.put("model.m." + k, v);
            }
        });
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
