package dev.eddy.core.ensemble;

import dev.eddy.core.drift.Adwin;
import dev.eddy.core.drift.AdwinConfig;
import dev.eddy.core.drift.DriftResponse;
import dev.eddy.core.drift.DriftState;
import dev.eddy.core.loss.ExampleWeights;
import dev.eddy.core.loss.Loss;
import dev.eddy.core.loss.Losses;
import dev.eddy.core.monitor.Mode;
import dev.eddy.core.network.Network;
import dev.eddy.core.optim.StateIo;
import dev.eddy.core.preprocess.Standardizer;
import dev.eddy.core.stopping.EarlyStopping;
import dev.eddy.core.stopping.TrainingBudget;
import dev.eddy.core.train.Architecture;
import dev.eddy.core.train.Evaluation;
import dev.eddy.core.train.EvaluationOutcome;
import dev.eddy.core.train.FormatHeader;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.core.train.Learner;
import dev.eddy.core.train.MemberOutputs;
import dev.eddy.core.train.ModelOutputs;
import dev.eddy.core.train.StepResult;
import dev.eddy.core.train.StopReason;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
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
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.ejml.data.DMatrixRMaj;

/**
 * K networks of the model's configuration trained online as one model ({@code ensemble.*}, {@link EnsembleConfig}).
 * Member m is the configured network seeded seed + m (+ K·r after its r-th reset), so member 0 is the single network
 * the configuration describes. The inputs are standardized once, for all members (the statistics count every row
 * once). Per mini-batch, for each member m in order, each example b is drawn k_mb ~ Poisson(λ_b) by {@link
 * PoissonDraw} from (seed, m, b's position in the stream), and the member steps with
 *
 * <pre>
 * weights   w'_b = k_mb·w_b                      (k = 0: the member skips the example)
 * rate      lr_t · s,  s = Σ_b k_mb·w_b / (λ·Σ_b w_b)     (λ = ensemble.lambda; E[s] = 1)
 * </pre>
 *
 * so a draw k weighs like k copies of the example even with one example per batch (the loss alone is normalized by
 * Σ w', so k would only count relative to the batch's other draws), while a member's mean rate stays the configured
 * one. Without the 1/λ (MOA's instance weights taken literally, a mean rate of 6·lr for leveraging bagging),
 * shallow-sgd's leveraging bagging fell from 0.901 to 0.858 on elec2 and from 0.882 to 0.802 on Agrawal; it only
 * helped configurations whose own rate was too low (the default's Adam 1e-3 at batch 32 on Agrawal: 0.856 against
 * 0.765), which a larger learning-rate does as well.
 *
 * <ul>
 *   <li><b>bagging</b> (Oza and Russell 2001): λ_b = λ = 1.
 *   <li><b>leveraging-bagging</b> (Bifet, Holmes and Pfahringer 2010): λ = 6 and one ADWIN (δ = 0.002) per member
 *       on its own 0/1 error on the examples of weight &gt; 0, prequential (the member's class before the step); when
 *       any member's ADWIN detects a change, the member with the highest ADWIN error estimate is reset (a fresh
 *       network, a fresh ADWIN).
 *   <li><b>boosting</b> (Oza and Russell 2001, classification): λ_b starts at λ for each example and, member by
 *       member, with N the examples of weight &gt; 0 seen so far: member right (its class before the step): λ^sc_m += λ_b, λ_b ←
 *       λ_b·N/(2λ^sc_m); wrong: λ^sw_m += λ_b, λ_b ← λ_b·N/(2λ^sw_m) (an example of weight 0 changes neither, as it
 *       moves nothing else). The served model is the weighted vote α_m = ln((1 − ε_m)/ε_m), ε_m = λ^sw_m/(λ^sc_m +
 *       λ^sw_m) (α_m = 0 when ε_m ≥ 1/2 or nothing was scored; ε_m at least 10⁻⁶).
 * </ul>
 *
 * The served prediction is the members' mean output (probabilities; values for regression) or the weighted vote
 * ({@link MemberOutputs}). Early stopping and the step budget belong to the ensemble: evaluations score the served
 * prediction, and a stop pauses every member (restoring every member's best weights if configured). A member that
 * repeated non-finite steps stops alone; when none is left running the ensemble stops too (NON_FINITE), and {@link
 * #resume} re-arms every member. Reduce-on-plateau
 * hears the same evaluations in every member. A live {@code set} applies to every member. {@link #state()} holds all of
 * it in one versioned form.
 */
