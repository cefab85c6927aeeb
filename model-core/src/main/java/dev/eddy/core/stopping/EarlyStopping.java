package dev.eddy.core.stopping;

import dev.eddy.core.monitor.Mode;
import dev.eddy.core.optim.HyperParameters;
import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Keras 3 {@code EarlyStopping} with evaluations in place of epochs (golden README §7). For
 * evaluation i with monitored value v:
 *
 * <pre>
 * if i &lt; startFromEpoch: ignore
 * wait += 1
 * if best is none or improves(v, best):
 *     best = v; bestIndex = i
 *     if baseline is none or improves(v, baseline): wait = 0
 * else if wait ≥ patience and i &gt; 0: stop after evaluation i
 * </pre>
 *
 * with {@code improves} given by {@link Mode#improves} and the absolute {@code minDelta}. The caller
 * keeps a copy of the weights whenever {@link Decision#improved()} and, when training ends, restores
 * them if {@link #restoreBestWeights()} (Keras restores at the end of training whether or not this
 * callback stopped it).
 */
public final class EarlyStopping {

    private static final String STATE_TAG = "early_stopping";
    private static final int STATE_VERSION = 1;

    /**
     * Outcome of one evaluation.
     *
     * @param improved this evaluation is the new best: the caller should keep the current weights
     * @param stop training stops after this evaluation
     */
    public record Decision(boolean improved, boolean stop) {}

    private static final Decision IGNORED = new Decision(false, false);
    private static final Decision IMPROVED = new Decision(true, false);
    private static final Decision NOT_IMPROVED = new Decision(false, false);
    private static final Decision STOP = new Decision(false, true);

    private final Mode mode;
    private final double minDelta;
    private final int patience;
    private final Double baseline;
    private final int startFromEpoch;
    private final boolean restoreBestWeights;

    private int evaluations;
    private int wait;
    private int bestIndex = -1;
    private double best = Double.NaN;
    private int stopIndex = -1;

    /**
     * @param mode whether the metric improves downwards or upwards
     * @param minDelta absolute minimum improvement, ≥ 0
     * @param patience evaluations without improvement before stopping, ≥ 0
     * @param baselineOrNull a value the metric must beat for {@code wait} to reset, or null
     * @param startFromEpoch evaluations with index below this are ignored entirely, ≥ 0
     * @param restoreBestWeights restore the best weights when training ends
     */
    public EarlyStopping(
            Mode mode,
            double minDelta,
            int patience,
            Double baselineOrNull,
            int startFromEpoch,
            boolean restoreBestWeights) {
        if (mode == null) {
            throw new IllegalArgumentException("mode must be MIN or MAX, got null");
        }
        this.mode = mode;
        this.minDelta = HyperParameters.nonNegative("minDelta", minDelta);
        this.patience = (int) HyperParameters.nonNegative("patience", patience);
        if (baselineOrNull != null && !Double.isFinite(baselineOrNull)) {
            throw new IllegalArgumentException("baseline must be finite or null, got " + baselineOrNull);
        }
        this.baseline = baselineOrNull;
        this.startFromEpoch = (int) HyperParameters.nonNegative("startFromEpoch", startFromEpoch);
        this.restoreBestWeights = restoreBestWeights;
    }

    /**
     * Processes the next evaluation (index {@link #evaluations()}) of the monitored metric.
     *
     * @throws IllegalStateException once stopped (evaluations after the stop are not consumed; see
     *     {@link #reset()})
     * @throws IllegalArgumentException if {@code value} is NaN
     */
    public Decision update(double value) {
        if (stopIndex >= 0) {
            throw new IllegalStateException("early stopping already stopped after evaluation " + stopIndex
                    + "; reset() it before feeding more evaluations");
        }
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("monitored value of evaluation " + evaluations + " must not be NaN");
        }
        int i = evaluations++;
        if (i < startFromEpoch) {
            return IGNORED;
        }
        wait++;
        if (bestIndex < 0 || mode.improves(value, best, minDelta)) {
            best = value;
            bestIndex = i;
            if (baseline == null || mode.improves(value, baseline, minDelta)) {
                wait = 0;
            }
            return IMPROVED;
        }
        if (wait >= patience && i > 0) {
            stopIndex = i;
            return STOP;
        }
        return NOT_IMPROVED;
    }

    /** Forgets all evaluations (Keras {@code on_train_begin}): used to re-arm a stopped model. */
    public void reset() {
        evaluations = 0;
        wait = 0;
        bestIndex = -1;
        best = Double.NaN;
        stopIndex = -1;
    }

    /** Whether training has been stopped. */
    public boolean stopped() {
        return stopIndex >= 0;
    }

    /** Index of the evaluation after which training stopped, if it did. */
    public OptionalInt stopIndex() {
        return stopIndex >= 0 ? OptionalInt.of(stopIndex) : OptionalInt.empty();
    }

    /** Index of the evaluation holding the best value (Keras {@code best_epoch}), if any was monitored. */
    public OptionalInt bestIndex() {
        return bestIndex >= 0 ? OptionalInt.of(bestIndex) : OptionalInt.empty();
    }

    /** The best monitored value, if any evaluation was monitored. */
    public OptionalDouble bestValue() {
        return bestIndex >= 0 ? OptionalDouble.of(best) : OptionalDouble.empty();
    }

    /**
     * Index of the evaluation whose weights the model should hold when training ends: the best one if
     * {@code restoreBestWeights} and something was monitored, otherwise empty (keep the last weights).
     */
    public OptionalInt restoredIndex() {
        return restoreBestWeights ? bestIndex() : OptionalInt.empty();
    }

    /** Evaluations counted since the last reset of {@code wait} (named so because of {@link Object#wait()}). */
    public int waitCount() {
        return wait;
    }

    /** Evaluations consumed so far, including ignored warm-up ones. */
    public int evaluations() {
        return evaluations;
    }

    public boolean restoreBestWeights() {
        return restoreBestWeights;
    }

    public Mode mode() {
        return mode;
    }

    /** Writes the evolving state (counters, best, stop); the hyper-parameters are not part of it. */
    public void saveState(DataOutput out) throws IOException {
        StateIo.writeHeader(out, STATE_TAG, STATE_VERSION);
        out.writeInt(evaluations);
        out.writeInt(wait);
        out.writeInt(bestIndex);
        out.writeDouble(best);
        out.writeInt(stopIndex);
    }

    /** Restores state written by {@link #saveState}. */
    public void loadState(DataInput in) throws IOException {
        StateIo.readHeader(in, STATE_TAG, STATE_VERSION);
        int loadedEvaluations = in.readInt();
        int loadedWait = in.readInt();
        int loadedBestIndex = in.readInt();
        double loadedBest = in.readDouble();
        int loadedStopIndex = in.readInt();
        if (loadedEvaluations < 0
                || loadedWait < 0
                || loadedBestIndex < -1
                || loadedBestIndex >= loadedEvaluations && loadedBestIndex >= 0
                || loadedStopIndex < -1
                || loadedStopIndex >= loadedEvaluations) {
            throw new IOException("corrupt " + STATE_TAG + " state: evaluations " + loadedEvaluations + ", wait "
                    + loadedWait + ", best index " + loadedBestIndex + ", stop index " + loadedStopIndex);
        }
        evaluations = loadedEvaluations;
        wait = loadedWait;
        bestIndex = loadedBestIndex;
        best = loadedBest;
        stopIndex = loadedStopIndex;
    }
}
