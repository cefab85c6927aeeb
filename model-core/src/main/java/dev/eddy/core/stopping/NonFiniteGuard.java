package dev.eddy.core.stopping;

import dev.eddy.core.optim.HyperParameters;
import dev.eddy.core.optim.Parameter;
import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * Detects a diverging step before it reaches the parameters: a NaN or infinite loss or gradient
 * element. On such an event the caller discards the step, restores the last good state and
 * multiplies its learning rate by {@link #learningRateScale()}, which shrinks by {@code backoffFactor}
 * per event. After {@code maxConsecutiveEvents} events in a row without a good step in between the
 * guard gives up, and the caller should pause training of that model.
 */
public final class NonFiniteGuard {

    private static final String STATE_TAG = "non_finite_guard";
    private static final int STATE_VERSION = 1;

    /** What the caller must do with the step it just computed. */
    public enum Action {
        /** Loss and gradients are finite: apply the update. */
        PROCEED,
        /** Skip the update, restore the last good state and scale the learning rate down. */
        RESTORE_AND_BACK_OFF,
        /** Too many consecutive non-finite steps: stop training this model. */
        GIVE_UP
    }

    private final double backoffFactor;
    private final int maxConsecutiveEvents;

    private long events;
    private int consecutive;
    private double learningRateScale = 1;

    /**
     * @param backoffFactor multiplier of the learning rate per event, in (0, 1)
     * @param maxConsecutiveEvents events in a row tolerated before giving up, ≥ 1
     */
    public NonFiniteGuard(double backoffFactor, int maxConsecutiveEvents) {
        if (!(backoffFactor > 0 && backoffFactor < 1)) {
            throw new IllegalArgumentException("backoffFactor must be in (0, 1), got " + backoffFactor);
        }
        this.backoffFactor = backoffFactor;
        this.maxConsecutiveEvents = (int) HyperParameters.positive("maxConsecutiveEvents", maxConsecutiveEvents);
    }

    /**
     * Checks the loss and every gradient element of the step just computed, and records an event if
     * any is NaN or infinite.
     */
    public Action check(double loss, List<Parameter> params) {
        if (Double.isFinite(loss) && gradientsFinite(params)) {
            consecutive = 0;
            return Action.PROCEED;
        }
        events++;
        consecutive++;
        learningRateScale *= backoffFactor;
        return consecutive > maxConsecutiveEvents ? Action.GIVE_UP : Action.RESTORE_AND_BACK_OFF;
    }

    /** Whether every gradient element of every parameter is finite. */
    public static boolean gradientsFinite(List<Parameter> params) {
        for (Parameter p : params) {
            for (double g : p.grad()) {
                // g − g is 0 for finite g and NaN for NaN or ±∞: one test per element
                if (g - g != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Product of {@code backoffFactor} over all events: multiply the configured rate by it. */
    public double learningRateScale() {
        return learningRateScale;
    }

    /** Non-finite events since creation. */
    public long events() {
        return events;
    }

    /** Non-finite events since the last good step. */
    public int consecutiveEvents() {
        return consecutive;
    }

    /** Writes the counters and the current scale. */
    public void saveState(DataOutput out) throws IOException {
        StateIo.writeHeader(out, STATE_TAG, STATE_VERSION);
        out.writeLong(events);
        out.writeInt(consecutive);
        out.writeDouble(learningRateScale);
    }

    /**
     * Restores state written by {@link #saveState}. The scale may be 0: after about a thousand events (at the default
     * factor 0.5, fewer at a smaller one) the product underflows, and the state that records it must still restore.
     */
    public void loadState(DataInput in) throws IOException {
        StateIo.readHeader(in, STATE_TAG, STATE_VERSION);
        long loadedEvents = in.readLong();
        int loadedConsecutive = in.readInt();
        double loadedScale = in.readDouble();
        if (loadedEvents < 0
                || loadedConsecutive < 0
                || loadedConsecutive > loadedEvents
                || !(loadedScale >= 0 && loadedScale <= 1)) {
            throw new IOException("corrupt " + STATE_TAG + " state: events " + loadedEvents + ", consecutive "
                    + loadedConsecutive + ", scale " + loadedScale);
        }
        events = loadedEvents;
        consecutive = loadedConsecutive;
        learningRateScale = loadedScale;
    }
}
