package dev.eddy.core.search;

import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.OptionalInt;

/**
 * Which trial serves under the model's name. At every decision point (an example count) the caller offers each
 * trial's search metric and whether it is live (running or completed, not paused):
 *
 * <ul>
 *   <li>without a champion, or when the champion is no longer live, the best live trial becomes champion;
 *   <li>otherwise the best live challenger {@code c} replaces the champion {@code h} only when it is better by
 *       more than the margin: {@code m_c > m_h + margin} when maximizing, {@code m_c < m_h − margin} when
 *       minimizing (an absolute margin, in the metric's units: {@code search.switch-margin}).
 * </ul>
 *
 * Ties go to the lower trial index; a NaN metric ranks last, and a champion whose metric is NaN is replaced by any
 * live trial with a number. The margin keeps two trials of the same quality from swapping the served model back
 * and forth on noise. Deterministic; its state is saved exactly.
 */
public final class Champion {

    private static final String TAG = "champion";
    private static final int VERSION = 1;

    private final int trials;
    private final double margin;
    private final boolean maximize;
    private int champion = -1;
    private long switches;

    /**
     * @param margin {@code search.switch-margin}, finite and {@code >= 0}
     * @param maximize whether a larger metric is better ({@link SearchConfig#maximize})
     */
    public Champion(int trials, double margin, boolean maximize) {
        if (trials < 1) {
            throw new IllegalArgumentException("a champion needs at least 1 trial, got " + trials);
        }
        if (!(margin >= 0 && Double.isFinite(margin))) {
            throw new IllegalArgumentException("search.switch-margin must be a finite number >= 0, got " + margin);
        }
        this.trials = trials;
        this.margin = margin;
        this.maximize = maximize;
    }

    /**
     * Applies the rule of the class javadoc to the trials' current metrics.
     *
     * @return the new champion when it changed (also the first one), empty otherwise; with no live trial the
     *     champion stays as it was
     * @throws IllegalArgumentException when the arrays do not have one element per trial
     */
    public OptionalInt update(double[] metrics, boolean[] live) {
        if (metrics.length != trials || live.length != trials) {
            throw new IllegalArgumentException(
                    "expected " + trials + " metrics and live flags, got " + metrics.length + " and " + live.length);
        }
        int best = -1;
        for (int t = 0; t < trials; t++) {
            if (live[t] && t != champion && (best < 0 || better(metrics[t], metrics[best]))) {
                best = t;
            }
        }
        if (best < 0) {
            return OptionalInt.empty();
        }
        boolean replace = champion < 0
                || !live[champion]
                || Double.isNaN(metrics[champion]) && !Double.isNaN(metrics[best])
                || (maximize ? metrics[best] > metrics[champion] + margin : metrics[best] < metrics[champion] - margin);
        if (!replace) {
            return OptionalInt.empty();
        }
        if (champion >= 0) {
            switches++;
        }
        champion = best;
        return OptionalInt.of(best);
    }

    /** Strictly better; NaN is never better, and any number is better than NaN. */
    private boolean better(double a, double b) {
        if (Double.isNaN(a)) {
            return false;
        }
        if (Double.isNaN(b)) {
            return true;
        }
        return maximize ? a > b : a < b;
    }

    /** The serving trial, −1 before the first {@link #update} with a live trial. */
    public int champion() {
        return champion;
    }

    /** How many times the champion was replaced (the first champion is not a switch). */
    public long switches() {
        return switches;
    }

    /** Writes the header ({@code champion}, version 1), the trial count, the champion and the switch count. */
    public void saveState(DataOutput out) throws IOException {
        StateIo.writeHeader(out, TAG, VERSION);
        out.writeInt(trials);
        out.writeInt(champion);
        out.writeLong(switches);
    }

    /** Restores a state written by {@link #saveState} for the same number of trials. */
    public void loadState(DataInput in) throws IOException {
        StateIo.readHeader(in, TAG, VERSION);
        int savedTrials = in.readInt();
        if (savedTrials != trials) {
            throw new IOException("the champion state is of " + savedTrials + " trials, this search has " + trials);
        }
        int savedChampion = in.readInt();
        long savedSwitches = in.readLong();
        if (savedChampion < -1 || savedChampion >= trials || savedSwitches < 0) {
            throw new IOException(
                    "corrupt champion state: champion " + savedChampion + ", " + savedSwitches + " switches");
        }
        champion = savedChampion;
        switches = savedSwitches;
    }
}
