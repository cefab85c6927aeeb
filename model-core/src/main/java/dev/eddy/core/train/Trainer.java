package dev.eddy.core.train;

import dev.eddy.core.drift.DriftResponse;
import dev.eddy.core.layer.Dense;
import dev.eddy.core.loss.ExampleWeights;
import dev.eddy.core.loss.Loss;
import dev.eddy.core.loss.Losses;
import dev.eddy.core.monitor.Mode;
import dev.eddy.core.network.Network;
import dev.eddy.core.optim.Adagrad;
import dev.eddy.core.optim.Adam;
import dev.eddy.core.optim.AdamW;
import dev.eddy.core.optim.Adamax;
import dev.eddy.core.optim.GradientClipping;
import dev.eddy.core.optim.Nadam;
import dev.eddy.core.optim.Optimizer;
import dev.eddy.core.optim.Parameter;
import dev.eddy.core.optim.RmsProp;
import dev.eddy.core.optim.Sgd;
import dev.eddy.core.optim.StateIo;
import dev.eddy.core.preprocess.Standardizer;
import dev.eddy.core.prune.GradualPruning;
import dev.eddy.core.prune.Sparsity;
import dev.eddy.core.schedule.ConstantRate;
import dev.eddy.core.schedule.ExponentialDecay;
import dev.eddy.core.schedule.LearningRateSchedule;
import dev.eddy.core.schedule.LrRangeTest;
import dev.eddy.core.schedule.OneCycle;
import dev.eddy.core.schedule.PiecewiseConstant;
import dev.eddy.core.schedule.PowerDecay;
import dev.eddy.core.schedule.ReduceLrOnPlateau;
import dev.eddy.core.stopping.EarlyStopping;
import dev.eddy.core.stopping.NonFiniteGuard;
import dev.eddy.core.stopping.TrainingBudget;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.ejml.data.DMatrixRMaj;

/**
 * Trains a dense network one mini-batch at a time: the learning engine the streams app drives, also
 * usable from plain Java. One {@link #step} does
 *
 * <pre>
 * standardize:  Welford statistics ← statistics + batch, THEN x ← (x − mean) / √(var + ε)
 *               (the batch counts in its own statistics, so the very first batch is centred too; every row
 *               counts once, whatever its weight)
 * target:       with standardize-target (regression), the same for y: statistics ← statistics + the batch's
 *               targets, THEN y ← (y − μ) / s; predictions and evaluations are mapped back, ŷ·s + μ
 *               ({@link TargetStandardization})
 * zero weights: Σ_b w_b = 0 → a skipped step: no forward pass, no update, t unchanged (not a non-finite step)
 * forward:      ŷ = net(x)                      (dropout and batch statistics on)
 * loss:         L = Σ_b w_b·ℓ_b(ŷ_b, y_b) / Σ_b w_b + Σ_l l1·|W_l| + l2·W_l²   (example weights w_b, default 1)
 * backward:     g = ∂L/∂θ,  N = √(Σ g²)           (global norm before clipping)
 * guard:        L or g not finite → skip the update (θ and optimizer moments are the last good state),
 *               put back the batch-norm running statistics, lr scale ← lr scale · nonfinite.lr-factor;
 *               nonfinite.max-consecutive such steps in a row stop training and restore the best weights
 * prune mask:   g ← g ⊙ m for the pruned kernels' masks m (with {@code prune.*})
 * clip:         by global norm or by value
 * update:       θ ← optimizer(θ, g, lr_t),  lr_t = schedule(t) · plateau scale · non-finite scale
 * prune:        at a pruning step of the schedule, new masks from |W|, pruned weights and their moments ← 0
 *               ({@link GradualPruning})
 * </pre>
 *
 * with t the number of updates already made. Evaluations ({@link #evaluate}, {@link #onEvaluation})
 * drive early stopping (Keras semantics, evaluations in place of epochs) and reduce-on-plateau, which
 * scales the base rate by lr_plateau / learning-rate.
 *
 * <p>{@link #state()} is the complete training state in one versioned binary form; {@link
 * #restore(byte[])} then the same steps give bit-identical parameters to never stopping. A trainer is
 * not thread-safe.
 */
public final class Trainer implements Learner {

    /** "EDDT": first four bytes of a training state. */
    static final FormatHeader STATE_HEADER = new FormatHeader("EDDT", "training state", Trainer.STATE_VERSION);
    /**
     * Format version of {@link #state()}: 2 added the skipped-step counter, 3 the pruning masks (with {@code prune.*}),
     * 4 the step the schedule counts from. {@link #restore} also reads versions 1 (no step was skipped then), 2 (no
     * pruning then) and 3 (no schedule restarted then) and refuses any other.
     */
    public static final int STATE_VERSION = 5;

    /**
     * The keys that shape the state {@link #copyOf} copies (the network's arrays, the optimizer's moments, the
     * standardization statistics): a copy is only between configurations equal in these.
     */
    public static final List<String> STATE_SHAPE_KEYS = List.of(
            "frozen-layers",
            "input-size",
            "layers",
            "loss",
            "optimizer",
            "precision",
            "standardize",
            TrainerConfig.TARGET_STANDARDIZATION_KEY);