public final class Ensemble implements Learner {

    /** "EDDE": first four bytes of an ensemble's state. */
    static final FormatHeader STATE_HEADER = new FormatHeader("EDDE", "ensemble state", Ensemble.STATE_VERSION);
    /**
     * Format version of {@link #state()}; {@link #restore} reads every version up to it (1: before the examples of
     * weight &gt; 0 were counted apart; they are then the examples seen).
     */
    public static final int STATE_VERSION = 2;

    /** The floor of a boosting member's error ε_m, so that a member without errors has a finite vote. */
    private static final double MIN_ERROR = 1e-6;

    private TrainerConfig config;
    private final EnsembleConfig ensemble;
    private final PoissonDraw draws;
    private final Trainer[] members;
    /** Resets of each member (leveraging bagging). */
    private final int[] resets;
    /** Each member's ADWIN (leveraging bagging), else null. */
    private final Adwin[] detectors;
    /** Each member's detector state at the last example it scored. */
    private final DriftState[] drift;
    /** λ^sc_m and λ^sw_m (boosting). */
    private final double[] rightWeight;

    private final double[] wrongWeight;
    /** Each member's prequential Σ [ŷ = y] (classification) or Σ (ŷ − y)² (regression), and its count. */
    private final double[] scoreSum;

    private final long[] scored;
    private final Standardizer standardizer;
    private final Loss loss;
    private final EarlyStopping earlyStopping;
    private TrainingBudget budget;

    private long steps;
    private long examplesSeen;
    /** The examples of weight &gt; 0 seen: boosting's N (an example of weight 0 updates no λ^sc or λ^sw either). */
    private long weightedSeen;

    private long budgetStart;
    private StopReason stopReason;
    /** Every member's weights at the best evaluation so far, or null. */
    private double[][] bestWeights;

    /** The rows of the last {@link #predictions} call and each member's classes for them (not state: a cache). */
    private double[][] cachedRows;

    private long cachedAt = -1;
    private double[][] cachedClasses;

    private Ensemble(TrainerConfig config) {
        if (!config.ensemble().enabled()) {
            throw new IllegalArgumentException("the configuration sets no ensemble; train it with Trainer");
        }
        this.config = config;
        this.ensemble = config.ensemble();
        int k = ensemble.size();
        this.draws = new PoissonDraw(config.seed());
        this.members = new Trainer[k];
        this.resets = new int[k];
        for (int m = 0; m < k; m++) {
            members[m] = Trainer.create(memberConfig(config, m, 0));
        }
        boolean leveraging = ensemble.kind() == EnsembleKind.LEVERAGING_BAGGING;
        this.detectors = leveraging ? new Adwin[k] : null;
        for (int m = 0; leveraging && m < k; m++) {
            detectors[m] = new Adwin(AdwinConfig.defaults());
        }
        this.drift = new DriftState[k];
        Arrays.fill(drift, DriftState.NONE);
        this.rightWeight = new double[k];
        this.wrongWeight = new double[k];
        this.scoreSum = new double[k];
        this.scored = new long[k];
        this.standardizer = config.standardize() ? new Standardizer(config.inputSize()) : null;
        this.loss = Losses.create(config.loss());
        this.earlyStopping = config.newEarlyStopping();
        this.budget = budget(config);
    }

    /** A fresh ensemble of {@code config} (which sets {@code ensemble}); the same config gives the same members. */
    public static Ensemble create(TrainerConfig config) {
        return new Ensemble(config);
    }

    /**
     * Member m's configuration after r resets: the model's network keys with seed + m + K·r, no input
     * standardization (the ensemble standardizes), and no early stopping, step budget, drift or ensemble keys (the
     * ensemble owns them).
     */
    static TrainerConfig memberConfig(TrainerConfig config, int member, int resets) {
        Map<String, String> p = new TreeMap<>(config.toProperties());
        p.keySet()
                .removeIf(k -> k.startsWith("ensemble")
                        || k.startsWith("early-stopping.")
                        || k.startsWith("drift.")
                        || k.equals("budget.max-steps"));
        p.put("early-stopping.enabled", "false");
        p.put("standardize", "false");
        p.put(
                "seed",
                Long.toString(config.seed() + member + (long) config.ensemble().size() * resets));
        return TrainerConfig.fromProperties(p);
    }

