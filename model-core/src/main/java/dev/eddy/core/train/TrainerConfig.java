package dev.eddy.core.train;

import dev.eddy.core.activation.Activations;
import dev.eddy.core.drift.DriftConfig;
import dev.eddy.core.drift.DriftResponse;
import dev.eddy.core.ensemble.EnsembleConfig;
import dev.eddy.core.kernel.Precision;
import dev.eddy.core.monitor.Mode;
import dev.eddy.core.prune.PruneConfig;
import dev.eddy.core.stopping.EarlyStopping;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.DoublePredicate;

/**
 * The validated configuration of a {@link Trainer}: architecture, loss, initialization, optimizer,
 * schedule, plateau reduction, clipping, batching, early stopping, non-finite guard and budget.
 *
 * <p>Built from flat string properties ({@link #fromProperties}); every error names the key, the
 * value received and the expected form, and an unknown key is reported with the closest known keys.
 * {@link #toProperties()} gives the canonical, complete form (every key that applies, defaults
 * filled in, sorted), and {@code fromProperties(c.toProperties()).equals(c)}.
 *
 * <p>Defaults: optimizer {@code adam} with learning rate 1e-3 (torch's per-optimizer defaults for the
 * other hyper-parameters; {@code sgd}/{@code momentum}/{@code nesterov}/{@code adagrad} 1e-2,
 * {@code adamax}/{@code nadam} 2e-3), batch size 32, an evaluation every 50 steps, standardized
 * inputs, glorot_uniform initialization with seed 42, early stopping on {@code holdout_loss} with
 * patience 10 restoring the best weights, and the loss implied by the output activation.
 */
public final class TrainerConfig {

    /**
     * Regression only: the network learns (y − mean)/√(var + ε) of running target statistics and predicts through the
     * inverse (default false; see {@link Trainer}).
     */
    public static final String TARGET_STANDARDIZATION_KEY = "standardize-target";

    /** The largest {@code batch-size} of a model configured today: see {@link #newConfigurationRefusal}. */
    public static final int MAX_BATCH_SIZE = 65_536;