    private TrainerConfig config;
    private final Network network;
    private final Loss loss;
    private Optimizer optimizer;
    private final Standardizer standardizer;
    /** With {@code standardize-target=true} (regression), else null. */
    private final TargetStandardization targetStandardization;

    private final NonFiniteGuard guard;
    private ReduceLrOnPlateau plateau;
    private final EarlyStopping earlyStopping;
    /** Magnitude pruning of the trained layers' kernels, or null without {@code prune.*}. */
    private final GradualPruning pruning;

    private final List<Parameter> parameters;
    /** The parameters the optimizer updates: those of every layer after the first {@code frozen-layers}. */
    private final List<Parameter> trainable;
    /** Batch-norm running means and variances (live arrays), put back after a non-finite step. */
    private final List<double[]> runningStatistics;

    private LearningRateSchedule schedule;
    private GradientClipping clipping;
    private TrainingBudget budget;

    private long steps;
    private long examplesSeen;
    /** Steps whose example weights summed to 0. */
    private long skippedSteps;
    /** Steps at creation or at the last {@link #resume()}: the budget counts from here. */
    private long budgetStart;
    /** The step the learning-rate schedule counts from: 0, or the step of the last drift that restarted it. */
    private long scheduleStart;

    private StopReason stopReason;
    /** Weights at the best evaluation so far (see {@link Architecture#weights}), or null. */
    private double[] bestWeights;

    /**
     * The input (and target) standardization statistics at the best evaluation, saved with {@link #bestWeights}: the
     * best weights restored with the statistics of a later step would not score what the best evaluation scored.
     */
    private byte[] bestStandardization;
    /**
     * The rate reduce-on-plateau started from; its current rate divided by this scales the scheduled
     * rate (kept in the state, so a later live change of learning-rate does not distort the ratio).
     */
    private double plateauReference;

    private DMatrixRMaj x;
    private DMatrixRMaj y;
    private final double[] batchNormBackup;

    private Trainer(TrainerConfig config) {
        this.config = config;
        this.network = network(config);
        this.parameters = network.parameters();
        this.trainable = new ArrayList<>();
        List<Parameter> prunable = new ArrayList<>();
        for (Dense layer :
                network.layers().subList(config.frozenLayers(), network.layers().size())) {
            trainable.addAll(layer.parameters());
            prunable.add(layer.kernel());
        }
        this.pruning = config.prune().map(c -> new GradualPruning(c, prunable)).orElse(null);
        List<double[]> weights = Architecture.weights(network);
        this.runningStatistics = weights.subList(parameters.size(), weights.size());
        this.loss = Losses.create(config.loss());
        this.optimizer = optimizer(config);
        this.standardizer = config.standardize() ? new Standardizer(config.inputSize()) : null;
        this.targetStandardization = config.standardizeTarget() ? new TargetStandardization() : null;
        this.guard = new NonFiniteGuard(config.nonFiniteLrFactor(), config.nonFiniteMaxConsecutive());
        this.plateauReference = config.learningRate();
        this.plateau = plateau(config);
        this.earlyStopping = config.newEarlyStopping();
        applyLiveSettings(config);
        this.x = new DMatrixRMaj(config.batchSize(), config.inputSize());
        this.y = new DMatrixRMaj(config.batchSize(), config.outputSize());
        this.batchNormBackup = new double[Architecture.length(runningStatistics)];
    }

    /** A fresh network of {@code config}'s architecture, initialized by its seed. */
    private static Network network(TrainerConfig config) {
        return Network.build(
                Architecture.spec(
                        config.inputSize(),
                        config.layers(),
                        config.initializer(),
                        config.l1(),
                        config.l2(),
                        config.precision()),
                config.seed());
    }

    private static ReduceLrOnPlateau plateau(TrainerConfig config) {
        return config.plateauEnabled()
                ? new ReduceLrOnPlateau(
                        config.learningRate(),
                        config.plateauMode(),
                        config.plateauFactor(),
                        config.plateauPatience(),
                        config.plateauMinDelta(),
                        config.plateauCooldown(),
                        config.plateauMinLr())
                : null;
    }

    /** A fresh trainer; the same config (seed included) always gives the same initial parameters. */
    public static Trainer create(TrainerConfig config) {
        return new Trainer(config);
    }

    /**
     * {@link #warmStart(TrainerConfig, InferenceModel, boolean)} that also copies the source's input standardization.
     */
    public static Trainer warmStart(TrainerConfig config, InferenceModel source) {
        return warmStart(config, source, true);
    }