    private static TrainingBudget budget(TrainerConfig c) {
        return c.maxSteps().isPresent() ? TrainingBudget.steps(c.maxSteps().getAsLong()) : TrainingBudget.unlimited();
    }

    @Override
    public StepResult step(double[][] features, double[] labels, double[] weights) {
        if (stopReason != null) {
            throw new IllegalStateException(
                    "training has stopped (" + stopReason + " after step " + steps + "); call resume() to re-arm it");
        }
        if (weights == null) {
            throw new IllegalArgumentException("weights: one per row expected, got none");
        }
        int n = features.length;
        ExampleWeights.requireExampleWeights("weights", weights);
        double totalWeight = ExampleWeights.sum("weights", weights, n);
        double[][] classes = memberClasses(features);
        ModelOutputs.targets(config, labels, n, new DMatrixRMaj(1, 1));
        double[][] x = standardized(features, true);
        long first = examplesSeen;
        examplesSeen += n;
        cachedRows = null;
        if (totalWeight == 0) {
            return new StepResult(Double.NaN, 0, learningRate(), false, steps, true);
        }
        double[] lambda = new double[n];
        Arrays.fill(lambda, ensemble.lambda());
        long weightedBefore = weightedSeen;
        double lossSum = 0;
        double normSum = 0;
        int updated = 0;
        boolean changed = false;
        for (int m = 0; m < members.length; m++) {
            double[] drawn = new double[n];
            double drawnWeight = 0;
            for (int b = 0; b < n; b++) {
                drawn[b] = draws.draw(m, first + b, lambda[b]) * weights[b];
                drawnWeight += drawn[b];
            }
            Trainer member = members[m];
            if (!member.stopped()) {
                StepResult r = drawnWeight > 0
                        ? member.step(x, labels, drawn, drawnWeight / (ensemble.lambda() * totalWeight))
                        : member.step(x, labels, drawn);
                if (!r.skipped() && !r.nonFinite()) {
                    lossSum += r.loss();
                    normSum += r.gradientNorm();
                    updated++;
                }
            }
            long seen = weightedBefore;
            for (int b = 0; b < n; b++) {
                double error = error(classes[m][b], labels[b]);
                boolean right = error == 0;
                scored[m]++;
                scoreSum[m] += config.classification() ? 1 - error : error;
                if (weights[b] == 0) {
                    // scored, but it moves nothing: neither the boosting weights nor a member's ADWIN hear it
                    continue;
                }
                seen++;
                if (ensemble.kind() == EnsembleKind.BOOSTING) {
                    if (right) {
                        rightWeight[m] += lambda[b];
                        lambda[b] *= seen / (2 * rightWeight[m]);
                    } else {
                        wrongWeight[m] += lambda[b];
                        lambda[b] *= seen / (2 * wrongWeight[m]);
                    }
                }
                if (detectors != null && !Double.isNaN(error)) {
                    // ADWIN takes [0, 1]: the squared error e maps to e / (1 + e), an infinite one to 1
                    double signal =
                            config.classification() ? error : Double.isInfinite(error) ? 1 : error / (1 + error);
                    drift[m] = detectors[m].update(signal);
                    changed |= drift[m] == DriftState.DRIFT;
                }
            }
        }
        for (double w : weights) {
            weightedSeen += w > 0 ? 1 : 0;
        }
        if (changed) {
            resetWorst();
        }
        steps++;
        if (Arrays.stream(members).allMatch(Trainer::stopped)) {
            // Every member gave up after repeated non-finite steps (a member has no other stop): the ensemble stops
            // as one network does, so that it pauses, and resume() re-arms the members.
            stopReason = StopReason.NON_FINITE;
            restoreBestWeightsIfConfigured();
        } else if (budget.exhausted(steps - budgetStart)) {
            stopReason = StopReason.BUDGET;
            restoreBestWeightsIfConfigured();
        }
        double meanLoss = updated == 0 ? Double.NaN : lossSum / updated;
        return new StepResult(meanLoss, updated == 0 ? 0 : normSum / updated, learningRate(), false, steps);
    }

