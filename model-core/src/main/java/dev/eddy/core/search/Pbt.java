package dev.eddy.core.search;

import dev.eddy.core.init.Xoshiro256;
import dev.eddy.core.optim.StateIo;
import dev.eddy.core.train.Trainer;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Population-based training (Jaderberg et al., "Population Based Training of Neural Networks", 2017), with Ray
 * Tune's {@code PopulationBasedTraining} choices for the quantile and the perturbation. Every trial trains on every
 * example; every {@code search.pbt.interval-examples} examples trained (the same count for every trial, so the
 * population reports at the same stream position) each trial reports its metric. The last report of a round
 * decides it: with the trials ranked (better first, NaN last, ties to the lower index) and
 *
 * <pre>
 *   k = min(⌈n · quantile⌉, ⌊n/2⌋)        (Ray Tune's size of the top and bottom quantiles)
 * </pre>
 *
 * each of the bottom k trials, in rank order, <b>exploits</b> ({@link Asha.Action#EXPLOIT}): it takes a uniformly
 * drawn trial of the top k whose {@linkplain #fixed fixed keys} have its own values (the donor, {@link #donor}),
 * copies its weights and optimizer state ({@link Trainer#copyOf}) and <b>explores</b>: its configuration becomes
 * the donor's with every searched numeric key moved, each on its own,
 *
 * <pre>
 *   with probability resample-probability:  a fresh draw from the space's dimension
 *   otherwise, factor f = 0.8 or 1.2 with probability 1/2 each:
 *     uniform, loguniform:  clamp(v · f, a, b)
 *     int:                  clamp(round(v · f), a, b)
 *     list:                 the neighbouring entry, index − 1 for 0.8 and + 1 for 1.2, clamped to the list
 * </pre>
 *
 * <p><b>Fixed keys.</b> The keys that shape the copied state ({@link Trainer#STATE_SHAPE_KEYS}: {@code layers},
 * {@code optimizer}, …) and every key whose values are names or booleans ({@link SearchSpace#LIST_ONLY}) are never
 * perturbed: each trial keeps its initial values of them, and a trial only copies a trial that has the same. A
 * bottom trial with no top trial of its shape keeps its own weights and explores around its own configuration
 * ({@link Asha.Action#EXPLORE}): the shape stays in the population and its hyper-parameters still move, where
 * copying across shapes is impossible and resampling the shape would throw away its training.
 *
 * <p>The draws come from one generator seeded with {@code search.seed + 2} (the initial trials use {@code seed},
 * zoom {@code seed + 1}): per exploiting trial one draw for the donor, then per numeric dimension in key order one
 * draw for resampling and one for the new value or the factor. The state (round, each trial's configuration, donor
 * and report, the generator) is saved exactly, so a restored search takes the same decisions.
 */
public final class Pbt implements TrialSearch {

    private static final String TAG = "pbt";
    private static final int VERSION = 1;

    private final PbtConfig config;
    private final SearchSpace space;
    private final boolean maximize;
    private final int trials;
    private final List<SortedMap<String, String>> configs;
    private final int[] donor;
    private final double[] reported;
    private final boolean[] hasReported;
    private final Xoshiro256 rng;
    private int round = 1;

    /**
     * @param initial the trials' first configurations ({@link SearchConfig#initialTrials})
     * @param maximize whether a larger metric is better ({@link SearchConfig#maximize})
     */
    public Pbt(
            PbtConfig config, SearchSpace space, List<SortedMap<String, String>> initial, long seed, boolean maximize) {
        if (initial.isEmpty()) {
            throw new IllegalArgumentException("pbt needs at least 1 trial");
        }
        this.config = config;
        this.space = space;
        this.maximize = maximize;
        this.trials = initial.size();
        this.configs = new ArrayList<>(initial);
        this.donor = new int[trials];
        Arrays.fill(donor, -1);
        this.reported = new double[trials];
        this.hasReported = new boolean[trials];
        this.rng = new Xoshiro256(seed + 2);
    }

    /** Whether PBT keeps {@code key} fixed per trial (the class javadoc's fixed keys). */
    public static boolean fixed(String key) {
        return Trainer.STATE_SHAPE_KEYS.contains(key) || SearchSpace.LIST_ONLY.contains(key);
    }

    /** The size of the top and of the bottom quantile: {@code min(⌈n·quantile⌉, ⌊n/2⌋)}. */
    public static int quantileSize(int trials, double quantile) {
        return (int) Math.min(Math.ceil(trials * quantile), trials / 2);
    }

    /** The configuration {@code trial} trains now. */
    public SortedMap<String, String> config(int trial) {
        return configs.get(trial);
    }

    /** The trial {@code trial} copied at its last {@link Asha.Action#EXPLOIT}, −1 before any or after an explore. */
    public int donor(int trial) {
        return donor[trial];
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

    /** The rounds completed. */
    @Override
    public int rung(int trial) {
        return round - 1;
    }

    /** {@code round · interval-examples}; empty once the trial has reported in this round. */
    @Override
    public OptionalLong nextMilestone(int trial) {
        return hasReported[trial] ? OptionalLong.empty() : OptionalLong.of(round * config.intervalExamples());
    }

    /**
     * Records the trial's metric for the round; the last report of a round decides it (the class javadoc): an
     * {@link Asha.Action#EXPLOIT} or {@link Asha.Action#EXPLORE} per bottom trial, in rank order, and
     * {@link Asha.Action#CONTINUE} for the reporting trial if it is not among them, first.
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
        int decided = round - 1;
        for (boolean done : hasReported) {
            if (!done) {
                return List.of(new Asha.Decision(trial, Asha.Action.CONTINUE, decided));
            }
        }
        Integer[] order = Trials.ranked(reported, maximize);
        int k = quantileSize(trials, config.quantile());
        List<Asha.Decision> decisions = new ArrayList<>();
        for (int i = trials - k; i < trials; i++) {
            int bottom = order[i];
            List<Integer> donors = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                if (sameShape(order[j], bottom)) {
                    donors.add(order[j]);
                }
            }
            if (donors.isEmpty()) {
                donor[bottom] = -1;
                configs.set(bottom, explore(configs.get(bottom)));
                decisions.add(new Asha.Decision(bottom, Asha.Action.EXPLORE, decided));
            } else {
                int from = donors.get(Math.min((int) (rng.nextDouble() * donors.size()), donors.size() - 1));
                donor[bottom] = from;
                configs.set(bottom, explore(configs.get(from)));
                decisions.add(new Asha.Decision(bottom, Asha.Action.EXPLOIT, decided));
            }
        }
        int own = decisions.stream().map(Asha.Decision::trial).toList().indexOf(trial);
        decisions.add(0, own < 0 ? new Asha.Decision(trial, Asha.Action.CONTINUE, decided) : decisions.remove(own));
        Arrays.fill(hasReported, false);
        round++;
        return List.copyOf(decisions);
    }

    /** Whether the two trials have the same values of every fixed key of the space. */
    private boolean sameShape(int a, int b) {
        for (SearchSpace.Dimension d : space.dimensions()) {
            if (fixed(d.key())
                    && !Objects.equals(
                            configs.get(a).get(d.key()), configs.get(b).get(d.key()))) {
                return false;
            }
        }
        return true;
    }

    /** {@code parent} with every numeric dimension resampled or perturbed (the class javadoc's table). */
    private SortedMap<String, String> explore(SortedMap<String, String> parent) {
        SortedMap<String, String> child = new TreeMap<>(parent);
        for (SearchSpace.Dimension d : space.dimensions()) {
            if (fixed(d.key())) {
                continue;
            }
            boolean resample = rng.nextDouble() < config.resampleProbability();
            child.put(d.key(), resample ? d.sample(rng) : perturb(d, parent.get(d.key()), rng.nextDouble() < 0.5));
        }
        return Collections.unmodifiableSortedMap(child);
    }

    /** {@code v} times 0.8 ({@code up} false) or 1.2, or the neighbouring list entry, clamped to the dimension. */
    static String perturb(SearchSpace.Dimension d, String v, boolean up) {
        double factor = up ? 1.2 : 0.8;
        if (d instanceof SearchSpace.Choice c) {
            int i = c.values().indexOf(v) + (up ? 1 : -1);
            return c.values().get(Math.max(0, Math.min(c.values().size() - 1, i)));
        }
        if (d instanceof SearchSpace.Uniform u) {
            return Double.toString(clamp(Double.parseDouble(v) * factor, u.low(), u.high()));
        }
        if (d instanceof SearchSpace.LogUniform l) {
            return Double.toString(clamp(Double.parseDouble(v) * factor, l.low(), l.high()));
        }
        SearchSpace.IntRange r = (SearchSpace.IntRange) d;
        return Long.toString(Math.max(r.low(), Math.min(r.high(), Math.round(Long.parseLong(v) * factor))));
    }

    private static double clamp(double v, double low, double high) {
        return Math.max(low, Math.min(high, v));
    }

    /**
     * Writes a header ({@code pbt}, version 1), the interval and trial count (checked on restore), the round, each
     * trial's configuration, donor and report, and the generator.
     */
    @Override
    public void saveState(DataOutput out) throws IOException {
        StateIo.writeHeader(out, TAG, VERSION);
        out.writeLong(config.intervalExamples());
        out.writeInt(trials);
        out.writeInt(round);
        for (int t = 0; t < trials; t++) {
            Trials.writeConfig(out, configs.get(t));
            out.writeInt(donor[t]);
            out.writeBoolean(hasReported[t]);
            out.writeLong(Double.doubleToRawLongBits(reported[t]));
        }
        rng.saveState(out);
    }

    @Override
    public void loadState(DataInput in) throws IOException {
        StateIo.readHeader(in, TAG, VERSION);
        long interval = in.readLong();
        int savedTrials = in.readInt();
        if (interval != config.intervalExamples() || savedTrials != trials) {
            throw new IOException("the pbt state is of search.pbt.interval-examples=" + interval + " and " + savedTrials
                    + " trials; this search has " + config.intervalExamples() + " and " + trials);
        }
        int savedRound = in.readInt();
        for (int t = 0; t < trials; t++) {
            configs.set(t, Trials.readConfig(in));
            donor[t] = in.readInt();
            hasReported[t] = in.readBoolean();
            reported[t] = Double.longBitsToDouble(in.readLong());
        }
        rng.loadState(in);
        round = savedRound;
    }
}