    /**
     * A fresh trainer (step 0, fresh optimizer state) that begins from {@code source}: transfer from an earlier model.
     * The layers of the {@link TransferRule} (the longest matching prefix) take the source's weights, the others
     * their fresh initialization under the config's seed; with {@code frozen-layers = k} the first k layers keep the
     * source's weights while the rest trains.
     *
     * @param copyStandardizer whether the input standardization starts from the source's statistics (when both
     *     standardize) rather than from none
     * @throws IllegalArgumentException naming both shapes when {@link TransferRule#between} refuses them, or when
     *     the source or the config is an ensemble
     */
    public static Trainer warmStart(TrainerConfig config, InferenceModel source, boolean copyStandardizer) {
        if (config.ensemble().enabled()) {
            throw new IllegalArgumentException("a warm start copies one network into one network; the config sets"
                    + " ensemble=" + config.ensemble().kind().key());
        }
        TransferRule rule = TransferRule.between(source, config); // refuses an ensemble source too
        Trainer trainer = new Trainer(config);
        rule.copy(source.network(), trainer.network);
        for (double[] w : Architecture.weights(trainer.network)) {
            config.precision().round(w); // a float64 source warm-starts a float32 model at its nearest floats
        }
        if (copyStandardizer
                && trainer.standardizer != null
                && source.standardizer().isPresent()) {
            trainer.standardizer.copyFrom(source.standardizer().get());
        }
        return trainer;
    }

    /**
     * One optimizer step on one mini-batch (any number of rows ≥ 1; {@code batch-size} is the app's
     * batching unit, not enforced here).
     *
     * @param features one row of {@code input-size} finite values per example
     * @param labels per example: the class index (0..K−1, as a double) for classification, the target
     *     for regression; encoded as one-hot (softmax), 0/1 (sigmoid) or −1/+1 (hinge)
     * @return loss, gradient norm, rate and whether the step was non-finite; when this step uses up
     *     {@code budget.max-steps}, training stops ({@link StopReason#BUDGET}) and, as at the end of a
     *     Keras fit, the best weights are restored if configured
     * @throws IllegalStateException if training has stopped (see {@link #resume()})
     * @throws IllegalArgumentException naming the first bad row or label
     */
    public StepResult step(double[][] features, double[] labels) {
        return train(features, labels, null, 1);
    }

    /**
     * {@link #step(double[][], double[])} with a weight per example: the data loss is Σ_b w_b·ℓ_b / Σ_b w_b (see
     * {@link Loss}), its gradient to match. When the weights sum to 0 the step is skipped ({@link
     * StepResult#skipped()}): the examples count as seen and in the standardization statistics, nothing else changes.
     * Weights change neither the standardization statistics nor {@link #evaluate} and {@link #predictions}.
     *
     * @param weights one per row, each 0 or in [10⁻¹⁰⁰, 10¹⁰⁰] ({@link ExampleWeights#MAX})
     * @throws IllegalArgumentException naming the first bad row, label or weight
     */
    @Override
    public StepResult step(double[][] features, double[] labels, double[] weights) {
        Objects.requireNonNull(weights, "weights (step(features, labels) trains with every weight 1)");
        ExampleWeights.requireExampleWeights("weights", weights);
        return train(features, labels, weights, 1);
    }

    /**
     * {@link #step(double[][], double[], double[])} whose update uses the rate lr_t·s: an ensemble member's step, s
     * its draws' share of the batch (see {@code Ensemble}), so that with one example per batch a draw k still
     * weighs as much as k copies would.
     *
     * @param rateScale s &gt; 0, finite
     */
    public StepResult step(double[][] features, double[] labels, double[] weights, double rateScale) {
        Objects.requireNonNull(weights, "weights");
        if (!(rateScale > 0 && Double.isFinite(rateScale))) {
            throw new IllegalArgumentException("rate scale must be finite and > 0, got " + rateScale);
        }
        return train(features, labels, weights, rateScale);
    }

    /** One step; {@code weights} null: every weight 1; the update's rate is scaled by {@code rateScale}. */
    private StepResult train(double[][] features, double[] labels, double[] weights, double rateScale) {
        if (stopReason != null) {
            throw new IllegalStateException(
                    "training has stopped (" + stopReason + " after step " + steps + "); call resume() to re-arm it");
        }
        x = load(features, x);
        y = ModelOutputs.targets(config, labels, features.length, y);
        double totalWeight = ExampleWeights.sum("weights", weights, x.numRows);
        if (standardizer != null) {
            standardizer.updateBatch(x.data, x.numRows);
            standardizer.transformBatch(x.data, x.data, x.numRows);
        }
        if (targetStandardization != null) {
            targetStandardization.learn(y);
        }
        if (totalWeight == 0) {
            // Σ w·ℓ / Σ w is 0/0: no loss to descend. Not a numerical fault, so the guard and the rate are untouched.
            examplesSeen += x.numRows;
            skippedSteps++;
            return new StepResult(Double.NaN, 0, learningRate(), false, steps, true);
        }
        Architecture.copy(runningStatistics, batchNormBackup);
        double lossValue = network.computeGradients(x, y, weights, loss);
        double reported = reportedLoss(lossValue);
        examplesSeen += x.numRows;
        NonFiniteGuard.Action action = guard.check(lossValue, parameters);
        if (action != NonFiniteGuard.Action.PROCEED) {
            // The update is skipped, so parameters and optimizer moments are still the last good state;
            // only the batch-norm running statistics moved during the forward pass.
            Architecture.copy(batchNormBackup, runningStatistics);
            if (action == NonFiniteGuard.Action.GIVE_UP) {
                // Finite but diverged weights can make every later step non-finite: stop, and fall back
                // to the best evaluated weights (as at the end of a fit) rather than keep the diverged ones.
                stopReason = StopReason.NON_FINITE;
                restoreBestWeightsIfConfigured();
            }
            return new StepResult(reported, GradientClipping.globalNorm(parameters), learningRate(), true, steps);
        }
        if (pruning != null) {
            pruning.maskGradients();
        }
        double gradientNorm = clipping.apply(trainable);
        if (!(clipping instanceof GradientClipping.None)) {
            // a clipped gradient (g·factor, a clamp to ±c) is a double: back to the precision the optimizer reads
            for (Parameter p : trainable) {
                config.precision().round(p.grad());
            }
        }
        // rateScale is exactly 1 outside ensembles, and lr·1 = lr: a single network's updates are unchanged.
        double lr = learningRate() * rateScale;
        optimizer.step(trainable, lr, config.precision());
        steps++;
        if (pruning != null) {
            pruning.afterUpdate(steps, optimizer);
        }
        if (budget.exhausted(steps - budgetStart)) {
            stopReason = StopReason.BUDGET;
            restoreBestWeightsIfConfigured();
        }
        return new StepResult(reported, gradientNorm, lr, false, steps);
    }