    /** The 0/1 error [ŷ ≠ y] (classification) or the squared error (ŷ − y)² (regression). */
    private double error(double predicted, double label) {
        double e = predicted - label;
        return config.classification() ? (e == 0 ? 0 : 1) : e * e;
    }

    /** Leveraging bagging: the member whose ADWIN estimates the highest error starts afresh, with a fresh ADWIN. */
    private void resetWorst() {
        int worst = 0;
        for (int m = 1; m < members.length; m++) {
            if (detectors[m].window().mean() > detectors[worst].window().mean()) {
                worst = m;
            }
        }
        resets[worst]++;
        members[worst] = Trainer.create(memberConfig(config, worst, resets[worst]));
        detectors[worst].reset();
        scoreSum[worst] = 0;
        scored[worst] = 0;
    }

    /**
     * Each member's class (or value) for the rows before any step on them, with the statistics so far: the cache of
     * the {@link #predictions} call on the same rows (the prequential score just before the step), else computed.
     */
    private double[][] memberClasses(double[][] features) {
        if (cachedRows == features && cachedAt == examplesSeen) {
            return cachedClasses;
        }
        DMatrixRMaj x = matrix(standardized(features, false));
        double[][] classes = new double[members.length][];
        for (int m = 0; m < members.length; m++) {
            classes[m] = ModelOutputs.predictions(config, members[m].network().predict(x));
        }
        return classes;
    }

    @Override
    public double[] predictions(double[][] features) {
        DMatrixRMaj x = matrix(standardized(features, false));
        List<Network> networks = networks();
        double[][] classes = new double[members.length][];
        for (int m = 0; m < members.length; m++) {
            classes[m] = ModelOutputs.predictions(config, networks.get(m).predict(x));
        }
        cachedRows = features;
        cachedAt = examplesSeen;
        cachedClasses = classes;
        return ModelOutputs.predictions(config, MemberOutputs.served(networks, votes(), config.loss(), x));
    }

    @Override
    public Evaluation evaluate(double[][] features, double[] labels) {
        DMatrixRMaj x = matrix(standardized(features, false));
        DMatrixRMaj outputs = MemberOutputs.served(networks(), votes(), config.loss(), x);
        double penalty = 0;
        for (Trainer member : members) {
            penalty += member.network().penalty();
        }
        return ModelOutputs.evaluation(config, loss, outputs, labels, penalty / members.length);
    }

    @Override
    public EvaluationOutcome onEvaluation(Evaluation evaluation) {
        for (Trainer member : members) {
            member.onEvaluation(evaluation);
        }
        if (earlyStopping == null) {
            return new EvaluationOutcome(-1, false, false, false, learningRate());
        }
        if (earlyStopping.stopped()) {
            throw new IllegalStateException("early stopping already stopped training; call resume() first");
        }
        int index = earlyStopping.evaluations();
        double value = evaluation.monitored(config.earlyStoppingMonitor());
        if (Double.isNaN(value)) {
            value = config.earlyStoppingMode() == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        }
        EarlyStopping.Decision decision = earlyStopping.update(value);
        if (decision.improved() && config.restoreBestWeights()) {
            bestWeights = new double[members.length][];
            for (int m = 0; m < members.length; m++) {
                List<double[]> w = Architecture.weights(members[m].network());
                bestWeights[m] = new double[Architecture.length(w)];
                Architecture.copy(w, bestWeights[m]);
            }
        }
        boolean restored = false;
        if (decision.stop()) {
            stopReason = StopReason.EARLY_STOPPING;
            restored = restoreBestWeightsIfConfigured();
        }
        return new EvaluationOutcome(index, decision.improved(), decision.stop(), restored, learningRate());
    }

    private boolean restoreBestWeightsIfConfigured() {
        if (bestWeights == null || !config.restoreBestWeights()) {
            return false;
        }
        for (int m = 0; m < members.length; m++) {
            members[m].loadWeights(bestWeights[m]);
        }
        return true;
    }

    @Override
    public Optional<Map.Entry<Integer, Double>> best() {
        if (earlyStopping == null || earlyStopping.bestIndex().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Map.entry(
                earlyStopping.bestIndex().getAsInt(), earlyStopping.bestValue().getAsDouble()));
    }

    @Override
    public void resume() {
        stopReason = null;
        budgetStart = steps;
        if (earlyStopping != null) {
            earlyStopping.reset();
        }
        for (Trainer member : members) {
            member.resume();
        }
    }

