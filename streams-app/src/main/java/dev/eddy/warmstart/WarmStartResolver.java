package dev.eddy.warmstart;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.core.train.TransferRule;
import dev.eddy.lifecycle.SnapshotLog;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.serving.SnapshotModels;
import dev.eddy.state.WarmStartSource;
import dev.eddy.topology.ModelPartitions;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Resolves the configured warm starts at the application's start, before anything trains, so that a bad source stops
 * the start with nothing applied:
 *
 * <ul>
 *   <li>{@code warm-start.from=<model>}: the newest accepted snapshot of that model on the snapshot topic; {@code
 *       <model>@<version>}: that version while the compacted topic still holds it, else refused naming the versions
 *       it holds. A model with no snapshot yet is waited for, up to {@code warm-start.timeout-ms}, when another
 *       application trains it. When it is a model of this application the start cannot wait (the source could not
 *       train meanwhile): the warm start is <em>awaited</em> instead, left out of the result for the trainer to
 *       take the source's first snapshot when it is published ({@code TrainerProcessor}): in the transaction that
 *       publishes it when both models train in the same task, else when the task of the model reads it from the
 *       snapshot topic (a global store), at a moment set by fetch timing. With a version named it is refused (there
 *       is no first snapshot to wait for).
 *   <li>{@code warm-start.file=PATH}: an {@code eddy export} file, identified by the SHA-256 of its bytes.
 * </ul>
 *
 * The source must then fit the model ({@link TransferRule#between}: one network, an ensemble is refused, of matching
 * layers); an awaited source is checked with the architecture of its configuration, and its snapshot again when the
 * trainer takes it. Each resolution is reported (one line per model) to the given consumer.
 */
public final class WarmStartResolver {

    /** Between two reads of the snapshot topic while waiting for a first snapshot. */
    static final long POLL_MS = 1000;

    private final EddyConfig config;
    private final ModelPartitions trainers;
    private final Supplier<SnapshotLog> snapshots;
    private final Consumer<String> report;
    private SnapshotLog log;

    /** A resolver for an application whose models all train in one task (one partition). */
    public WarmStartResolver(EddyConfig config, Supplier<SnapshotLog> snapshots, Consumer<String> report) {
        this(config, ModelPartitions.ONE, snapshots, report);
    }

    /**
     * @param trainers where the models train: model m in the task of partition {@link ModelPartitions#of p(m)}
     * @param snapshots reads the snapshot topic as it is now (called once, then again only while waiting)
     * @param report hears what is resolved and what is waited for, one line each
     */
    public WarmStartResolver(
            EddyConfig config, ModelPartitions trainers, Supplier<SnapshotLog> snapshots, Consumer<String> report) {
        this.config = config;
        this.trainers = trainers;
        this.snapshots = snapshots;
        this.report = report;
    }

    /**
     * The warm start of every model that has one, by model id, except the awaited ones (class documentation).
     *
     * @throws IllegalArgumentException naming the model's key and the source when a source cannot be used
     * @throws InterruptedException when interrupted while waiting for a snapshot
     */
    public SortedMap<String, ResolvedWarmStart> resolve() throws InterruptedException {
        SortedMap<String, ResolvedWarmStart> out = new TreeMap<>();
        for (Map.Entry<String, WarmStartConfig> e : config.warmStarts().entrySet()) {
            String modelId = e.getKey();
            WarmStartConfig w = e.getValue();
            String key = "model." + modelId + "." + w.spec();
            ResolvedWarmStart resolved = w.file() != null ? file(key, w) : snapshot(modelId, key, w);
            TrainerConfig target = config.models().get(modelId);
            TransferRule rule;
            String source = resolved != null
                    ? resolved.source().toString()
                    : "the first snapshot of model " + w.sourceModel() + " (awaited)";
            try {
                rule = TransferRule.between(
                        resolved != null
                                ? resolved.model()
                                : Trainer.create(config.models().get(w.sourceModel()))
                                        .inferenceModel(),
                        target);
            } catch (IllegalArgumentException refused) {
                throw new IllegalArgumentException(
                        WarmStartConfig.refusal(modelId, w.spec(), source, refused.getMessage()), refused);
            }
            String applied = rule.copiedLayers() + " of " + target.layers().size() + " layers copied, frozen-layers="
                    + target.frozenLayers() + ", standardizer " + (w.copyStandardizer() ? "copy" : "fresh");
            if (resolved == null) {
                String at = trainers.of(w.sourceModel()) == trainers.of(modelId)
                        ? ""
                        : " (in the task of partition " + trainers.of(w.sourceModel()) + ", " + modelId
                                + " in that of partition " + trainers.of(modelId) + " of " + trainers.count()
                                + ": the snapshot reaches " + modelId + "'s task through the topic)";
                report.accept("model " + modelId + ": warm start from model " + w.sourceModel() + ", which trains in"
                        + " this application" + at + " and has no snapshot on topic "
                        + config.topics().snapshots() + " yet; "
                        + applied + "; without state, " + modelId + " waits for the first snapshot of "
                        + w.sourceModel() + " and holds its inputs meanwhile, at most " + w.maxHeldExamples()
                        + " (model." + modelId + ".warm-start.max-held-examples; each one beyond goes to the"
                        + " dead-letter topic)");
                continue;
            }
            report.accept("model " + modelId + ": warm start from " + source + "; " + applied + "; applied when "
                    + modelId + " has no state yet and on 'reset " + modelId + "'");
            out.put(modelId, resolved);
        }
        return out;
    }

    private ResolvedWarmStart file(String key, WarmStartConfig w) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(w.file());
        } catch (IOException e) {
            throw new IllegalArgumentException(key + ": cannot read the file (" + e + ")", e);
        }
        InferenceModel model;
        try {
            model = InferenceModel.fromBytes(bytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    key + ": not a model in the 'eddy export' format (" + e.getMessage() + ")", e);
        }
        return new ResolvedWarmStart(
                w.spec(), WarmStartSource.file(w.file().toString(), sha256(bytes)), model, w.copyStandardizer());
    }

    private ResolvedWarmStart snapshot(String modelId, String key, WarmStartConfig w) throws InterruptedException {
        String topic = config.topics().snapshots();
        String source = w.sourceModel();
        long deadline = System.nanoTime() + w.timeoutMs() * 1_000_000;
        boolean waiting = false;
        if (log == null) {
            log = snapshots.get();
        }
        while (log.of(source).isEmpty()) {
            if (config.models().containsKey(source)) {
                return awaited(modelId, key, w);
            }
            long leftNanos = deadline - System.nanoTime();
            if (leftNanos <= 0) {
                throw new IllegalArgumentException(key + ": no snapshot of model '" + source + "' on topic " + topic
                        + " after waiting " + w.timeoutMs() + " ms (model." + modelId + ".warm-start.timeout-ms);"
                        + " models with snapshots there: " + modelsOnTopic());
            }
            if (!waiting) {
                report.accept("model " + modelId + ": waiting for a first snapshot of model '" + source + "' on topic "
                        + topic + " (up to model." + modelId + ".warm-start.timeout-ms=" + w.timeoutMs() + ")");
                waiting = true;
            }
            // round up: a sleep cut short by truncation would end the wait before the timeout has passed
            Thread.sleep(Math.min(POLL_MS, (leftNanos + 999_999) / 1_000_000));
            log = snapshots.get();
        }
        List<SnapshotLog.Version> versions = log.of(source);
        Optional<ModelSnapshot> chosen = log.accepted(source, w.sourceVersion());
        if (chosen.isEmpty()) {
            String held = versions.stream()
                    .map(v -> v.version() + (v.accepted() ? "" : " (refused)"))
                    .collect(Collectors.joining(", ", "[", "]"));
            throw new IllegalArgumentException(
                    w.sourceVersion() == null
                            ? key + ": model '" + source + "' has no accepted snapshot on topic " + topic
                                    + "; it holds " + held
                            : key + ": version " + w.sourceVersion() + " of model '" + source + "' is not on topic "
                                    + topic
                                    + " (a compacted topic keeps the newest versions only); versions there: " + held
                                    + "; 'eddy export' keeps a version as a file for warm-start.file");
        }
        ModelSnapshot s = chosen.get();
        InferenceModel model;
        try {
            model = SnapshotModels.inferenceModel(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    key + ": snapshot v" + s.getVersion() + " of model '" + source + "' is unreadable: "
                            + e.getMessage(),
                    e);
        }
        return new ResolvedWarmStart(
                w.spec(), WarmStartSource.snapshot(source, s.getVersion()), model, w.copyStandardizer());
    }

    /**
     * Null: the first snapshot of {@code w}'s source, a model of this application, is awaited by the trainer of
     * {@code modelId}, in its own task or in another one.
     *
     * @throws IllegalArgumentException when a version is named
     */
    private ResolvedWarmStart awaited(String modelId, String key, WarmStartConfig w) {
        String source = w.sourceModel();
        if (w.sourceVersion() != null) {
            throw new IllegalArgumentException(key + ": model '" + source + "' has no snapshot on topic "
                    + config.topics().snapshots() + " yet; it trains in this application, so " + modelId
                    + " can wait for its first snapshot: name no version (model." + modelId + ".warm-start.from="
                    + source + ")");
        }
        return null;
    }

    private TreeSet<String> modelsOnTopic() {
        return log.versions().stream().map(SnapshotLog.Version::modelId).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
