package dev.eddy.topology;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A control record of the commands topic, addressed to one model ({@code *} = every configured model).
 *
 * <p>Accepted forms: JSON {@code {"model":"m","command":"set","key":"learning-rate","value":"0.01"}} (numbers and
 * booleans may be unquoted) or text {@code resume m}, {@code reset m}, {@code set m learning-rate 0.01}.
 *
 * @param model the model id or {@code *}
 * @param kind what to do
 * @param key the hyper-parameter for {@link Kind#SET}, otherwise empty
 * @param value its new value for {@link Kind#SET}, otherwise empty
 */
public record ModelCommand(String model, Kind kind, String key, String value) {

    /** Every configured model. */
    public static final String ALL_MODELS = "*";

    /** The commands. */
    public enum Kind {
        /** Re-arm training after early stopping: the trainer continues from its current (best) weights. */
        RESUME,
        /** Start over: a freshly initialized trainer; buffers, overrides and the version counter are kept. */
        RESET,
        /** Change a live hyper-parameter ({@code TrainerConfig.LIVE_KEYS}); persisted across restarts. */
        SET
    }

    public ModelCommand {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /** This command addressed to one concrete model. */
    public ModelCommand forModel(String modelId) {
        return new ModelCommand(modelId, kind, key, value);
    }

    /**
     * Parses the JSON or text form.
     *
     * @throws IllegalArgumentException saying what is wrong and the expected form
     */
    public static ModelCommand parse(String text) {
        String t = text.strip();
        Map<String, String> fields = t.startsWith("{") ? FlatJson.parse(t) : textFields(t);
        for (String k : fields.keySet()) {
            if (!List.of("model", "command", "key", "value").contains(k)) {
                throw new IllegalArgumentException(
                        "unknown command field '" + k + "'; allowed: model, command, key, value");
            }
        }
        String model = fields.getOrDefault("model", "");
        if (model.isEmpty()) {
            throw new IllegalArgumentException("command names no model; expected " + FORMS);
        }
        String name = fields.getOrDefault("command", "");
        Kind kind;
        try {
            kind = Kind.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown command '" + name + "'; allowed: resume, reset, set", e);
        }
        String key = fields.getOrDefault("key", "");
        String value = fields.getOrDefault("value", "");
        if (kind == Kind.SET && (key.isEmpty() || value.isEmpty())) {
            throw new IllegalArgumentException("set needs a key and a value; expected " + FORMS);
        }
        if (kind != Kind.SET && (!key.isEmpty() || !value.isEmpty())) {
            throw new IllegalArgumentException(name + " takes no key or value");
        }
        return new ModelCommand(model, kind, key, value);
    }

    private static final String FORMS = "{\"model\":\"m\",\"command\":\"resume|reset|set\",\"key\":k,\"value\":v}"
            + " or 'resume m' / 'reset m' / 'set m key value'";

    private static Map<String, String> textFields(String t) {
        String[] words = t.split("\\s+");
        Map<String, String> fields = new LinkedHashMap<>();
        if (words.length != 2 && words.length != 4) {
            throw new IllegalArgumentException("cannot parse command '" + t + "'; expected " + FORMS);
        }
        fields.put("command", words[0]);
        fields.put("model", words[1]);
        if (words.length == 4) {
            fields.put("key", words[2]);
            fields.put("value", words[3]);
        }
        return fields;
    }
}