    @Override
    public void rearm(DriftResponse response) {
        if (stopReason != StopReason.NON_FINITE) {
            resume();
        }
        bestWeights = null;
        if (response.lrFactor() != 1) {
            config = config.with("learning-rate", Double.toString(config.learningRate() * response.lrFactor()));
        }
        for (Trainer member : members) {
            member.rearm(response);
        }
    }

    /** Applies the change to the ensemble and to every member ({@code budget.max-steps}: the ensemble's budget). */
    @Override
    public void set(String key, String value) {
        if (!TrainerConfig.LIVE_KEYS.contains(key)) {
            throw new IllegalArgumentException("key '" + key + "' cannot be changed while training; live keys: "
                    + new TreeSet<>(TrainerConfig.LIVE_KEYS));
        }
        TrainerConfig changed = config.with(key, value);
        if (!key.equals("budget.max-steps")) {
            for (Trainer member : members) {
                member.set(key, value);
            }
        }
        config = changed;
        budget = budget(changed);
    }

    /** Member 0's rate (every member has the same schedule while none was reset; a reset one starts its own). */
    @Override
    public double learningRate() {
        return members[0].learningRate();
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public long examplesSeen() {
        return examplesSeen;
    }

    @Override
    public boolean stopped() {
        return stopReason != null;
    }

    @Override
    public Optional<StopReason> stopReason() {
        return Optional.ofNullable(stopReason);
    }

    @Override
    public TrainerConfig config() {
        return config;
    }

    @Override
    public InferenceModel inferenceModel() {
        return InferenceModel.ensemble(config, networks(), votes(), standardizer);
    }

    /** K. */
    public int size() {
        return members.length;
    }

    /** How often member m was reset (leveraging bagging). */
    public int resets(int member) {
        return resets[member];
    }

    /**
     * Member m's prequential accuracy (classification) or RMSE (regression) on the training examples it scored
     * before its steps, since its creation or last reset; NaN before any.
     */
    private double memberScore(int member) {
        if (scored[member] == 0) {
            return Double.NaN;
        }
        double mean = scoreSum[member] / scored[member];
        return config.classification() ? mean : Math.sqrt(mean);
    }

    @Override
    public List<MemberState> members() {
        List<MemberState> states = new ArrayList<>(members.length);
        for (int m = 0; m < members.length; m++) {
            states.add(new MemberState(
                    m, resets[m], drift[m], config.classification() ? "accuracy" : "rmse", memberScore(m)));
        }
        return states;
    }

    /** Member m's trainer (for tests in this package). */
    Trainer memberTrainer(int member) {
        return members[member];
    }

    /** Member m's network (live arrays: read them, do not modify them). */
    public Network member(int member) {
        return members[member].network();
    }

    /** The vote weights α_m of boosting, null for the mean. */
    private double[] votes() {
        if (ensemble.kind() != EnsembleKind.BOOSTING) {
            return null;
        }
        double[] alpha = new double[members.length];
        for (int m = 0; m < members.length; m++) {
            double total = rightWeight[m] + wrongWeight[m];
            double error = total == 0 ? 0.5 : Math.max(MIN_ERROR, wrongWeight[m] / total);
            alpha[m] = error >= 0.5 ? 0 : StrictMath.log((1 - error) / error);
        }
        return alpha;
    }

    private List<Network> networks() {
        List<Network> networks = new ArrayList<>(members.length);
        for (Trainer member : members) {
            networks.add(member.network());
        }
        return networks;
    }

    /**
     * The rows standardized with the ensemble's statistics (first updated with them when {@code update}), as new
     * arrays; checked as a member checks them.
     */
    private double[][] standardized(double[][] features, boolean update) {
        int d = config.inputSize();
        if (features.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one row, got none");
        }
        double[] flat = new double[features.length * d];
        for (int r = 0; r < features.length; r++) {
            if (features[r].length != d) {
                throw new IllegalArgumentException(
                        "row " + r + " has " + features[r].length + " features, expected input-size " + d);
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(features[r][j])) {
                    throw new IllegalArgumentException(
                            "row " + r + " feature " + j + " must be finite, got " + features[r][j]);
                }
            }
            System.arraycopy(features[r], 0, flat, r * d, d);
        }
        if (standardizer != null) {
            if (update) {
                standardizer.updateBatch(flat, features.length);
            }
            standardizer.transformBatch(flat, flat, features.length);
        }
        double[][] rows = new double[features.length][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = Arrays.copyOfRange(flat, r * d, (r + 1) * d);
        }
        return rows;
    }