    /**
     * The training loss a step reports, in the units of {@link #evaluate}'s holdout loss: with standardize-target the
     * data term was computed on standardized targets, so it is scaled back, L = s²·L_data + Σ P (see {@link
     * TargetStandardization#inTargetUnits}, the penalty of the weights before the update); the non-finite guard sees
     * the loss as computed.
     */
    private double reportedLoss(double lossValue) {
        if (targetStandardization == null) {
            return lossValue;
        }
        double penalty = network.penalty();
        return targetStandardization.inTargetUnits(lossValue - penalty) + penalty;
    }

    /**
     * Holdout loss and metrics in inference mode (no dropout, batch-norm running statistics, inputs
     * standardized with the current statistics, which are not updated). Changes no training state.
     */
    public Evaluation evaluate(double[][] features, double[] labels) {
        DMatrixRMaj outputs = outputs(features);
        return ModelOutputs.evaluation(config, loss, outputs, labels, network.penalty());
    }

    /**
     * The predictions of the model as it is now, in inference mode as {@link #evaluate}, for prequential
     * (test-then-train) scoring: per row the predicted class ŷ_i (classification, the class of the holdout
     * accuracy) or the predicted value ŷ_i (regression). Only the outputs are computed, none of the loss or the
     * metrics. Changes no training state.
     *
     * @throws IllegalArgumentException when the rows do not fit the model
     */
    public double[] predictions(double[][] features) {
        return ModelOutputs.predictions(config, outputs(features));
    }

    /**
     * Feeds one evaluation to reduce-on-plateau and early stopping (Keras semantics with evaluations
     * counted as epochs). On improvement the current weights are kept as the best weights; on stop
     * with {@code early-stopping.restore-best-weights} the best weights are put back. A NaN monitored
     * value counts as the worst possible value.
     */
    public EvaluationOutcome onEvaluation(Evaluation evaluation) {
        if (plateau != null) {
            plateau.update(worstIfNaN(evaluation.monitored(config.plateauMonitor()), config.plateauMode()));
        }
        if (earlyStopping == null) {
            return new EvaluationOutcome(-1, false, false, false, learningRate());
        }
        if (earlyStopping.stopped()) {
            throw new IllegalStateException("early stopping already stopped training; call resume() first");
        }
        int index = earlyStopping.evaluations();
        EarlyStopping.Decision decision = earlyStopping.update(
                worstIfNaN(evaluation.monitored(config.earlyStoppingMonitor()), config.earlyStoppingMode()));
        if (decision.improved() && config.restoreBestWeights()) {
            List<double[]> weights = Architecture.weights(network);
            if (bestWeights == null) {
                bestWeights = new double[Architecture.length(weights)];
            }
            Architecture.copy(weights, bestWeights);
            bestStandardization = standardizationState();
        }
        boolean restored = false;
        if (decision.stop()) {
            stopReason = StopReason.EARLY_STOPPING;
            restored = restoreBestWeightsIfConfigured();
        }
        return new EvaluationOutcome(index, decision.improved(), decision.stop(), restored, learningRate());
    }

    /** Model outputs for each row (probabilities for sigmoid/softmax), in inference mode. */
    public double[][] predict(double[][] features) {
        return rows(outputs(features));
    }

    /** The model's outputs in inference mode: the network's, mapped back to target units when it learns them standardized. */
    private DMatrixRMaj outputs(double[][] features) {
        DMatrixRMaj outputs = network.predict(standardizedInputs(features));
        return targetStandardization == null ? outputs : targetStandardization.inverse(outputs);
    }

    /**
     * Re-arms a stopped trainer: clears the stop, resets early stopping (as Keras' on_train_begin) and
     * restarts the step budget; parameters, optimizer state, statistics and best weights are kept.
     */
    public void resume() {
        stopReason = null;
        budgetStart = steps;
        if (earlyStopping != null) {
            earlyStopping.reset();
        }
    }

