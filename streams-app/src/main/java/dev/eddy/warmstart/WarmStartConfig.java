package dev.eddy.warmstart;

import dev.eddy.core.train.TrainerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The warm start of one model, keys {@code model.<id>.warm-start.*} (defaults in parentheses):
 *
 * <pre>
 * warm-start.from = &lt;model&gt;[@&lt;version&gt;]  a snapshot on the snapshot topic: the newest accepted one of &lt;model&gt;, or
 *                                      that version while the compacted topic still holds it
 * warm-start.file = PATH               an {@code eddy export} file (instead of warm-start.from)
 * warm-start.standardizer (copy)       copy | fresh: the input standardization starts from the source's or from none
 * warm-start.timeout-ms (60000) ≥ 0    how long the start waits for a first snapshot of a source model that another
 *                                      application trains
 * warm-start.max-held-examples (10000) ≥ 1
 *                                      while the model waits for the first snapshot of a source model of this same
 *                                      application, how many of its inputs (examples and commands) are held for it;
 *                                      each one beyond goes to the dead-letter topic (reason warm-start-wait)
 * </pre>
 *
 * With {@code frozen-layers = k} (a trainer key) the first k transferred layers are not trained; without a warm start
 * {@code frozen-layers} would freeze randomly initialized layers and is refused.
 *
 * @param sourceModel the model of {@code warm-start.from}, null with a file
 * @param sourceVersion its version, null for the newest accepted snapshot
 * @param file the file of {@code warm-start.file}, null with a source model
 * @param copyStandardizer {@code warm-start.standardizer = copy}
 * @param timeoutMs {@code warm-start.timeout-ms}
 * @param maxHeldExamples {@code warm-start.max-held-examples}
 */
public record WarmStartConfig(
        String sourceModel,
        Long sourceVersion,
        Path file,
        boolean copyStandardizer,
        long timeoutMs,
        int maxHeldExamples) {

    /** The keys, below {@code model.<id>.}. */
    public static final List<String> KEYS = List.of(
            "warm-start.from",
            "warm-start.file",
            "warm-start.standardizer",
            "warm-start.timeout-ms",
            "warm-start.max-held-examples");

    static final long DEFAULT_TIMEOUT_MS = 60_000;
    static final int DEFAULT_MAX_HELD_EXAMPLES = 10_000;
    private static final Pattern FROM = Pattern.compile("([A-Za-z0-9_-]+)(?:@(\\d{1,18}))?");

    /** Whether {@code key} (below {@code model.<id>.}) is a warm-start key rather than a trainer key. */
    public static boolean owns(String key) {
        return key.startsWith("warm-start.");
    }

    /**
     * The warm start of model {@code modelId}, empty when none of its keys is set.
     *
     * @param keys the model's warm-start keys (below {@code model.<id>.})
     * @param trainer the model's trainer configuration, whose {@code frozen-layers} needs a warm start
     * @throws IllegalArgumentException naming the full key, the value and the expected form
     */
    public static Optional<WarmStartConfig> of(String modelId, Map<String, String> keys, TrainerConfig trainer) {
        String prefix = "model." + modelId + ".";
        TreeSet<String> unknown = new TreeSet<>(keys.keySet());
        KEYS.forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown key '" + prefix + unknown.first()
                    + "'; the warm-start keys are " + prefix + String.join(", " + prefix, KEYS));
        }
        String from = keys.get("warm-start.from");
        String file = keys.get("warm-start.file");
        if (from == null && file == null) {
            if (!keys.isEmpty()) {
                throw new IllegalArgumentException(
                        prefix + keys.keySet().iterator().next() + " is set without a source:" + " set " + prefix
                                + "warm-start.from or " + prefix + "warm-start.file");
            }
            if (trainer.frozenLayers() > 0) {
                throw new IllegalArgumentException(prefix + "frozen-layers=" + trainer.frozenLayers()
                        + " would freeze randomly initialized layers: it needs a warm start (" + prefix
                        + "warm-start.from or " + prefix + "warm-start.file)");
            }
            return Optional.empty();
        }
        if (from != null && file != null) {
            throw new IllegalArgumentException(
                    prefix + "warm-start.from and " + prefix + "warm-start.file are both set; set one of them");
        }
        String model = null;
        Long version = null;
        if (from != null) {
            Matcher m = FROM.matcher(from);
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        prefix + "warm-start.from must be <model>[@<version>] with <model> of"
                                + " letters, digits, '_' or '-' and <version> a whole number >= 0, got '" + from + "'");
            }
            model = m.group(1);
            version = m.group(2) == null ? null : Long.valueOf(m.group(2));
            if (model.equals(modelId)) {
                throw new IllegalArgumentException(
                        prefix + "warm-start.from=" + from + " names the model itself; name another model");
            }
        }
        if (file != null && file.isEmpty()) {
            throw new IllegalArgumentException(
                    prefix + "warm-start.file must be the path of an 'eddy export' file, got" + " an empty value");
        }
        String standardizer = keys.getOrDefault("warm-start.standardizer", "copy");
        if (!standardizer.equals("copy") && !standardizer.equals("fresh")) {
            throw new IllegalArgumentException(
                    prefix + "warm-start.standardizer must be one of [copy, fresh], got '" + standardizer + "'");
        }
        String timeout = keys.getOrDefault("warm-start.timeout-ms", Long.toString(DEFAULT_TIMEOUT_MS));
        long timeoutMs;
        try {
            timeoutMs = Long.parseLong(timeout);
        } catch (NumberFormatException e) {
            timeoutMs = -1;
        }
        if (timeoutMs < 0) {
            throw new IllegalArgumentException(prefix
                    + "warm-start.timeout-ms must be a whole number of milliseconds >= 0, got '" + timeout + "'");
        }
        String held = keys.getOrDefault("warm-start.max-held-examples", Integer.toString(DEFAULT_MAX_HELD_EXAMPLES));
        int maxHeld;
        try {
            maxHeld = Integer.parseInt(held);
        } catch (NumberFormatException e) {
            maxHeld = 0;
        }
        if (maxHeld < 1) {
            throw new IllegalArgumentException(prefix + "warm-start.max-held-examples must be a whole number from 1 to "
                    + Integer.MAX_VALUE + ", got '" + held + "'");
        }
        return Optional.of(new WarmStartConfig(
                model, version, file == null ? null : Path.of(file), standardizer.equals("copy"), timeoutMs, maxHeld));
    }

    /** The source as configured: {@code warm-start.from=src@12} or {@code warm-start.file=/models/src.eddy}. */
    public String spec() {
        return file != null
                ? "warm-start.file=" + file
                : "warm-start.from=" + sourceModel + (sourceVersion == null ? "" : "@" + sourceVersion);
    }

    /**
     * Why a source cannot be used, naming the key and what it resolved to: {@code model.tgt.warm-start.from=src resolves
     * to model src v9, but <why>}.
     *
     * @param spec the key's {@link #spec()}
     * @param source what it resolved to
     */
    public static String refusal(String modelId, String spec, Object source, String why) {
        return "model." + modelId + "." + spec + " resolves to " + source + ", but " + why;
    }
}
