package dev.eddy.core.search;

import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Hyperband (Li et al., JMLR 2018) as brackets of {@link Asha}, as Ray Tune's {@code AsyncHyperBandScheduler} with
 * several brackets: the rungs of {@link AshaConfig#rungs} are {@code r_0 < … < r_{B−2}}, and bracket {@code b} (for
 * {@code b = 0..B−1}) is an ASHA whose first rung is {@code r_b}; the last bracket ({@code b = B−1}) has no rung: its
 * trials train to the end unpruned. Aggressive brackets get more trials, as Hyperband's
 * {@code n_s = ⌈(s_max+1)/(s+1)·ηˢ⌉} with {@code s = B−1−b}: the trials are dealt in order, bracket 0 first, in
 * shares proportional to {@code (s_max+1)/(s+1)·ηˢ}, rounded by largest remainder (ties to the lower bracket); a
 * bracket with no trial is left out. With the defaults (1,000 to 64,000, η = 4) and 16 trials: 11, 3, 1 and 1.
 *
 * <p>Each trial belongs to one bracket for the whole search; promotions compare trials of the same bracket only.
 */
public final class Hyperband implements TrialSearch {

    private static final String TAG = "hyperband";
    private static final int VERSION = 1;

    private final int trials;
    /** Per trial, its bracket's index in {@link #brackets} ({@code −1}: the bracket without rungs). */
    private final int[] bracketOf;
    /** Per trial, its index inside its bracket. */
    private final int[] local;
    /** Per bracket with rungs, its global trial indices. */
    private final List<int[]> members = new ArrayList<>();

    private final List<Asha> brackets = new ArrayList<>();

    /**
     * @param maximize whether a larger metric is better ({@link SearchConfig#maximize})
     * @param margin {@code search.switch-margin}, each bracket's margin of indifference ({@link Asha})
     */
    public Hyperband(AshaConfig config, int trials, boolean maximize, double margin) {
        if (trials < 1) {
            throw new IllegalArgumentException("Hyperband needs at least 1 trial, got " + trials);
        }
        this.trials = trials;
        this.bracketOf = new int[trials];
        this.local = new int[trials];
        long[] rungs = config.rungs();
        int[] sizes = sizes(rungs.length + 1, config.eta(), trials);
        int next = 0;
        for (int b = 0; b < sizes.length; b++) {
            if (sizes[b] == 0) {
                continue;
            }
            int[] ids = new int[sizes[b]];
            int index = b < rungs.length ? brackets.size() : -1;
            for (int i = 0; i < sizes[b]; i++) {
                ids[i] = next;
                bracketOf[next] = index;
                local[next] = i;
                next++;
            }
            if (index >= 0) {
                brackets.add(new Asha(
                        new AshaConfig(rungs[b], config.maxExamples(), config.eta()), ids.length, maximize, margin));
                members.add(ids);
            }
        }
    }

    /**
     * The trials of each of {@code count} brackets: shares {@code w_b = count/(s+1)·ηˢ} with {@code s = count−1−b},
     * largest remainder, ties to the lower bracket.
     */
    static int[] sizes(int count, int eta, int trials) {
        double[] weights = new double[count];
        double total = 0;
        for (int b = 0; b < count; b++) {
            int s = count - 1 - b;
            weights[b] = (double) count / (s + 1) * StrictMath.pow(eta, s);
            total += weights[b];
        }
        int[] sizes = new int[count];
        double[] remainder = new double[count];
        int given = 0;
        for (int b = 0; b < count; b++) {
            double exact = trials * weights[b] / total;
            sizes[b] = (int) Math.floor(exact);
            remainder[b] = exact - sizes[b];
            given += sizes[b];
        }
        for (; given < trials; given++) {
            int best = 0;
            for (int b = 1; b < count; b++) {
                if (remainder[b] > remainder[best]) {
                    best = b;
                }
            }
            sizes[best]++;
            remainder[best] = -1;
        }
        return sizes;
    }

    /** The bracket sizes in trials, bracket 0 (the most aggressive) first, the bracket without rungs last. */
    public int[] bracketSizes() {
        int[] sizes = new int[brackets.size() + 1];
        for (int t = 0; t < trials; t++) {
            sizes[bracketOf[t] < 0 ? brackets.size() : bracketOf[t]]++;
        }
        return sizes;
    }

    @Override
    public int trials() {
        return trials;
    }

    @Override
    public Asha.Status status(int trial) {
        return bracketOf[trial] < 0
                ? Asha.Status.RUNNING
                : brackets.get(bracketOf[trial]).status(local[trial]);
    }

    @Override
    public int rung(int trial) {
        return bracketOf[trial] < 0 ? -1 : brackets.get(bracketOf[trial]).rung(local[trial]);
    }

    @Override
    public OptionalLong nextMilestone(int trial) {
        return bracketOf[trial] < 0
                ? OptionalLong.empty()
                : brackets.get(bracketOf[trial]).nextMilestone(local[trial]);
    }

    /** @throws IllegalStateException for a trial of the bracket without rungs (it has no milestone) */
    @Override
    public List<Asha.Decision> report(int trial, long examples, double metric) {
        if (trial < 0 || trial >= trials) {
            throw new IllegalArgumentException("trial " + trial + " is not one of 0.." + (trials - 1));
        }
        int b = bracketOf[trial];
        if (b < 0) {
            throw new IllegalStateException("trial " + trial + " is in the bracket without rungs; it has no milestone");
        }
        int[] ids = members.get(b);
        List<Asha.Decision> decisions = new ArrayList<>(2);
        for (Asha.Decision d : brackets.get(b).report(local[trial], examples, metric)) {
            decisions.add(new Asha.Decision(ids[d.trial()], d.action(), d.rung()));
        }
        return List.copyOf(decisions);
    }

    /** Writes a header ({@code hyperband}, version 1), the trial count and each bracket's ASHA state in order. */
    @Override
    public void saveState(DataOutput out) throws IOException {
        StateIo.writeHeader(out, TAG, VERSION);
        out.writeInt(trials);
        for (Asha bracket : brackets) {
            bracket.saveState(out);
        }
    }

    @Override
    public void loadState(DataInput in) throws IOException {
        StateIo.readHeader(in, TAG, VERSION);
        int saved = in.readInt();
        if (saved != trials) {
            throw new IOException("the hyperband state is of " + saved + " trials, this search has " + trials);
        }
        for (Asha bracket : brackets) {
            bracket.loadState(in);
        }
    }
}