    /**
     * A concept drift was detected: training re-arms as for a new stream while the weights stay. A model stopped by
     * early stopping or its step budget resumes (one stopped by the non-finite guard stays stopped: its numbers, not
     * the stream, failed); early stopping forgets its evaluations and best weights; reduce-on-plateau starts afresh (its
     * reductions undone); the base learning rate is multiplied by {@code drift.lr-factor}; with {@code
     * drift.reset-optimizer} the optimizer's moments start from zero; with {@code drift.restart-schedule} the
     * learning-rate schedule counts its steps from here, lr_t = schedule(t − t_drift) (a warm restart: a decayed rate
     * is back at its start). Part of {@link #state()} like every change.
     */
    @Override
    public void rearm(DriftResponse response) {
        if (stopReason != StopReason.NON_FINITE) {
            resume();
        }
        bestWeights = null;
        bestStandardization = null;
        plateau = plateau(config);
        plateauReference = config.learningRate();
        if (response.lrFactor() != 1) {
            set("learning-rate", Double.toString(config.learningRate() * response.lrFactor()));
        }
        if (response.resetOptimizer()) {
            optimizer = optimizer(config);
        }
        if (response.restartSchedule()) {
            scheduleStart = steps;
        }
    }

    /**
     * Population-based training's exploit: a trainer under {@code config} that continues the model of {@code donor}.
     * It takes what the donor has learned: the parameters, batch-norm running statistics and dropout generator, the
     * optimizer's state (moments and its own update count, which Adam's bias correction uses), the input
     * standardization statistics and the pruning masks. Everything the configuration drives starts from
     * {@code config}: the new learning rate, batch size, clipping, l1/l2, optimizer hyper-parameters and schedule are
     * in force from the next step; reduce-on-plateau, early stopping, the non-finite guard and the best weights start
     * afresh; it is not stopped. The counters (steps, examples seen, budget start, skipped steps) are 0: a trial that
     * exploits keeps its own place on the stream with {@code copyOf(config, donor).continuingFrom(itself)}, so the
     * schedule and the partial batch go on counting its own examples.
     *
     * @throws IllegalArgumentException naming the keys when {@code config} differs from the donor's in a key that
     *     shapes the state ({@link #STATE_SHAPE_KEYS}), or the donor's optimizer state does not fit the configured one
     *     (another {@code momentum}/{@code amsgrad}/{@code centered} layout); for an ensemble
     */
    public static Trainer copyOf(TrainerConfig config, Trainer donor) {
        if (config.ensemble().enabled()) {
            throw new IllegalArgumentException("an exploit copies one network; the config sets ensemble="
                    + config.ensemble().kind().key());
        }
        List<String> differ = new ArrayList<>();
        for (String key : STATE_SHAPE_KEYS) {
            if (!Objects.equals(
                    config.toProperties().get(key), donor.config.toProperties().get(key))) {
                differ.add(key);
            }
        }
        if (config.prune().isPresent() != (donor.pruning != null)) {
            differ.add("prune.*");
        }
        if (!differ.isEmpty()) {
            throw new IllegalArgumentException("cannot copy a model trained under other " + differ
                    + ": the copy keeps the donor's layers and optimizer state, so these keys must be equal");
        }
        Trainer copy = new Trainer(config);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                donor.network.saveState(out);
                donor.optimizer.saveState(out);
                if (donor.pruning != null) {
                    donor.pruning.saveState(out);
                }
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                copy.network.loadState(in);
                copy.optimizer.loadState(in);
                if (copy.pruning != null) {
                    copy.pruning.loadState(in);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "the donor's state does not fit " + config.optimizer() + " under the new" + " configuration: "
                            + e.getMessage(),
                    e);
        }
        if (copy.standardizer != null) {
            copy.standardizer.copyFrom(donor.standardizer);
        }
        if (copy.targetStandardization != null) {
            copy.targetStandardization.copyFrom(donor.targetStandardization);
        }
        return copy;
    }

    /**
     * Continues the counters of {@code other} (steps, examples seen, the budget's start, skipped steps): a fresh network that takes
     * over from another (a drift challenger) keeps the model's count of examples and its place in the schedule.
     */
    public Trainer continuingFrom(Trainer other) {
        steps = other.steps;
        examplesSeen = other.examplesSeen;
        budgetStart = other.budgetStart;
        skippedSteps = other.skippedSteps;
        scheduleStart = other.scheduleStart;
        return this;
    }

    /**
     * Changes a hyper-parameter while training; {@code key} must be one of {@link
     * TrainerConfig#LIVE_KEYS} and the value is validated as in {@link TrainerConfig#fromProperties}.
     * A new {@code learning-rate} is the new base rate of the schedule (plateau and non-finite
     * reductions made so far still apply on top). The change is part of {@link #state()}.
     */
    public void set(String key, String value) {
        if (!TrainerConfig.LIVE_KEYS.contains(key)) {
            throw new IllegalArgumentException("key '" + key + "' cannot be changed while training; live keys: "
                    + new TreeSet<>(TrainerConfig.LIVE_KEYS));
        }
        TrainerConfig changed = config.with(key, value);
        applyLiveSettings(changed);
        config = changed;
    }

    /** The learning rate the next update will use. */
    public double learningRate() {
        double plateauScale = plateau == null ? 1 : plateau.learningRate() / plateauReference;
        return schedule.rate(steps - scheduleStart) * plateauScale * guard.learningRateScale();
    }

    /** Optimizer updates made so far (non-finite steps are not updates). */
    public long steps() {
        return steps;
    }

    /** Examples passed to {@link #step} so far, including those of non-finite steps. */
    public long examplesSeen() {
        return examplesSeen;
    }

    /** Steps skipped because their example weights summed to 0, since creation; they are not {@link #steps()}. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** Σ_l zeros(W_l) / Σ_l |W_l|: the fraction of kernel weights that are exactly 0 ({@link Sparsity#overall}). */
    @Override
    public double sparsity() {
        return Sparsity.overall(network);
    }

    /** Non-finite steps since creation. */
    public long nonFiniteSteps() {
        return guard.events();
    }

    public boolean stopped() {
        return stopReason != null;
    }

    /** Why training stopped, if it did. */
    public Optional<StopReason> stopReason() {
        return Optional.ofNullable(stopReason);
    }

    /** Early stopping's best monitored value and its evaluation index, if any evaluation improved. */
    public Optional<Map.Entry<Integer, Double>> best() {
        if (earlyStopping == null || earlyStopping.bestIndex().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Map.entry(
                earlyStopping.bestIndex().getAsInt(), earlyStopping.bestValue().getAsDouble()));
    }

    /** The configuration in force (live changes included). */
    public TrainerConfig config() {
        return config;
    }

    /** The network being trained (its arrays are live; do not modify them while training). */
    public Network network() {
        return network;
    }

    /**
     * Architecture, current parameters and standardization: what serving needs. With target standardization the
     * served output layer holds its inverse ({@link TargetStandardization}), so serving needs nothing more.
     */
    public InferenceModel inferenceModel() {
        if (targetStandardization == null) {
            return InferenceModel.of(config, network, standardizer);
        }
        Network served = network(config);
        List<double[]> weights = Architecture.weights(network);
        double[] flat = new double[Architecture.length(weights)];
        Architecture.copy(weights, flat);
        Architecture.copy(flat, Architecture.weights(served));
        targetStandardization.fold(served.layers().get(served.layers().size() - 1));
        return InferenceModel.of(config, served, standardizer);
    }

    /**
     * Leslie Smith's learning-rate range test on a copy of this trainer ({@link LrRangeTest}): {@code
     * steps} updates with the rate growing exponentially from {@code minLr} to {@code maxLr}, cycling
     * through {@code features}/{@code labels} in mini-batches of {@code batch-size}. This trainer's own
     * state does not change.
     */
    public LrRangeTest.Result lrRangeTest(double[][] features, double[] labels, double minLr, double maxLr, int steps) {
        LrRangeTest test = new LrRangeTest(minLr, maxLr, steps);
        if (features.length == 0 || features.length != labels.length) {
            throw new IllegalArgumentException("lrRangeTest needs as many labels as feature rows (at least one), got "
                    + features.length + " rows and " + labels.length + " labels");
        }
        Trainer copy = restore(state());
        copy.resume();
        copy.set("budget.max-steps", Integer.toString(Integer.MAX_VALUE));
        int batch = Math.min(config.batchSize(), features.length);
        int[] next = {0};
        return test.run(rate -> {
            double[][] xs = new double[batch][];
            double[] ys = new double[batch];
            for (int i = 0; i < batch; i++) {
                int row = (next[0] + i) % features.length;
                xs[i] = features[row];
                ys[i] = labels[row];
            }
            next[0] = (next[0] + batch) % features.length;
            copy.schedule = t -> rate;
            return copy.step(xs, ys).loss();
        });
    }

    /**
     * The complete training state: magic "EDDT", format version {@value #STATE_VERSION}, the canonical
     * configuration (live changes included), counters (steps, examples seen, budget start, skipped steps, the
     * schedule's start since version 4), network (parameters, batch-norm statistics,
     * dropout generator), optimizer moments, standardization statistics (the inputs', then with {@code
     * standardize-target} the target's), non-finite guard,
     * reduce-on-plateau and early-stopping state, the best weights (since version 5 with the standardization
     * statistics of their evaluation), then the pruning masks (with {@code prune.*}).
     * Arrays are bulk copies.
     */
    public byte[] state() {
        ByteArrayOutputStream bytes =
                new ByteArrayOutputStream(64 + 32 * (int) Math.min(network.parameterCount(), 1 << 24));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            STATE_HEADER.write(out);
            config.write(out);
            out.writeLong(steps);
            out.writeLong(examplesSeen);
            out.writeLong(budgetStart);
            out.writeLong(skippedSteps);
            out.writeLong(scheduleStart);
            out.writeInt(stopReason == null ? -1 : stopReason.ordinal());
            out.writeDouble(plateauReference);
            network.saveState(out);
            optimizer.saveState(out);
            guard.saveState(out);
            if (standardizer != null) {
                standardizer.saveState(out);
            }
            if (targetStandardization != null) {
                targetStandardization.saveState(out);
            }
            if (plateau != null) {
                plateau.saveState(out);
            }
            if (earlyStopping != null) {
                earlyStopping.saveState(out);
            }
            out.writeBoolean(bestWeights != null);
            if (bestWeights != null) {
                StateIo.writeDoubles(out, bestWeights);
                out.writeBoolean(bestStandardization != null);
                if (bestStandardization != null) {
                    out.writeInt(bestStandardization.length);
                    out.write(bestStandardization);
                }
            }
            if (pruning != null) {
                pruning.saveState(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * A trainer continuing exactly from {@code state} (written by {@link #state()}), with the
     * configuration stored in it.
     *
     * @throws IllegalArgumentException if the bytes are not a training state, have another format
     *     version, or are truncated or corrupt
     */
    public static Trainer restore(byte[] state) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            int version = STATE_HEADER.read(in);
            Trainer t = new Trainer(TrainerConfig.read(in));
            t.steps = in.readLong();
            t.examplesSeen = in.readLong();
            t.budgetStart = in.readLong();
            t.skippedSteps = version >= 2 ? in.readLong() : 0;
            t.scheduleStart = version >= 4 ? in.readLong() : 0;
            int stop = in.readInt();
            t.stopReason = stop < 0 ? null : StopReason.values()[stop];
            t.plateauReference = in.readDouble();
            t.network.loadState(in);
            t.optimizer.loadState(in);
            t.guard.loadState(in);
            if (t.standardizer != null) {
                t.standardizer.loadState(in);
            }
            // Before standardize-target existed no configuration set it, so a state that has it holds its statistics.
            if (t.targetStandardization != null) {
                t.targetStandardization.loadState(in);
            }
            if (t.plateau != null) {
                t.plateau.loadState(in);
            }
            if (t.earlyStopping != null) {
                t.earlyStopping.loadState(in);
            }
            if (in.readBoolean()) {
                t.bestWeights =
                        StateIo.readDoubles(in, Architecture.length(Architecture.weights(t.network)), "best weights");
                // before version 5 the best weights were restored with the statistics in force
                if (version >= 5 && in.readBoolean()) {
                    int length = in.readInt();
                    if (length < 0 || length > in.available()) {
                        throw new IOException(
                                "best standardization of " + length + " bytes, " + in.available() + " left");
                    }
                    t.bestStandardization = in.readNBytes(length);
                    byte[] current = t.standardizationState();
                    t.loadStandardization(t.bestStandardization); // a corrupt one fails here
                    t.loadStandardization(current);
                }
            }
            // Before version 3 no configuration could prune, so a pruning trainer's state always has its masks.
            if (t.pruning != null) {
                t.pruning.loadState(in);
            }
            if (in.available() != 0) {
                throw new IOException(in.available() + " unread bytes after the training state");
            }
            return t;
        } catch (IOException | UncheckedIOException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("corrupt training state: " + e.getMessage(), e);
        }
    }

    /**
     * Like {@link #restore(byte[])}, but first checks that the state was written under {@code expected} (see {@link
     * Learners#restore(TrainerConfig, byte[])}).
     *
     * @throws IllegalArgumentException naming the keys whose values differ, or when the state is an ensemble's
     */
    public static Trainer restore(TrainerConfig expected, byte[] state) {
        if (Learners.restore(expected, state) instanceof Trainer trainer) {
            return trainer;
        }
        throw new IllegalArgumentException("the state is an ensemble's ("
                + expected.ensemble().toProperties() + "); restore it with Learners.restore, not as one network");
    }

    private void applyLiveSettings(TrainerConfig c) {
        schedule = schedule(c);
        clipping = c.clipGlobalNorm().isPresent()
                ? GradientClipping.byGlobalNorm(c.clipGlobalNorm().getAsDouble())
                : c.clipValue().isPresent()
                        ? GradientClipping.byValue(c.clipValue().getAsDouble())
                        : GradientClipping.none();
        budget = c.maxSteps().isPresent() ? TrainingBudget.steps(c.maxSteps().getAsLong()) : TrainingBudget.unlimited();
    }

    private boolean restoreBestWeightsIfConfigured() {
        if (bestWeights == null || !config.restoreBestWeights()) {
            return false;
        }
        loadWeights(bestWeights);
        if (bestStandardization != null) {
            loadStandardization(bestStandardization);
        }
        return true;
    }

    /**
     * Puts back weights kept earlier (the best weights, flat in {@link Architecture#weights} order). With pruning the
     * masks become their zeros and those weights' optimizer state is cleared: the weights carry the masks of their
     * time, so what was pruned then is pruned again and nothing pruned since stays frozen at a non-zero value.
     */
    public void loadWeights(double[] weights) {
        Architecture.copy(weights, Architecture.weights(network));
        if (pruning != null) {
            pruning.maskZeros(optimizer);
        }
    }

    /** The standardization statistics' state: the inputs', then with {@code standardize-target} the target's. */
    private byte[] standardizationState() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (standardizer != null) {
                standardizer.saveState(out);
            }
            if (targetStandardization != null) {
                targetStandardization.saveState(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Restores statistics written by {@link #standardizationState()}. */
    private void loadStandardization(byte[] state) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            if (standardizer != null) {
                standardizer.loadState(in);
            }
            if (targetStandardization != null) {
                targetStandardization.loadState(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double worstIfNaN(double value, Mode mode) {
        if (!Double.isNaN(value)) {
            return value;
        }
        return mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    private DMatrixRMaj standardizedInputs(double[][] features) {
        DMatrixRMaj inputs = load(features, new DMatrixRMaj(1, 1));
        if (standardizer != null) {
            standardizer.transformBatch(inputs.data, inputs.data, inputs.numRows);
        }
        return inputs;
    }

    /** Copies validated rows into {@code into}, reallocating it only when the batch size changes. */
    private DMatrixRMaj load(double[][] features, DMatrixRMaj into) {
        int n = config.inputSize();
        if (features.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one row, got none");
        }
        DMatrixRMaj m = into.numRows == features.length && into.numCols == n && into.data.length == features.length * n
                ? into
                : new DMatrixRMaj(features.length, n);
        for (int r = 0; r < features.length; r++) {
            double[] row = features[r];
            if (row.length != n) {
                throw new IllegalArgumentException(
                        "row " + r + " has " + row.length + " features, expected input-size " + n);
            }
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(row[j])) {
                    throw new IllegalArgumentException("row " + r + " feature " + j + " must be finite, got " + row[j]);
                }
            }
            System.arraycopy(row, 0, m.data, r * n, n);
        }
        return m;
    }

    private static double[][] rows(DMatrixRMaj m) {
        double[][] out = new double[m.numRows][];
        for (int r = 0; r < m.numRows; r++) {
            out[r] = Arrays.copyOfRange(m.data, r * m.numCols, (r + 1) * m.numCols);
        }
        return out;
    }

    private static Optimizer optimizer(TrainerConfig c) {
        Map<String, String> s = c.optimizerSettings();
        return switch (c.optimizer()) {
            case "sgd", "momentum", "nesterov" -> new Sgd(
                    number(s, "momentum"),
                    s.containsKey("dampening") ? number(s, "dampening") : 0.0,
                    c.optimizer().equals("nesterov"));
            case "adagrad" -> new Adagrad(number(s, "lr-decay"), number(s, "initial-accumulator"), number(s, "eps"));
            case "rmsprop" -> new RmsProp(
                    number(s, "rho"), number(s, "eps"), number(s, "momentum"), Boolean.parseBoolean(s.get("centered")));
            case "adam", "amsgrad" -> new Adam(
                    number(s, "beta1"),
                    number(s, "beta2"),
                    number(s, "eps"),
                    c.optimizer().equals("amsgrad") || Boolean.parseBoolean(s.get("amsgrad")));
            case "adamw" -> new AdamW(
                    number(s, "beta1"),
                    number(s, "beta2"),
                    number(s, "eps"),
                    number(s, "weight-decay"),
                    Boolean.parseBoolean(s.get("amsgrad")));
            case "adamax" -> new Adamax(number(s, "beta1"), number(s, "beta2"), number(s, "eps"));
            case "nadam" -> new Nadam(
                    number(s, "beta1"), number(s, "beta2"), number(s, "eps"), number(s, "momentum-decay"));
            default -> throw new IllegalStateException("optimizer " + c.optimizer() + " passed validation");
        };
    }

    private static LearningRateSchedule schedule(TrainerConfig c) {
        Map<String, String> s = c.scheduleSettings();
        double lr = c.learningRate();
        return switch (c.schedule()) {
            case "constant" -> new ConstantRate(lr);
            case "exponential" -> new ExponentialDecay(
                    lr,
                    number(s, "schedule.decay-rate"),
                    Long.parseLong(s.get("schedule.decay-steps")),
                    Boolean.parseBoolean(s.get("schedule.staircase")));
            case "power" -> new PowerDecay(
                    lr, Long.parseLong(s.get("schedule.decay-steps")), number(s, "schedule.power"));
            case "piecewise" -> new PiecewiseConstant(
                    Arrays.stream(s.get("schedule.boundaries").split(","))
                            .mapToLong(Long::parseLong)
                            .toArray(),
                    Arrays.stream(s.get("schedule.values").split(","))
                            .mapToDouble(Double::parseDouble)
                            .toArray());
            case "one-cycle" -> new OneCycle(
                    lr,
                    Long.parseLong(s.get("schedule.total-steps")),
                    number(s, "schedule.pct-start"),
                    number(s, "schedule.div-factor"),
                    number(s, "schedule.final-div-factor"));
            default -> throw new IllegalStateException("schedule " + c.schedule() + " passed validation");
        };
    }

    private static double number(Map<String, String> settings, String key) {
        return Double.parseDouble(settings.get(key));
    }
}
