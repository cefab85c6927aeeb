package dev.eddy.core.search;

import dev.eddy.core.optim.StateIo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * Asynchronous successive halving, ASHA (Li et al., "A System for Massively Parallel Hyperparameter Tuning",
 * MLSys 2020, Algorithm 2), as a pure state machine over a fixed set of trials {@code 0..n−1} that all start at
 * example 0. The resource is examples trained.
 *
 * <p>Rungs {@code r_k = min·ηᵏ} for every {@code k} with {@code r_k < max} ({@link AshaConfig#rungs}). A trial
 * reports its metric when it has trained {@code r_k} examples ({@link #nextMilestone}); the report is recorded in
 * rung k, in arrival order. Then, with {@code n_k} the number of trials recorded in rung k, the rule of the
 * paper's {@code get_job} is applied to rung k:
 *
 * <pre>
 *   promotable_k = { t ∈ top(rung k, ⌊n_k / η⌋) : t not yet promoted from k }   (ranked by metric; ties: earlier
 *                                                                                 arrival first; NaN last)
 * </pre>
 *
 * every trial in {@code promotable_k} is promoted to rung k+1 ({@link Action#PROMOTE}); the reporting trial, if it
 * is not among them, is paused ({@link Action#PRUNE}). A paused trial is not lost: a later arrival at rung k that
 * raises {@code ⌊n_k / η⌋} can promote it, and that report's decisions then carry a {@code PROMOTE} (resume) for
 * the paused trial. Nothing waits for stragglers. After each arrival every trial in the top {@code ⌊n_k / η⌋} of
 * rung k has been promoted, so one arrival promotes at most one trial (and those the margin below ties with it). A
 * trial that reaches {@code max} after its last rung has finished the search: {@link Action#COMPLETE}, it keeps
 * running as the live population and its later reports are {@link Action#CONTINUE}.
 *
 * <p>A closed rung: with a fixed population, a rung that no running trial can still reach (every running trial is
 * past it) will never see another arrival, so waiting for {@code ⌊n_k/η⌋} to grow would leave its best trial paused
 * for good (16 trials, η = 4: the one trial arriving at the third rung has {@code ⌊1/4⌋ = 0}, and every trial ends
 * paused). A closed rung therefore promotes its top {@code ⌈n_k/η⌉} (at least one trial): after each report, from
 * the highest closed rung down, each not yet promoted is promoted ({@link Action#PROMOTE}, a resume), so the search
 * always ends with live trials. This rule depends only on the statuses, so the state format is unchanged.
 *
 * <p>A margin of indifference: with {@code margin} > 0 ({@code search.switch-margin}, the difference the
 * {@link Champion} does not act on), a rung's top is widened by every trial less than {@code margin} worse than the
 * last trial of the top ({@link #top}): {@code top_k = top(⌊n_k/η⌋) ∪ {t : m_last − m_t < margin}} (for a maximized
 * metric; mirrored when minimizing). A windowed metric of a few hundred examples differs between two equally good
 * trials by about that much (accuracy ≈ 0.92 over 1,000 examples: a standard error of 0.009), and what separates
 * trials after 1,000 examples is mostly how fast they learn, not how well they end: pruning on such differences
 * kept one fast-starting trial of 16 on a stream where slower ones end better. With {@code margin = 0} the rule is
 * the paper's. The margin is read from the configuration, not from the state, so the state format is unchanged.
 *
 * <p>Against the paper: the paper hands a free worker either the next promotable configuration or a new one
 * sampled into rung 0; here every trial has its own "worker" (it trains on every example of the stream), the
 * trials are fixed at the start, so all promotable trials are promoted at once and no configuration is added.
 * Against Ray Tune's {@code AsyncHyperBandScheduler}: Ray stops a trial below the (1−1/η) quantile of the rung's
 * earlier results (so the first arrival always continues) and never resumes it; Optuna's
 * {@code SuccessiveHalvingPruner} promotes the best of the first η−1 arrivals because it cannot resume a trial;
 * here, as in the paper, the first η−1 arrivals of a rung are paused and may be resumed.
 *
 * <p>Deterministic: the decisions depend only on the sequence of reports. Its state is saved exactly
 * ({@link #saveState}) and a restored machine continues with the same decisions.
 */
public final class Asha implements TrialSearch {

    /** What a trial does next. */
    public enum Action {
        /** Keep training: no rung reached by this report. */
        CONTINUE,
        /** Promoted from the rung: train on (for a paused trial: resume) toward the next rung. */
        PROMOTE,
        /** Paused at the rung: stop training; a later arrival at the rung may promote it. */
        PRUNE,
        /** Reached {@code max} after the last rung: no more decisions, part of the live population. */
        COMPLETE,
        /**
         * Zoom only: the trial takes a new configuration ({@link Zoom#config}) and starts again from a fresh model.
         */
        RESAMPLE,
        /**
         * PBT only: the trial copies the weights and optimizer state of {@link Pbt#donor} and trains on under
         * {@link Pbt#config} (the donor's hyper-parameters, perturbed or resampled).
         */
        EXPLOIT,
        /**
         * PBT only: a bottom trial with no top trial of its shape keeps its weights and trains on under
         * {@link Pbt#config} (its own hyper-parameters, perturbed or resampled).
         */
        EXPLORE
    }

    /** Where a trial stands. */
    public enum Status {
        RUNNING,
        PAUSED,
        COMPLETED
    }

    /**
     * One decision.
     *
     * @param trial the trial it applies to
     * @param action what the trial does
     * @param rung the rung index the decision was taken at ({@code rungs().length} for {@link Action#COMPLETE},
     *     the highest rung reached or −1 for {@link Action#CONTINUE})
     */
    public record Decision(int trial, Action action, int rung) {}

    private static final String TAG = "asha";
    private static final int VERSION = 1;

    private final AshaConfig config;
    private final boolean maximize;
    private final double margin;
    private final long[] rungs;
    private final int trials;

    private Status[] status;
    private long[] examples;
    /** Rungs recorded per trial: the trial's next rung index. */
    private int[] reached;
    /** Per rung, the trials in arrival order, their metric and whether they were promoted from the rung. */
    private List<List<Entry>> rungEntries;

    private static final class Entry {
        final int trial;
        final double metric;
        boolean promoted;

        Entry(int trial, double metric, boolean promoted) {
            this.trial = trial;
            this.metric = metric;
            this.promoted = promoted;
        }
    }

    /**
     * A search over {@code trials} trials, all running at example 0.
     *
     * @param maximize whether a larger metric is better ({@link SearchConfig#maximize})
     * @param margin {@code search.switch-margin}: trials less than this worse than a rung's top are promoted with it
     */
    public Asha(AshaConfig config, int trials, boolean maximize, double margin) {
        if (trials < 1) {
            throw new IllegalArgumentException("ASHA needs at least 1 trial, got " + trials);
        }
        if (!(margin >= 0 && Double.isFinite(margin))) {
            throw new IllegalArgumentException("search.switch-margin must be a finite number >= 0, got " + margin);
        }
        this.config = config;
        this.maximize = maximize;
        this.margin = margin;
        this.rungs = config.rungs();
        this.trials = trials;
        this.status = new Status[trials];
        Arrays.fill(status, Status.RUNNING);
        this.examples = new long[trials];
        this.reached = new int[trials];
        this.rungEntries = new ArrayList<>();
        for (int k = 0; k < rungs.length; k++) {
            rungEntries.add(new ArrayList<>());
        }
    }

    /**
     * Records that {@code trial} has trained {@code examples} examples and has {@code metric}, and returns the
     * decisions: first the reporting trial's, then a {@link Action#PROMOTE} for a paused trial this report resumes.
     * A report past several rungs is recorded in the next rung only (report at {@link #nextMilestone}).
     *
     * @throws IllegalArgumentException for an unknown trial or fewer examples than the trial's last report
     * @throws IllegalStateException for a paused trial (it does not train)
     */
    @Override
    public List<Decision> report(int trial, long examples, double metric) {
        if (trial < 0 || trial >= trials) {
            throw new IllegalArgumentException("trial " + trial + " is not one of 0.." + (trials - 1));
        }
        if (examples < this.examples[trial]) {
            throw new IllegalArgumentException(
                    "trial " + trial + " reports " + examples + " examples after reporting " + this.examples[trial]);
        }
        if (status[trial] == Status.PAUSED) {
            throw new IllegalStateException("trial " + trial + " is paused at rung " + (reached[trial] - 1)
                    + " and does not train; it reports after a PROMOTE");
        }
        this.examples[trial] = examples;
        int k = reached[trial];
        if (status[trial] == Status.COMPLETED || k == rungs.length && examples < config.maxExamples()) {
            return List.of(new Decision(trial, Action.CONTINUE, k - 1));
        }
        if (k == rungs.length) {
            status[trial] = Status.COMPLETED;
            return List.of(new Decision(trial, Action.COMPLETE, rungs.length));
        }
        if (examples < rungs[k]) {
            return List.of(new Decision(trial, Action.CONTINUE, k - 1));
        }
        List<Entry> rung = rungEntries.get(k);
        Entry arrival = new Entry(trial, metric, false);
        rung.add(arrival);
        reached[trial] = k + 1;
        List<Decision> decisions = new ArrayList<>(2);
        List<Entry> ranked = new ArrayList<>(rung);
        ranked.sort(this::compareEntries);
        int top = top(ranked, ranked.size() / config.eta());
        List<Decision> resumed = new ArrayList<>(1);
        for (int i = 0; i < top; i++) {
            Entry e = ranked.get(i);
            if (!e.promoted) {
                e.promoted = true;
                status[e.trial] = Status.RUNNING;
                if (e != arrival) {
                    resumed.add(new Decision(e.trial, Action.PROMOTE, k));
                }
            }
        }
        if (arrival.promoted) {
            decisions.add(new Decision(trial, Action.PROMOTE, k));
        } else {
            status[trial] = Status.PAUSED;
            decisions.add(new Decision(trial, Action.PRUNE, k));
        }
        decisions.addAll(resumed);
        closeRungs(decisions);
        return List.copyOf(decisions);
    }

    /**
     * Promotes from every closed rung its top {@code ⌈n_k/η⌉} not yet promoted (a {@link Action#PROMOTE} each, a
     * resume), highest rung first. Rung k is closed when no running trial can still arrive at it (none has its next
     * rung at or below k): no arrival can raise {@code ⌊n_k/η⌋} any more.
     */
    private void closeRungs(List<Decision> decisions) {
        int lowestOpen = rungs.length;
        for (int t = 0; t < trials; t++) {
            if (status[t] == Status.RUNNING) {
                lowestOpen = Math.min(lowestOpen, reached[t]);
            }
        }
        for (int k = lowestOpen - 1; k >= 0; k--) {
            List<Entry> ranked = new ArrayList<>(rungEntries.get(k));
            ranked.sort(this::compareEntries);
            int top = top(ranked, (ranked.size() + config.eta() - 1) / config.eta());
            for (int i = 0; i < top; i++) {
                Entry e = ranked.get(i);
                if (!e.promoted) {
                    e.promoted = true;
                    status[e.trial] = Status.RUNNING;
                    decisions.add(new Decision(e.trial, Action.PROMOTE, k));
                }
            }
        }
    }

    /**
     * How many of {@code ranked} (best first) are promoted when the rule's top is {@code count}: those, and after
     * them every trial less than {@link #margin} worse than the last of them (none when {@code count} is 0).
     */
    private int top(List<Entry> ranked, int count) {
        if (count == 0) {
            return 0;
        }
        double last = ranked.get(count - 1).metric;
        int top = count;
        while (top < ranked.size() && worseBy(ranked.get(top).metric, last) < margin) {
            top++;
        }
        return top;
    }

    /** How much worse {@code metric} is than {@code than}: NaN (never less than a margin) when either is NaN. */
    private double worseBy(double metric, double than) {
        return maximize ? than - metric : metric - than;
    }

    /** Better first; NaN last; ties by arrival (a stable sort keeps the arrival order). */
    private int compareEntries(Entry a, Entry b) {
        boolean nanA = Double.isNaN(a.metric);
        boolean nanB = Double.isNaN(b.metric);
        if (nanA || nanB) {
            return Boolean.compare(nanA, nanB);
        }
        return maximize ? Double.compare(b.metric, a.metric) : Double.compare(a.metric, b.metric);
    }

    /**
     * The example count at which {@code trial} reports next: its next rung, or {@code max} after the last rung;
     * empty while it is paused or once it has completed.
     */
    @Override
    public OptionalLong nextMilestone(int trial) {
        if (status[trial] != Status.RUNNING) {
            return OptionalLong.empty();
        }
        int k = reached[trial];
        return OptionalLong.of(k < rungs.length ? rungs[k] : config.maxExamples());
    }

    /** Where {@code trial} stands. */
    @Override
    public Status status(int trial) {
        return status[trial];
    }

    /** The highest rung index {@code trial} was recorded in, −1 for none. */
    @Override
    public int rung(int trial) {
        return reached[trial] - 1;
    }

    /** The rungs in examples trained. */
    public long[] rungs() {
        return rungs.clone();
    }

    /** The number of trials. */
    @Override
    public int trials() {
        return trials;
    }

    /**
     * Writes the state: a header ({@code asha}, version 1), the configuration it was built with (checked on
     * restore), each trial's status, examples and rungs reached, and each rung's arrivals in order with their
     * metric (raw IEEE-754 bits) and whether they were promoted.
     */
    @Override
    public void saveState(DataOutput out) throws IOException {
        StateIo.writeHeader(out, TAG, VERSION);
        out.writeLong(config.minExamples());
        out.writeLong(config.maxExamples());
        out.writeInt(config.eta());
        out.writeBoolean(maximize);
        out.writeInt(trials);
        for (int t = 0; t < trials; t++) {
            out.writeByte(status[t].ordinal());
            out.writeLong(examples[t]);
            out.writeInt(reached[t]);
        }
        for (List<Entry> rung : rungEntries) {
            out.writeInt(rung.size());
            for (Entry e : rung) {
                out.writeInt(e.trial);
                out.writeLong(Double.doubleToRawLongBits(e.metric));
                out.writeBoolean(e.promoted);
            }
        }
    }

    /**
     * Restores a state written by {@link #saveState} of a machine with the same configuration, trials and
     * direction; the decisions then continue exactly. Nothing changes when it fails.
     *
     * @throws IOException naming what does not match: another component, format version, configuration, trial
     *     count or direction, or a corrupt value
     */
    @Override
    public void loadState(DataInput in) throws IOException {
        apply(read(in));
    }

    /** A state read in full before any field changes. */
    private record Loaded(Status[] status, long[] examples, int[] reached, List<List<Entry>> rungs) {}

    private void apply(Loaded loaded) {
        status = loaded.status;
        examples = loaded.examples;
        reached = loaded.reached;
        rungEntries = loaded.rungs;
    }

    private Loaded read(DataInput in) throws IOException {
        StateIo.readHeader(in, TAG, VERSION);
        long min = in.readLong();
        long max = in.readLong();
        int eta = in.readInt();
        boolean savedMaximize = in.readBoolean();
        int savedTrials = in.readInt();
        if (min != config.minExamples() || max != config.maxExamples() || eta != config.eta()) {
            throw new IOException("the asha state is of search.asha.min-examples=" + min + ", max-examples=" + max
                    + ", eta=" + eta + "; this search has " + config.minExamples() + ", " + config.maxExamples()
                    + ", " + config.eta());
        }
        if (savedMaximize != maximize || savedTrials != trials) {
            throw new IOException("the asha state is of " + savedTrials + " trials, "
                    + (savedMaximize ? "maximizing" : "minimizing") + "; this search has " + trials + " trials, "
                    + (maximize ? "maximizing" : "minimizing"));
        }
        Status[] newStatus = new Status[trials];
        long[] newExamples = new long[trials];
        int[] newReached = new int[trials];
        for (int t = 0; t < trials; t++) {
            int s = in.readByte();
            if (s < 0 || s >= Status.values().length) {
                throw new IOException("corrupt asha state: trial " + t + " has status " + s);
            }
            newStatus[t] = Status.values()[s];
            newExamples[t] = in.readLong();
            newReached[t] = in.readInt();
            if (newReached[t] < 0 || newReached[t] > rungs.length) {
                throw new IOException(
                        "corrupt asha state: trial " + t + " reached " + newReached[t] + " rungs of " + rungs.length);
            }
        }
        List<List<Entry>> newRungs = new ArrayList<>();
        for (int k = 0; k < rungs.length; k++) {
            int n = in.readInt();
            if (n < 0 || n > trials) {
                throw new IOException(
                        "corrupt asha state: rung " + k + " has " + n + " arrivals of " + trials + " trials");
            }
            List<Entry> rung = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int t = in.readInt();
                if (t < 0 || t >= trials) {
                    throw new IOException("corrupt asha state: rung " + k + " has trial " + t);
                }
                rung.add(new Entry(t, Double.longBitsToDouble(in.readLong()), in.readBoolean()));
            }
            newRungs.add(rung);
        }
        return new Loaded(newStatus, newExamples, newReached, newRungs);
    }

    /** The state as bytes ({@link #saveState}). */
    public byte[] stateBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            saveState(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Restores bytes written by {@link #stateBytes}; fails on trailing bytes. */
    public void loadState(byte[] state) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
        Loaded loaded = read(in);
        if (in.available() > 0) {
            throw new IOException("corrupt asha state: " + in.available() + " bytes after the state");
        }
        apply(loaded);
    }
}
