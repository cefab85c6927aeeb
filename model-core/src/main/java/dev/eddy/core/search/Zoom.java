package dev.eddy.core.search;

import dev.eddy.core.init.Xoshiro256;
import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Zoom search: iterative random search around the best. Every trial trains; the search runs in rounds of
 * {@code search.zoom.round-examples} examples trained (each trial reports at every multiple of it, counted from
 * the start of its configuration). When every trial has reported in a round, the trials are ranked by metric (NaN
 * last, ties to the lower index); the top {@code k = ⌈n/4⌉} keep training, and each other trial, in rank order,
 * takes a configuration sampled around the kept trial {@code i mod k} ({@link Asha.Action#RESAMPLE}: a fresh model).
 * The neighbourhood narrows with the round r (1, 2, …): every dimension moves with probability 1/2, by
 *
 * <pre>
 *   list:        to a neighbouring entry (index ± 1, clamped)
 *   uniform:     v + N(0, ((b − a)/4 / r)²), clamped to [a, b]
 *   loguniform:  v · exp(N(0, (ln(b/a)/4 / r)²)), clamped to [a, b]
 *   int:         round(v + N(0, ((b − a + 1)/4 / r)²)), clamped to [a, b]
 * </pre>
 *
 * The draws come from one generator seeded with {@code search.seed + 1} (the initial trials use {@code seed}), in
 * rank order and key order, so the search is deterministic; its state (round, each trial's configuration, the
 * round's reports, the generator) is saved exactly.
 */
public final class Zoom implements TrialSearch {

    private static final String TAG = "zoom";
    private static final int VERSION = 1;

    private final ZoomConfig config;
    private final SearchSpace space;
    private final boolean maximize;
    private final int trials;
    private final List<SortedMap<String, String>> configs;
    private final long[] started;
    private final double[] reported;
    private final boolean[] hasReported;
    private final Xoshiro256 rng;
    private int round = 1;

    /**
     * @param initial the first round's configurations ({@link SearchConfig#initialTrials})
     * @param maximize whether a larger metric is better ({@link SearchConfig#maximize})
     */
    public Zoom(
            ZoomConfig config,
            SearchSpace space,
            List<SortedMap<String, String>> initial,
            long seed,
            boolean maximize) {
        if (initial.isEmpty()) {
            throw new IllegalArgumentException("zoom needs at least 1 trial");
        }
        this.config = config;
        this.space = space;
        this.maximize = maximize;
        this.trials = initial.size();
        this.configs = new ArrayList<>(initial);
        this.started = new long[trials];
        this.reported = new double[trials];
        this.hasReported = new boolean[trials];
        this.rng = new Xoshiro256(seed + 1);
    }

    /** The configuration {@code trial} trains now (a new one after a {@link Asha.Action#RESAMPLE}). */
    public SortedMap<String, String> config(int trial) {
        return configs.get(trial);
    }

    /** The round in progress, from 1. */
    public int round() {
        return round;
    }

    @Override
    public int trials() {
        return trials;
    }

    @Override
    public Asha.Status status(int trial) {
        return Asha.Status.RUNNING;
    }

    @Override
    public int rung(int trial) {
        return round - 1;
    }

    /**
     * The end of the round for {@code trial}: {@code round-examples} after the example count at which its
     * configuration started, times the rounds it has been through; empty once it has reported in this round.
     */
    @Override
    public OptionalLong nextMilestone(int trial) {
        return hasReported[trial] ? OptionalLong.empty() : OptionalLong.of(started[trial] + config.roundExamples());
    }

    /**
     * Records the trial's metric for the round; the last report of a round decides it: {@link Asha.Action#RESAMPLE}
     * for every trial outside the top {@code ⌈n/4⌉} (in rank order), {@link Asha.Action#CONTINUE} otherwise. A
     * resampled trial counts its examples from {@code examples} of the reporting trial (its model starts afresh).
     *
     * @param examples examples the trial has trained since its configuration started
     */
    @Override
    public List<Asha.Decision> report(int trial, long examples, double metric) {
        if (trial < 0 || trial >= trials) {
            throw new IllegalArgumentException("trial " + trial + " is not one of 0.." + (trials - 1));
        }
        if (hasReported[trial]) {
            throw new IllegalStateException("trial " + trial + " has reported in round " + round + " already");
        }
        hasReported[trial] = true;
        reported[trial] = metric;
        started[trial] += config.roundExamples();
        for (boolean done : hasReported) {
            if (!done) {
                return List.of(new Asha.Decision(trial, Asha.Action.CONTINUE, round - 1));
            }
        }
        Integer[] order = Trials.ranked(reported, maximize);
        int keep = (trials + 3) / 4;
        List<Asha.Decision> decisions = new ArrayList<>();
        for (int i = keep; i < trials; i++) {
            int t = order[i];
            configs.set(t, around(configs.get(order[i % keep])));
            started[t] = 0;
            decisions.add(new Asha.Decision(t, Asha.Action.RESAMPLE, round - 1));
        }
        if (decisions.stream().noneMatch(d -> d.trial() == trial)) {
            decisions.add(0, new Asha.Decision(trial, Asha.Action.CONTINUE, round - 1));
        }
        Arrays.fill(hasReported, false);
        round++;
        return List.copyOf(decisions);
    }

    /** A configuration near {@code parent} (the class javadoc's moves), one dimension at a time in key order. */
    private SortedMap<String, String> around(SortedMap<String, String> parent) {
        SortedMap<String, String> child = new TreeMap<>(parent);
        double width = 0.25 / round;
        for (SearchSpace.Dimension d : space.dimensions()) {
            boolean move = rng.nextDouble() < 0.5;
            double z = rng.nextGaussian();
            if (!move) {
                continue;
            }
            child.put(d.key(), near(d, parent.get(d.key()), z, width));
        }
        return Collections.unmodifiableSortedMap(child);
    }

    /** {@code v} moved by the standard normal draw {@code z} at {@code width} (the class javadoc's table). */
    private static String near(SearchSpace.Dimension d, String v, double z, double width) {
        if (d instanceof SearchSpace.Choice c) {
            int i = c.values().indexOf(v);
            return c.values().get(Math.max(0, Math.min(c.values().size() - 1, i + (z < 0 ? -1 : 1))));
        }
        if (d instanceof SearchSpace.Uniform u) {
            return Double.toString(clamp(Double.parseDouble(v) + z * width * (u.high() - u.low()), u.low(), u.high()));
        }
        if (d instanceof SearchSpace.LogUniform l) {
            double factor = StrictMath.exp(z * width * StrictMath.log(l.high() / l.low()));
            return Double.toString(clamp(Double.parseDouble(v) * factor, l.low(), l.high()));
        }
        SearchSpace.IntRange r = (SearchSpace.IntRange) d;
        return Long.toString(
                Math.max(r.low(), Math.min(r.high(), Math.round(Long.parseLong(v) + z * width * r.size()))));
    }

    private static double clamp(double v, double low, double high) {
        return Math.max(low, Math.min(high, v));
    }

    /**
     * Writes a header ({@code zoom}, version 1), the round length and trial count (checked on restore), the round,
     * each trial's configuration, start and report, and the generator.
     */
    @Override
    public void saveState(DataOutput out) throws IOException {
        StateIo.writeHeader(out, TAG, VERSION);
        out.writeLong(config.roundExamples());
        out.writeInt(trials);
        out.writeInt(round);
        for (int t = 0; t < trials; t++) {
            Trials.writeConfig(out, configs.get(t));
            out.writeLong(started[t]);
            out.writeBoolean(hasReported[t]);
            out.writeLong(Double.doubleToRawLongBits(reported[t]));
        }
        rng.saveState(out);
    }

    @Override
    public void loadState(DataInput in) throws IOException {
        StateIo.readHeader(in, TAG, VERSION);
        long roundExamples = in.readLong();
        int savedTrials = in.readInt();
        if (roundExamples != config.roundExamples() || savedTrials != trials) {
            throw new IOException("the zoom state is of search.zoom.round-examples=" + roundExamples + " and "
                    + savedTrials + " trials; this search has " + config.roundExamples() + " and " + trials);
        }
        int savedRound = in.readInt();
        for (int t = 0; t < trials; t++) {
            configs.set(t, Trials.readConfig(in));
            started[t] = in.readLong();
            hasReported[t] = in.readBoolean();
            reported[t] = Double.longBitsToDouble(in.readLong());
        }
        rng.loadState(in);
        round = savedRound;
    }
}