    private DMatrixRMaj matrix(double[][] rows) {
        int d = config.inputSize();
        DMatrixRMaj x = new DMatrixRMaj(rows.length, d);
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, x.data, r * d, d);
        }
        return x;
    }

    /** Whether {@code state} starts with this class's magic ("EDDE"). */
    public static boolean isEnsembleState(byte[] state) {
        return STATE_HEADER.startsWith(state);
    }

    /**
     * The complete state: magic "EDDE", version {@value #STATE_VERSION}, the canonical configuration (live changes
     * included), steps, examples seen, examples of weight &gt; 0 seen, budget start, stop reason, the standardization statistics, early stopping,
     * every member's best weights if kept, then per member its resets, detector state, λ^sc, λ^sw, Σ score, scored,
     * its ADWIN (leveraging bagging) and its training state ({@link Trainer#state()}, length-prefixed).
     */
    @Override
    public byte[] state() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            STATE_HEADER.write(out);
            config.write(out);
            out.writeLong(steps);
            out.writeLong(examplesSeen);
            out.writeLong(weightedSeen);
            out.writeLong(budgetStart);
            out.writeInt(stopReason == null ? -1 : stopReason.ordinal());
            if (standardizer != null) {
                standardizer.saveState(out);
            }
            if (earlyStopping != null) {
                earlyStopping.saveState(out);
            }
            out.writeBoolean(bestWeights != null);
            for (int m = 0; bestWeights != null && m < members.length; m++) {
                StateIo.writeDoubles(out, bestWeights[m]);
            }
            for (int m = 0; m < members.length; m++) {
                out.writeInt(resets[m]);
                out.writeInt(drift[m].ordinal());
                out.writeDouble(rightWeight[m]);
                out.writeDouble(wrongWeight[m]);
                out.writeDouble(scoreSum[m]);
                out.writeLong(scored[m]);
                if (detectors != null) {
                    detectors[m].saveState(out);
                }
                byte[] member = members[m].state();
                out.writeInt(member.length);
                out.write(member);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The ensemble continuing exactly from {@code state} (written by {@link #state()}).
     *
     * @throws IllegalArgumentException if the bytes are not an ensemble's state, have another version, or are
     *     truncated or corrupt
     */
    public static Ensemble restore(byte[] state) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            int version = STATE_HEADER.read(in);
            Ensemble e = new Ensemble(TrainerConfig.read(in));
            e.steps = in.readLong();
            e.examplesSeen = in.readLong();
            e.weightedSeen = version >= 2 ? in.readLong() : e.examplesSeen;
            e.budgetStart = in.readLong();
            int stop = in.readInt();
            e.stopReason = stop < 0 ? null : StopReason.values()[stop];
            if (e.standardizer != null) {
                e.standardizer.loadState(in);
            }
            if (e.earlyStopping != null) {
                e.earlyStopping.loadState(in);
            }
            int k = e.members.length;
            if (in.readBoolean()) {
                e.bestWeights = new double[k][];
                int length = Architecture.length(Architecture.weights(e.members[0].network()));
                for (int m = 0; m < k; m++) {
                    e.bestWeights[m] = StateIo.readDoubles(in, length, "member " + m + " best weights");
                }
            }
            for (int m = 0; m < k; m++) {
                e.resets[m] = in.readInt();
                e.drift[m] = DriftState.values()[in.readInt()];
                e.rightWeight[m] = in.readDouble();
                e.wrongWeight[m] = in.readDouble();
                e.scoreSum[m] = in.readDouble();
                e.scored[m] = in.readLong();
                if (e.detectors != null) {
                    e.detectors[m].loadState(in);
                }
                byte[] member = new byte[in.readInt()];
                in.readFully(member);
                e.members[m] = Trainer.restore(memberConfig(e.config, m, e.resets[m]), member);
            }
            if (in.available() != 0) {
                throw new IOException(in.available() + " unread bytes after the ensemble state");
            }
            return e;
        } catch (IOException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("corrupt ensemble state: " + e.getMessage(), e);
        }
    }
}
