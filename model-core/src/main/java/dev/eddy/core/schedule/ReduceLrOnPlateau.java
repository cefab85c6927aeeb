package dev.eddy.core.schedule;

import dev.eddy.core.monitor.Mode;
import dev.eddy.core.optim.HyperParameters;
import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Keras 3 {@code ReduceLROnPlateau}, driven by evaluations of a monitored metric (golden README §6):
 *
 * <pre>
 * if cooldownCounter &gt; 0: cooldownCounter −= 1; wait = 0
 * if best is none or improves(v, best): best = v; wait = 0
 * else if cooldownCounter == 0:
 *     wait += 1
 *     if wait ≥ patience and lr &gt; minLr: lr = max(lr·factor, minLr); cooldownCounter = cooldown; wait = 0
 * </pre>
 *
 * with {@code improves} given by {@link Mode#improves} and the absolute {@code minDelta}.
 */
public final class ReduceLrOnPlateau {

    private static final String STATE_TAG = "reduce_lr_on_plateau";
    private static final int STATE_VERSION = 1;

    private final Mode mode;
    private final double factor;
    private final int patience;
    private final double minDelta;
    private final int cooldown;
    private final double minLr;

    private double lr;
    private boolean hasBest;
    private double best;
    private int wait;
    private int cooldownCounter;

    /**
     * @param initialLr rate before the first evaluation, &gt; 0
     * @param mode whether the metric improves downwards or upwards
     * @param factor multiplier applied on a plateau, in [0, 1)
     * @param patience non-improving evaluations (outside cooldown) before a reduction, ≥ 0
     * @param minDelta absolute minimum improvement, ≥ 0
     * @param cooldown evaluations after a reduction during which {@code wait} stays 0, ≥ 0
     * @param minLr lower bound of the rate, ≥ 0
     */
    public ReduceLrOnPlateau(
            double initialLr, Mode mode, double factor, int patience, double minDelta, int cooldown, double minLr) {
        this.lr = HyperParameters.positive("initialLr", initialLr);
        if (mode == null) {
            throw new IllegalArgumentException("mode must be MIN or MAX, got null");
        }
        this.mode = mode;
        this.factor = HyperParameters.unitInterval("factor", factor);
        this.patience = (int) HyperParameters.nonNegative("patience", patience);
        this.minDelta = HyperParameters.nonNegative("minDelta", minDelta);
        this.cooldown = (int) HyperParameters.nonNegative("cooldown", cooldown);
        this.minLr = HyperParameters.nonNegative("minLr", minLr);
    }

    /**
     * Processes one evaluation of the monitored metric (NaN is rejected: guard the loss first).
     *
     * @return the learning rate in force after this evaluation
     */
    public double update(double monitored) {
        if (Double.isNaN(monitored)) {
            throw new IllegalArgumentException("monitored value must not be NaN");
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            wait = 0;
        }
        if (!hasBest || mode.improves(monitored, best, minDelta)) {
            hasBest = true;
            best = monitored;
            wait = 0;
        } else if (cooldownCounter == 0) {
            wait++;
            if (wait >= patience && lr > minLr) {
                lr = Math.max(lr * factor, minLr);
                cooldownCounter = cooldown;
                wait = 0;
            }
        }
        return lr;
    }

    /** The learning rate currently in force. */
    public double learningRate() {
        return lr;
    }

    /** Non-improving evaluations counted towards {@code patience}. */
    public int waitCount() {
        return wait;
    }

    /** Evaluations of cooldown still to come. */
    public int cooldownCounter() {
        return cooldownCounter;
    }

    /** The best monitored value so far, NaN before the first evaluation. */
    public double best() {
        return hasBest ? best : Double.NaN;
    }

    /** Writes the evolving state (rate, best, counters); the hyper-parameters are not part of it. */
    public void saveState(DataOutput out) throws IOException {
        StateIo.writeHeader(out, STATE_TAG, STATE_VERSION);
        out.writeDouble(lr);
        out.writeBoolean(hasBest);
        out.writeDouble(best);
        out.writeInt(wait);
        out.writeInt(cooldownCounter);
    }

    /** Restores state written by {@link #saveState}. */
    public void loadState(DataInput in) throws IOException {
        StateIo.readHeader(in, STATE_TAG, STATE_VERSION);
        double loadedLr = in.readDouble();
        boolean loadedHasBest = in.readBoolean();
        double loadedBest = in.readDouble();
        int loadedWait = in.readInt();
        int loadedCooldown = in.readInt();
        if (!(loadedLr >= 0) || loadedWait < 0 || loadedCooldown < 0) {
            throw new IOException("corrupt " + STATE_TAG + " state: lr " + loadedLr + ", wait " + loadedWait
                    + ", cooldown counter " + loadedCooldown);
        }
        lr = loadedLr;
        hasBest = loadedHasBest;
        best = loadedBest;
        wait = loadedWait;
        cooldownCounter = loadedCooldown;
    }
}