    /** Optimizer names accepted by {@code optimizer}. */
    public static final List<String> OPTIMIZERS =
            List.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "amsgrad", "adamw", "adamax", "nadam");

    /** Schedule names accepted by {@code schedule}. */
    public static final List<String> SCHEDULES = List.of("constant", "exponential", "power", "piecewise", "one-cycle");

    /** Initializer names accepted by {@code initializer}. */
    public static final List<String> INITIALIZERS =
            List.of("glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal");

    /** Holdout metrics a classification loss can monitor. */
    public static final List<String> CLASSIFICATION_MONITORS = List.of(
            "holdout_loss", "holdout_accuracy", "holdout_precision", "holdout_recall", "holdout_f1", "holdout_auc");

    /** Holdout metrics the regression loss ({@code mse}) can monitor. */
    public static final List<String> REGRESSION_MONITORS = List.of("holdout_loss", "holdout_mae", "holdout_rmse");

    /** Keys that {@link Trainer#set} may change while training. */
    public static final Set<String> LIVE_KEYS =
            Set.of("learning-rate", "batch-size", "eval-every", "clip.global-norm", "clip.value", "budget.max-steps");

    /** The learning rate and the hyper-parameters of all optimizers (each optimizer allows its own subset). */
    private static final Set<String> OPTIMIZER_KEYS = Set.of(
            "learning-rate",
            "beta1",
            "beta2",
            "eps",
            "amsgrad",
            "weight-decay",
            "momentum",
            "dampening",
            "rho",
            "centered",
            "lr-decay",
            "initial-accumulator",
            "momentum-decay");

    /** Every key {@link #fromProperties} knows, sorted. */
    public static final List<String> KEYS = sorted(
            sorted(
                    OPTIMIZER_KEYS,
                    sorted(
                            EnsembleConfig.KEYS,
                            sorted(DriftConfig.KEYS, sorted(DriftResponse.KEYS, PruneConfig.KEYS)))),
            List.of(
                    "input-size",
                    "layers",
                    "loss",
                    "initializer",
                    "seed",
                    "l1",
                    "l2",
                    "optimizer",
                    "schedule",
                    "schedule.decay-rate",
                    "schedule.decay-steps",
                    "schedule.staircase",
                    "schedule.power",
                    "schedule.boundaries",
                    "schedule.values",
                    "schedule.total-steps",
                    "schedule.pct-start",
                    "schedule.div-factor",
                    "schedule.final-div-factor",
                    "plateau.enabled",
                    "plateau.monitor",
                    "plateau.mode",
                    "plateau.factor",
                    "plateau.patience",
                    "plateau.min-delta",
                    "plateau.cooldown",
                    "plateau.min-lr",
                    "clip.global-norm",
                    "clip.value",
                    "batch-size",
                    "eval-every",
                    "standardize",
                    TARGET_STANDARDIZATION_KEY,
                    "early-stopping.enabled",
                    "early-stopping.monitor",
                    "early-stopping.mode",
                    "early-stopping.min-delta",
                    "early-stopping.patience",
                    "early-stopping.baseline",
                    "early-stopping.start-from",
                    "early-stopping.restore-best-weights",
                    "nonfinite.lr-factor",
                    "nonfinite.max-consecutive",
                    "budget.max-steps",
                    "frozen-layers",
                    Precision.KEY));

    private static List<String> sorted(Collection<String> some, Collection<String> others) {
        TreeSet<String> all = new TreeSet<>(some);
        all.addAll(others);
        return List.copyOf(all);
    }

    private static final String LAYER_FORM = "units:activation[:alpha=a][:batchnorm][:dropout=r]";

    private final SortedMap<String, String> properties;
    /** {@link #write}'s bytes once encoded (volatile: configurations are shared by the stream threads). */
    private volatile byte[] encoded;

    private final int inputSize;
    private final List<LayerConfig> layers;
    private final String loss;
    private final String initializer;
    private final long seed;
    private final double l1;
    private final double l2;
    private final String optimizer;
    private final double learningRate;
    private final Map<String, String> optimizerSettings;
    private final String schedule;
    private final Map<String, String> scheduleSettings;
    private final boolean plateauEnabled;
    private final String plateauMonitor;
    private final Mode plateauMode;
    private final double plateauFactor;
    private final int plateauPatience;
    private final double plateauMinDelta;
    private final int plateauCooldown;
    private final double plateauMinLr;
    private final OptionalDouble clipGlobalNorm;
    private final OptionalDouble clipValue;
    private final int batchSize;
    private final int evalEvery;
    /** The first {@code frozenLayers} dense layers are not updated (transfer learning from a warm start). */
    private final int frozenLayers;

    private final boolean standardize;
    private final boolean standardizeTarget;
    private final boolean earlyStoppingEnabled;
    private final String earlyStoppingMonitor;
    private final Mode earlyStoppingMode;
    private final double earlyStoppingMinDelta;
    private final int earlyStoppingPatience;
    private final OptionalDouble earlyStoppingBaseline;
    private final int earlyStoppingStartFrom;
    private final boolean restoreBestWeights;
    private final double nonFiniteLrFactor;
    private final int nonFiniteMaxConsecutive;
    private final OptionalLong maxSteps;
    private final DriftConfig drift;
    private final DriftResponse driftResponse;
    private final EnsembleConfig ensemble;
    private final Precision precision;
    private final Optional<PruneConfig> prune;

    private TrainerConfig(Reader r) {
        inputSize = r.integer("input-size", null, 1);
        layers = parseLayers(r.required("layers"));
        r.accept("layers", layersToString(layers));
        LayerConfig output = layers.get(layers.size() - 1);
        loss = r.choice("loss", defaultLoss(output.activation()), List.copyOf(LOSSES));
        checkLossAndOutput(loss, output);
        initializer = r.choice("initializer", "glorot_uniform", INITIALIZERS);
        seed = r.longValue("seed", 42L, Long.MIN_VALUE);
        l1 = r.real("l1", 0.0, v -> v >= 0, ">= 0");
        l2 = r.real("l2", 0.0, v -> v >= 0, ">= 0");
        precision = Precision.parse(Precision.KEY, r.props.getOrDefault(Precision.KEY, "float64"));
        if (precision == Precision.FLOAT64) {
            // the default is left out of the canonical form, so that states and snapshots of float64 models keep
            // the exact bytes they had before the key existed
            r.props.remove(Precision.KEY);
        } else {
            r.accept(Precision.KEY, precision.spelling());
        }

        optimizer = r.choice("optimizer", "adam", OPTIMIZERS);
        schedule = r.choice("schedule", "constant", SCHEDULES);
        boolean piecewise = schedule.equals("piecewise");
        optimizerSettings = readOptimizer(r, optimizer, !piecewise);
        scheduleSettings = readSchedule(r, schedule);
        learningRate = Double.parseDouble(
                piecewise
                        ? scheduleSettings.get("schedule.values").split(",")[0]
                        : optimizerSettings.get("learning-rate"));

        List<String> monitors = loss.equals("mse") ? REGRESSION_MONITORS : CLASSIFICATION_MONITORS;
        plateauEnabled = r.bool("plateau.enabled", false);
        plateauMonitor = r.choice("plateau.monitor", "holdout_loss", monitors);
        plateauMode = r.mode("plateau.mode", plateauMonitor);
        plateauFactor = r.real("plateau.factor", 0.5, v -> v > 0 && v < 1, "in (0, 1)");
        plateauPatience = r.integer("plateau.patience", 5, 0);
        plateauMinDelta = r.real("plateau.min-delta", 0.0, v -> v >= 0, ">= 0");
        plateauCooldown = r.integer("plateau.cooldown", 0, 0);
        plateauMinLr = r.real("plateau.min-lr", 1e-6, v -> v >= 0, ">= 0");

        clipGlobalNorm = r.optionalReal("clip.global-norm", v -> v > 0, "> 0");
        clipValue = r.optionalReal("clip.value", v -> v > 0, "> 0");
        if (clipGlobalNorm.isPresent() && clipValue.isPresent()) {
            throw new IllegalArgumentException("clip.global-norm and clip.value exclude each other; set at most one");
        }
        batchSize = r.integer("batch-size", 32, 1);
        evalEvery = r.integer("eval-every", 50, 1);
        standardize = r.bool("standardize", true);
        standardizeTarget = readTargetStandardization(r, loss, output);

        earlyStoppingEnabled = r.bool("early-stopping.enabled", true);
        earlyStoppingMonitor = r.choice("early-stopping.monitor", "holdout_loss", monitors);
        earlyStoppingMode = r.mode("early-stopping.mode", earlyStoppingMonitor);
        earlyStoppingMinDelta = r.real("early-stopping.min-delta", 0.0, v -> v >= 0, ">= 0");
        earlyStoppingPatience = r.integer("early-stopping.patience", 10, 0);
        earlyStoppingBaseline = r.optionalReal("early-stopping.baseline", v -> true, "(finite)");
        earlyStoppingStartFrom = r.integer("early-stopping.start-from", 0, 0);
        restoreBestWeights = r.bool("early-stopping.restore-best-weights", true);

        nonFiniteLrFactor = r.real("nonfinite.lr-factor", 0.5, v -> v > 0 && v < 1, "in (0, 1)");
        nonFiniteMaxConsecutive = r.integer("nonfinite.max-consecutive", 10, 1);
        maxSteps = r.optionalLong("budget.max-steps", 1);
        frozenLayers = r.integer("frozen-layers", 0, 0);
        if (frozenLayers >= layers.size()) {
            throw new IllegalArgumentException("frozen-layers must be < the number of layers (" + layers.size()
                    + ") so that something still trains, got " + frozenLayers);
        }

        Map<String, String> driftProps = new HashMap<>();
        r.props.forEach((k, v) -> {
            if (k.startsWith("drift.") && !DriftResponse.KEYS.contains(k)) {
                driftProps.put(k, v);
            }
        });
        drift = DriftConfig.parse(driftProps, !classification());
        ensemble = EnsembleConfig.parse(r.props, !classification());
        if (!ensemble.enabled()) {
            // ensemble=none is the documented default written out: one network, whose canonical form has no key
            r.props.remove("ensemble");
        }
        if (ensemble.enabled() && standardizeTarget) {
            throw new IllegalArgumentException(TARGET_STANDARDIZATION_KEY + "=true cannot combine with ensemble="
                    + ensemble.kind().key() + ": the members' outputs are averaged as they are; leave one of them out");
        }
        if (ensemble.enabled()
                && r.props.containsKey("drift.challenger")
                && !r.props.get("drift.challenger").equals("none")) {
            throw new IllegalArgumentException("drift.challenger=" + r.props.get("drift.challenger") + " cannot combine"
                    + " with ensemble=" + ensemble.kind().key() + ": a challenger replaces one network; with an"
                    + " ensemble leave drift.challenger out (an ensemble has none; leveraging-bagging resets its"
                    + " worst member on its own)");
        }
        Map<String, String> responseProps = new HashMap<>(r.props);
        if (ensemble.enabled()) {
            responseProps.put("drift.challenger", "none");
        } else if (frozenLayers > 0 || r.props.containsKey("prune.target-sparsity")) {
            // a fresh network would have random frozen layers, or no pruning masks after the schedule's end (an
            // application refuses drift.challenger=fresh with them: freshChallengerRefusal; a stored configuration of
            // before keeps what it says)
            responseProps.putIfAbsent("drift.challenger", "copy");
        }
        driftResponse = DriftResponse.fromProperties(responseProps);
        if (driftResponse.lrFactor() != 1 && piecewise) {
            throw new IllegalArgumentException("drift.lr-factor needs a base learning rate; schedule=piecewise has"
                    + " none (its rates are schedule.values): leave drift.lr-factor at 1");
        }
        drift.toProperties().forEach(r::accept);
        if (!drift.detector().equals("none")) {
            // The response keys apply only where something detects, the challenger's count only with a challenger.
            driftResponse.toProperties().forEach((k, v) -> {
                if (!k.equals("drift.min-challenger-examples")
                        || !driftResponse.challenger().equals("none")) {
                    r.accept(k, v);
                }
            });
        }

        ensemble.toProperties().forEach(r::accept);
        prune = PruneConfig.parse(r.props);
        prune.ifPresent(c -> c.toProperties().forEach(r::accept));

        properties = r.finish(describe(optimizer, schedule));
    }

    /**
     * Parses and validates {@code props} (keys without any application prefix). Missing keys take
     * their defaults; {@code input-size} and {@code layers} are required.
     *
     * @throws IllegalArgumentException naming the first bad key, its value and the expected form
     */
    public static TrainerConfig fromProperties(Map<String, String> props) {
        return new TrainerConfig(new Reader(props));
    }

    /**
     * {@code props} with what a new model gets beyond {@link #fromProperties}' defaults: {@value
     * #TARGET_STANDARDIZATION_KEY}{@code =true} when the key is absent and applies (loss=mse, a linear output layer,
     * no ensemble), because a network whose output starts near 0 cannot follow a target in the hundreds at any usable
     * rate; with precision=float32 that default is refused, so such a model must write the key (false). Configured models take these ({@code eddy run}, {@code eddy evaluate}, {@code eddy lr-find}); stored
     * configurations (training states, snapshots) are read by {@link #fromProperties}, where the key's absence means
     * false, so a state written before this default restores as it was, and its model keeps that configuration until a
     * {@code reset} adopts the configured one.
     *
     * @throws IllegalArgumentException as {@link #fromProperties}, naming the first bad key
     */
    public static Map<String, String> withNewModelDefaults(Map<String, String> props) {
        TrainerConfig parsed = fromProperties(props);
        LayerConfig output = parsed.layers.get(parsed.layers.size() - 1);
        boolean applies =
                parsed.loss.equals("mse") && output.activation().equals("linear") && !parsed.ensemble.enabled();
        if (!applies || props.containsKey(TARGET_STANDARDIZATION_KEY)) {
            return props;
        }
        Map<String, String> withDefault = new HashMap<>(props);
        withDefault.put(TARGET_STANDARDIZATION_KEY, "true");
        return withDefault;
    }

    /** The canonical, complete properties (every key that applies, defaults filled in), sorted. */
    public SortedMap<String, String> toProperties() {
        return properties;
    }

    /**
     * This configuration with {@code key} set to {@code value}, validated like {@link #fromProperties}.
     */
    public TrainerConfig with(String key, String value) {
        Map<String, String> changed = new HashMap<>(properties);
        changed.put(key, value);
        return fromProperties(changed);
    }

    public int inputSize() {
        return inputSize;
    }

    /** Units of the last layer: 1 for binary classification and regression, K for K classes. */
    public int outputSize() {
        return layers.get(layers.size() - 1).units();
    }

    public List<LayerConfig> layers() {
        return layers;
    }

    /** One of {@code mse}, {@code binary_crossentropy}, {@code categorical_crossentropy}, {@code hinge}. */
    public String loss() {
        return loss;
    }

    /** Whether the loss is a classification loss (labels are class indices). */
    /** The drift detector ({@code drift.detector} and its keys). */
    public DriftConfig drift() {
        return drift;
    }

    /**
     * A fresh early stopping of {@code early-stopping.*}, or null when it is disabled (each learner owns its own).
     */
    public EarlyStopping newEarlyStopping() {
        if (!earlyStoppingEnabled) {
            return null;
        }
        return new EarlyStopping(
                earlyStoppingMode,
                earlyStoppingMinDelta,
                earlyStoppingPatience,
                earlyStoppingBaseline.isPresent() ? earlyStoppingBaseline.getAsDouble() : null,
                earlyStoppingStartFrom,
                restoreBestWeights);
    }

    /**
     * Writes {@link #toProperties()} into a training state: the count, then each key and value (UTF). The bytes are
     * encoded once: a trainer's state is written after every example, its configuration rarely changes.
     */
    public void write(DataOutput out) throws IOException {
        byte[] bytes = encoded;
        if (bytes == null) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            try (DataOutputStream data = new DataOutputStream(buffer)) {
                data.writeInt(properties.size());
                for (Map.Entry<String, String> e : properties.entrySet()) {
                    data.writeUTF(e.getKey());
                    data.writeUTF(e.getValue());
                }
            }
            bytes = buffer.toByteArray();
            encoded = bytes; // two threads racing here encode the same bytes
        }
        out.write(bytes);
    }

    /** Reads what {@link #write} wrote, validated as {@link #fromProperties}. */
    public static TrainerConfig read(DataInput in) throws IOException {
        int count = in.readInt();
        Map<String, String> props = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            props.put(in.readUTF(), in.readUTF());
        }
        return fromProperties(props);
    }

    /** The ensemble this model trains ({@code ensemble.*}), {@link EnsembleConfig#NONE} for one network. */
    public EnsembleConfig ensemble() {
        return ensemble;
    }

    /**
     * Why this configuration may not be started or set now, null when it may: what the parser takes because states and
     * snapshots written before still hold it, but a model configured today must not (checked at start and for a live
     * {@code set}):
     *
     * <ul>
     *   <li>a {@code batch-size} above {@value #MAX_BATCH_SIZE} (a batch's rows are allocated when it is set, so a
     *       mistyped size exhausted the heap on the stream thread, again at every replay of the command);
     *   <li>{@code standardize-target=true} with {@code precision=float32}: the served float32 output layer would hold
     *       the target's mean and round every prediction to float32's spacing there, far from what the trainer
     *       evaluated in double;
     *   <li>a fresh drift challenger with frozen layers or pruning ({@link #freshChallengerRefusal});
     *   <li>an {@code ensemble.lambda} above {@value EnsembleConfig#MAX_LAMBDA} ({@link
     *       EnsembleConfig#newConfigurationRefusal}).
     * </ul>
     */
    public String newConfigurationRefusal() {
        if (batchSize > MAX_BATCH_SIZE) {
            return "batch-size must be an integer in [1, " + MAX_BATCH_SIZE + "], got " + batchSize;
        }
        String ensembleRefusal = ensemble.newConfigurationRefusal();
        if (ensembleRefusal != null) {
            return ensembleRefusal;
        }
        if (standardizeTarget && precision == Precision.FLOAT32) {
            return TARGET_STANDARDIZATION_KEY + "=true (the default of a new regression model) cannot combine with "
                    + Precision.KEY + "=float32: the served float32 output layer would hold the target's mean and"
                    + " round every prediction to float32's spacing there, far from what the holdout metrics measured;"
                    + " write " + TARGET_STANDARDIZATION_KEY + "=false to train in float32 (on a target scaled near 0),"
                    + " or " + Precision.KEY + "=float64";
        }
        return freshChallengerRefusal();
    }

    /**
     * Why this configuration, as an application's, may not have a fresh drift challenger, null when it may: a fresh
     * network would keep frozen layers at random, or train dense after the pruning schedule's end. (With either, the
     * default is {@code copy}, so a fresh one was asked for; a stored configuration of before may say fresh.)
     */
    public String freshChallengerRefusal() {
        if (!driftResponse.challenger().equals("fresh") || (frozenLayers == 0 && prune.isEmpty())) {
            return null;
        }
        String with = frozenLayers > 0 ? "frozen-layers=" + frozenLayers : "prune.target-sparsity";
        return "drift.challenger=fresh cannot combine with " + with + ": a fresh network would "
                + (frozenLayers > 0 ? "keep its frozen layers at random" : "train dense")
                + "; use drift.challenger=copy (the default with " + with + ") or none";
    }

    /**
     * The holdout metric a model's evaluations and snapshots carry beside the loss: early stopping's monitor, else
     * reduce-on-plateau's, else {@code holdout_loss}.
     */
    public String holdoutMonitor() {
        if (earlyStoppingEnabled()) {
            return earlyStoppingMonitor();
        }
        return plateauEnabled() ? plateauMonitor() : "holdout_loss";
    }

    /** Magnitude pruning during training ({@code prune.*}), when {@code prune.target-sparsity} is set. */
    public Optional<PruneConfig> prune() {
        return prune;
    }

    /** What a detection does ({@code drift.challenger}, {@code drift.lr-factor}, ...). */
    public DriftResponse driftResponse() {
        return driftResponse;
    }

    public boolean classification() {
        return !loss.equals("mse");
    }

    /** The precision the network trains and predicts in ({@code precision}: float64, the default, or float32). */
    public Precision precision() {
        return precision;
    }

    public String initializer() {
        return initializer;
    }

    public long seed() {
        return seed;
    }

    public double l1() {
        return l1;
    }

    public double l2() {
        return l2;
    }

    public String optimizer() {
        return optimizer;
    }

    /**
     * The base learning rate: the constant rate, the initial rate of {@code exponential}/{@code power},
     * the peak rate of {@code one-cycle}, the first value of {@code piecewise}.
     */
    public double learningRate() {
        return learningRate;
    }

    /**
     * The optimizer's hyper-parameters in canonical form, keyed like the properties (e.g.
     * {@code beta1}); only those that apply to {@link #optimizer()}, {@code learning-rate} included.
     */
    public Map<String, String> optimizerSettings() {
        return optimizerSettings;
    }

    public String schedule() {
        return schedule;
    }

    /** The {@code schedule.*} properties that apply to {@link #schedule()}, in canonical form. */
    public Map<String, String> scheduleSettings() {
        return scheduleSettings;
    }

    public boolean plateauEnabled() {
        return plateauEnabled;
    }

    public String plateauMonitor() {
        return plateauMonitor;
    }

    public Mode plateauMode() {
        return plateauMode;
    }

    public double plateauFactor() {
        return plateauFactor;
    }

    public int plateauPatience() {
        return plateauPatience;
    }

    public double plateauMinDelta() {
        return plateauMinDelta;
    }

    public int plateauCooldown() {
        return plateauCooldown;
    }

    public double plateauMinLr() {
        return plateauMinLr;
    }

    public OptionalDouble clipGlobalNorm() {
        return clipGlobalNorm;
    }

    public OptionalDouble clipValue() {
        return clipValue;
    }

    public int batchSize() {
        return batchSize;
    }

    public int evalEvery() {
        return evalEvery;
    }

    /** Number of leading dense layers whose parameters the optimizer leaves unchanged. */
    public int frozenLayers() {
        return frozenLayers;
    }

    public boolean standardize() {
        return standardize;
    }

    /** Whether a regression model learns its target standardized ({@value #TARGET_STANDARDIZATION_KEY}). */
    public boolean standardizeTarget() {
        return standardizeTarget;
    }

    public boolean earlyStoppingEnabled() {
        return earlyStoppingEnabled;
    }

    public String earlyStoppingMonitor() {
        return earlyStoppingMonitor;
    }

    /** The direction of {@link #earlyStoppingMonitor()}; {@code auto} resolves to min for loss/mae/rmse. */
    public Mode earlyStoppingMode() {
        return earlyStoppingMode;
    }

    public double earlyStoppingMinDelta() {
        return earlyStoppingMinDelta;
    }

    public int earlyStoppingPatience() {
        return earlyStoppingPatience;
    }

    public OptionalDouble earlyStoppingBaseline() {
        return earlyStoppingBaseline;
    }

    public int earlyStoppingStartFrom() {
        return earlyStoppingStartFrom;
    }

    public boolean restoreBestWeights() {
        return restoreBestWeights;
    }

    /** Factor in (0, 1) applied to the learning rate after a non-finite loss or gradient. */
    public double nonFiniteLrFactor() {
        return nonFiniteLrFactor;
    }

    /** Non-finite steps in a row after which training stops ({@code nonfinite.max-consecutive}). */
    public int nonFiniteMaxConsecutive() {
        return nonFiniteMaxConsecutive;
    }

    /** Optimizer steps after which training stops ({@code budget.max-steps}), if set. */
    public OptionalLong maxSteps() {
        return maxSteps;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainerConfig other && properties.equals(other.properties);
    }

    @Override
    public int hashCode() {
        return properties.hashCode();
    }

    /** The canonical properties as {@code key=value} lines. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        properties.forEach((k, v) -> s.append(k).append('=').append(v).append('\n'));
        return s.toString();
    }

    private static final List<String> LOSSES =
            List.of("mse", "binary_crossentropy", "categorical_crossentropy", "hinge");

    private static String defaultLoss(String outputActivation) {
        return switch (outputActivation) {
            case "sigmoid" -> "binary_crossentropy";
            case "softmax" -> "categorical_crossentropy";
            default -> "mse";
        };
    }

    /**
     * {@value #TARGET_STANDARDIZATION_KEY}: true needs loss=mse and a linear output layer (the served model folds the
     * inverse into that layer's weights; a model configured today also needs precision=float64, see {@link
     * #newConfigurationRefusal}). Absent means false
     * here, left out of the canonical form, so that states and snapshots keep the bytes they had before the key
     * existed; new models get true through {@link #withNewModelDefaults}.
     */
    private static boolean readTargetStandardization(Reader r, String loss, LayerConfig output) {
        boolean on = r.bool(TARGET_STANDARDIZATION_KEY, false);
        if (!on) {
            r.props.remove(TARGET_STANDARDIZATION_KEY);
            r.canonical.remove(TARGET_STANDARDIZATION_KEY);
            return false;
        }
        if (!loss.equals("mse")) {
            throw new IllegalArgumentException(
                    TARGET_STANDARDIZATION_KEY + "=true applies to regression (loss=mse), got loss=" + loss);
        }
        if (!output.activation().equals("linear")) {
            throw new IllegalArgumentException(TARGET_STANDARDIZATION_KEY + "=true needs a linear output layer (its"
                    + " weights take the inverse of the standardization when served), got layers ending in " + output);
        }
        return true;
    }

    /** Labels are one number per example, so only categorical cross-entropy has several outputs. */
    private static void checkLossAndOutput(String loss, LayerConfig output) {
        String needed =
                switch (loss) {
                    case "binary_crossentropy" -> "sigmoid";
                    case "categorical_crossentropy" -> "softmax";
                    case "hinge" -> "linear";
                    default -> null;
                };
        if (needed != null && !needed.equals(output.activation())) {
            throw new IllegalArgumentException("loss=" + loss + " needs a " + needed
                    + " output layer, got layers ending in " + output + " (pairs: sigmoid+binary_crossentropy,"
                    + " softmax+categorical_crossentropy, linear+hinge, non-softmax+mse)");
        }
        if (loss.equals("mse") && output.activation().equals("softmax")) {
            throw new IllegalArgumentException(
                    "loss=mse cannot follow a softmax output layer; use loss=categorical_crossentropy");
        }
        if (loss.equals("categorical_crossentropy") ? output.units() < 2 : output.units() != 1) {
            throw new IllegalArgumentException("loss=" + loss + " needs "
                    + (loss.equals("categorical_crossentropy")
                            ? "at least 2 output units (one per class)"
                            : "1 output unit")
                    + ", got layers ending in " + output);
        }
        if (output.dropout() > 0) {
            throw new IllegalArgumentException("layers: the output layer " + output + " cannot have dropout");
        }
    }

    static List<LayerConfig> parseLayers(String text) {
        String[] parts = text.split(",", -1);
        List<LayerConfig> specs = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            specs.add(parseLayer(parts[i].trim(), i, i == parts.length - 1));
        }
        return List.copyOf(specs);
    }

    private static LayerConfig parseLayer(String text, int index, boolean last) {
        String where = "layers: layer " + index + " '" + text + "'";
        String[] fields = text.split(":", -1);
        if (fields.length < 2) {
            throw new IllegalArgumentException(where + " must have the form " + LAYER_FORM);
        }
        int units;
        try {
            units = Integer.parseInt(fields[0].trim());
        } catch (NumberFormatException e) {
            units = 0;
        }
        if (units < 1) {
            throw new IllegalArgumentException(
                    where + " has units '" + fields[0] + "', expected an integer >= 1 (form " + LAYER_FORM + ")");
        }
        String activation = fields[1].trim();
        if (!Activations.NAMES.contains(activation)) {
            throw new IllegalArgumentException(
                    where + " has unknown activation '" + activation + "', expected one of " + Activations.NAMES);
        }
        if (activation.equals("softmax") && !last) {
            throw new IllegalArgumentException(where + ": softmax is only allowed in the output layer");
        }
        Map<String, Double> params = new LinkedHashMap<>();
        boolean batchNorm = false;
        double dropout = 0;
        for (int f = 2; f < fields.length; f++) {
            String option = fields[f].trim();
            if (option.equals("batchnorm")) {
                batchNorm = true;
            } else if (option.startsWith("alpha=")) {
                if (!activation.equals("leaky_relu") && !activation.equals("elu")) {
                    throw new IllegalArgumentException(where + ": alpha applies only to leaky_relu and elu");
                }
                params.put("alpha", layerNumber(where, option, v -> true, "a number"));
            } else if (option.startsWith("dropout=")) {
                dropout = layerNumber(where, option, v -> v >= 0 && v < 1, "in [0, 1)");
            } else {
                throw new IllegalArgumentException(where + " has unknown option '" + option
                        + "', expected alpha=a, batchnorm or dropout=r (form " + LAYER_FORM + ")");
            }
        }
        if ((activation.equals("leaky_relu") || activation.equals("elu")) && !params.containsKey("alpha")) {
            params.put("alpha", activation.equals("elu") ? 1.0 : 0.01);
        }
        return new LayerConfig(units, activation, params, batchNorm, dropout);
    }

    private static double layerNumber(String where, String option, DoublePredicate ok, String form) {
        String text = option.substring(option.indexOf('=') + 1).trim();
        double v = parseFinite(text);
        if (Double.isNaN(v) || !ok.test(v)) {
            throw new IllegalArgumentException(where + ": " + option.substring(0, option.indexOf('=')) + " must be "
                    + form + ", got '" + text + "'");
        }
        return v;
    }

    private static String layersToString(List<LayerConfig> layers) {
        List<String> parts = new ArrayList<>(layers.size());
        layers.forEach(l -> parts.add(l.toString()));
        return String.join(",", parts);
    }

    /**
     * Reads the hyper-parameters that apply to {@code name}, with torch's defaults; {@code
     * learning-rate} unless the schedule gives the rates itself.
     */
    private static Map<String, String> readOptimizer(Reader r, String name, boolean withRate) {
        boolean sgdFamily = name.equals("sgd") || name.equals("momentum") || name.equals("nesterov");
        double defaultRate =
                switch (name) {
                    case "sgd", "momentum", "nesterov", "adagrad" -> 1e-2;
                    case "adamax", "nadam" -> 2e-3;
                    default -> 1e-3;
                };
        Map<String, String> s = new TreeMap<>();
        if (withRate) {
            r.real("learning-rate", defaultRate, v -> v > 0, "> 0");
        }
        if (sgdFamily) {
            double momentum = r.real(
                    "momentum",
                    name.equals("sgd") ? 0.0 : 0.9,
                    v -> name.equals("sgd") ? v >= 0 && v < 1 : v > 0 && v < 1,
                    name.equals("sgd") ? "in [0, 1)" : "in (0, 1) for optimizer=" + name);
            if (name.equals("nesterov")) {
                r.real("dampening", 0.0, v -> v == 0, "0 for optimizer=nesterov");
            } else if (momentum > 0) {
                r.real("dampening", 0.0, v -> v >= 0 && v <= 1, "in [0, 1]");
            }
        }
        switch (name) {
            case "adagrad" -> {
                r.real("lr-decay", 0.0, v -> v >= 0, ">= 0");
                r.real("initial-accumulator", 0.0, v -> v >= 0, ">= 0");
                r.real("eps", 1e-10, v -> v > 0, "> 0");
            }
            case "rmsprop" -> {
                r.real("rho", 0.99, v -> v >= 0 && v < 1, "in [0, 1)");
                r.real("eps", 1e-8, v -> v > 0, "> 0");
                r.real("momentum", 0.0, v -> v >= 0 && v < 1, "in [0, 1)");
                r.bool("centered", false);
            }
            case "adam", "amsgrad", "adamw", "adamax", "nadam" -> {
                r.real("beta1", 0.9, v -> v >= 0 && v < 1, "in [0, 1)");
                r.real("beta2", 0.999, v -> v >= 0 && v < 1, "in [0, 1)");
                r.real("eps", 1e-8, v -> v > 0, "> 0");
                if (name.equals("adam") || name.equals("adamw")) {
                    r.bool("amsgrad", false);
                }
                if (name.equals("adamw")) {
                    r.real("weight-decay", 1e-2, v -> v >= 0, ">= 0");
                }
                if (name.equals("nadam")) {
                    r.real("momentum-decay", 4e-3, v -> v >= 0, ">= 0");
                }
            }
            default -> {}
        }
        for (String key : r.canonical.keySet()) {
            if (OPTIMIZER_KEYS.contains(key)) {
                s.put(key, r.canonical.get(key));
            }
        }
        return Collections.unmodifiableMap(s);
    }

    /** Reads the {@code schedule.*} keys that apply to {@code name}. */
    private static Map<String, String> readSchedule(Reader r, String name) {
        switch (name) {
            case "exponential" -> {
                r.real("schedule.decay-rate", 0.96, v -> v > 0, "> 0");
                r.integer("schedule.decay-steps", 1000, 1);
                r.bool("schedule.staircase", false);
            }
            case "power" -> {
                r.integer("schedule.decay-steps", 1000, 1);
                r.real("schedule.power", 1.0, v -> v >= 0, ">= 0");
            }
            case "piecewise" -> {
                long[] boundaries = r.longList("schedule.boundaries");
                for (int i = 1; i < boundaries.length; i++) {
                    if (boundaries[i] <= boundaries[i - 1] || boundaries[0] < 0) {
                        throw new IllegalArgumentException("schedule.boundaries must be strictly increasing integers"
                                + " >= 0, got '" + r.props.get("schedule.boundaries") + "'");
                    }
                }
                double[] values = r.realList("schedule.values", v -> v > 0, "> 0");
                if (values.length != boundaries.length + 1) {
                    throw new IllegalArgumentException("schedule.values must have one more entry than"
                            + " schedule.boundaries (" + (boundaries.length + 1) + "), got " + values.length);
                }
            }
            case "one-cycle" -> {
                r.integer("schedule.total-steps", null, 2);
                r.real("schedule.pct-start", 0.3, v -> v > 0 && v < 0.5, "in (0, 0.5) (three-phase cycle)");
                r.real("schedule.div-factor", 25.0, v -> v >= 1, ">= 1");
                r.real("schedule.final-div-factor", 1e4, v -> v >= 1, ">= 1");
            }
            default -> {}
        }
        Map<String, String> s = new TreeMap<>();
        r.canonical.forEach((k, v) -> {
            if (k.startsWith("schedule.")) {
                s.put(k, v);
            }
        });
        return Collections.unmodifiableMap(s);
    }

    private static String describe(String optimizer, String schedule) {
        return "optimizer=" + optimizer + ", schedule=" + schedule;
    }

    /** Parses a finite double, or returns NaN when {@code text} is not one. */
    private static double parseFinite(String text) {
        try {
            double v = Double.parseDouble(text);
            return Double.isFinite(v)
                            && !text.endsWith("d")
                            && !text.endsWith("D")
                            && !text.endsWith("f")
                            && !text.endsWith("F")
                    ? v
                    : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Reads keys once each, records their canonical values, and reports unknown or unused keys. */
    private static final class Reader {
        final Map<String, String> props;
        final SortedMap<String, String> canonical = new TreeMap<>();

        Reader(Map<String, String> props) {
            this.props = new HashMap<>();
            props.forEach((k, v) -> {
                String key = Objects.requireNonNull(k, "property key").trim();
                if (v == null) {
                    throw new IllegalArgumentException(key + " has no value");
                }
                this.props.put(key, v.trim());
            });
            for (String key : this.props.keySet()) {
                if (!KEYS.contains(key)) {
                    throw new IllegalArgumentException(
                            "unknown key '" + key + "'" + suggestion(key) + "; known keys: " + String.join(", ", KEYS));
                }
            }
        }

        void accept(String key, String canonicalValue) {
            canonical.put(key, canonicalValue);
        }

        String required(String key) {
            String v = props.get(key);
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException(key + " is required"
                        + (key.equals("layers") ? " (form " + LAYER_FORM + ",... e.g. 64:relu,1:sigmoid)" : ""));
            }
            return v;
        }

        String choice(String key, String fallback, List<String> allowed) {
            String v = props.getOrDefault(key, fallback);
            if (!allowed.contains(v)) {
                throw new IllegalArgumentException(key + " must be one of " + allowed + ", got '" + v + "'");
            }
            accept(key, v);
            return v;
        }

        boolean bool(String key, boolean fallback) {
            String v = props.getOrDefault(key, Boolean.toString(fallback)).toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException(key + " must be true or false, got '" + props.get(key) + "'");
            }
            accept(key, v);
            return Boolean.parseBoolean(v);
        }

        int integer(String key, Integer fallback, int min) {
            String v = fallback == null ? required(key) : props.getOrDefault(key, fallback.toString());
            int parsed;
            try {
                parsed = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be an integer >= " + min + ", got '" + v + "'");
            }
            if (parsed < min) {
                throw new IllegalArgumentException(key + " must be an integer >= " + min + ", got " + parsed);
            }
            accept(key, Integer.toString(parsed));
            return parsed;
        }

        long longValue(String key, long fallback, long min) {
            String v = props.getOrDefault(key, Long.toString(fallback));
            long parsed;
            try {
                parsed = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be an integer >= " + min + ", got '" + v + "'");
            }
            if (parsed < min) {
                throw new IllegalArgumentException(key + " must be an integer >= " + min + ", got " + parsed);
            }
            accept(key, Long.toString(parsed));
            return parsed;
        }

        double real(String key, double fallback, DoublePredicate ok, String form) {
            double v = props.containsKey(key) ? number(key, props.get(key), ok, form) : fallback;
            accept(key, Double.toString(v));
            return v;
        }

        OptionalDouble optionalReal(String key, DoublePredicate ok, String form) {
            String text = props.get(key);
            if (text == null || text.isEmpty()) {
                return OptionalDouble.empty();
            }
            double v = number(key, text, ok, form);
            accept(key, Double.toString(v));
            return OptionalDouble.of(v);
        }

        OptionalLong optionalLong(String key, long min) {
            String text = props.get(key);
            if (text == null || text.isEmpty()) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(longValue(key, 0, min));
        }

        long[] longList(String key) {
            String[] parts = required(key).split(",");
            long[] values = new long[parts.length];
            List<String> canonicalParts = new ArrayList<>();
            for (int i = 0; i < parts.length; i++) {
                try {
                    values[i] = Long.parseLong(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            key + " must be a comma-separated list of integers, got '" + props.get(key) + "'");
                }
                canonicalParts.add(Long.toString(values[i]));
            }
            accept(key, String.join(",", canonicalParts));
            return values;
        }

        double[] realList(String key, DoublePredicate ok, String form) {
            String[] parts = required(key).split(",");
            double[] values = new double[parts.length];
            List<String> canonicalParts = new ArrayList<>();
            for (int i = 0; i < parts.length; i++) {
                values[i] = number(key, parts[i].trim(), ok, "a comma-separated list of numbers " + form);
                canonicalParts.add(Double.toString(values[i]));
            }
            accept(key, String.join(",", canonicalParts));
            return values;
        }

        Mode mode(String key, String monitor) {
            String v = choice(key, "auto", List.of("auto", "min", "max"));
            if (v.equals("auto")) {
                return monitor.equals("holdout_loss") || monitor.equals("holdout_mae") || monitor.equals("holdout_rmse")
                        ? Mode.MIN
                        : Mode.MAX;
            }
            return Mode.parse(v);
        }

        private static double number(String key, String text, DoublePredicate ok, String form) {
            double v = parseFinite(text);
            if (Double.isNaN(v) || !ok.test(v)) {
                throw new IllegalArgumentException(key + " must be a number " + form + ", got '" + text + "'");
            }
            return v;
        }

        /** Fails on keys given but not read for this configuration; returns the canonical properties. */
        SortedMap<String, String> finish(String context) {
            for (String key : new TreeSet<>(props.keySet())) {
                if (!canonical.containsKey(key)) {
                    throw new IllegalArgumentException("key '" + key + "' does not apply with " + context
                            + "; keys that apply: " + String.join(", ", canonical.keySet()));
                }
            }
            return Collections.unmodifiableSortedMap(canonical);
        }

        private static String suggestion(String key) {
            List<String> close = new ArrayList<>();
            for (String known : KEYS) {
                String tail = known.substring(known.lastIndexOf('.') + 1);
                if (distance(key, known) <= 3 || distance(key, tail) <= 2 || known.endsWith("." + key)) {
                    close.add(known);
                }
            }
            return close.isEmpty() ? "" : " (did you mean " + String.join(" or ", close) + "?)";
        }

        /** Levenshtein edit distance. */
        private static int distance(String a, String b) {
            int[] prev = new int[b.length() + 1];
            int[] cur = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                prev[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                cur[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int substitution = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                    cur[j] = Math.min(substitution, Math.min(prev[j], cur[j - 1]) + 1);
                }
                int[] t = prev;
                prev = cur;
                cur = t;
            }
            return prev[b.length()];
        }
    }
}
