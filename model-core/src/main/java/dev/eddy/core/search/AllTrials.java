package dev.eddy.core.search;

import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;

/**
 * Grid and random search on a stream: every trial trains on every example for the whole stream and none is ever
 * pruned; only the {@link Champion} chooses among them. No trial reports, so there is no decision to keep; the
 * state is the trial count (checked on restore).
 */
public final class AllTrials implements TrialSearch {

    private static final String TAG = "all-trials";
    private static final int VERSION = 1;

    private final int trials;

    public AllTrials(int trials) {
        if (trials < 1) {
            throw new IllegalArgumentException("a search needs at least 1 trial, got " + trials);
        }
        this.trials = trials;
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
        return -1;
    }

    @Override
    public OptionalLong nextMilestone(int trial) {
        return OptionalLong.empty();
    }

    /** @throws IllegalStateException always: no trial has a milestone to report at */
    @Override
    public List<Asha.Decision> report(int trial, long examples, double metric) {
        throw new IllegalStateException("grid and random search take no reports; trial " + trial + " has no milestone");
    }

    @Override
    public void saveState(DataOutput out) throws IOException {
        StateIo.writeHeader(out, TAG, VERSION);
        out.writeInt(trials);
    }

    @Override
    public void loadState(DataInput in) throws IOException {
        StateIo.readHeader(in, TAG, VERSION);
        int saved = in.readInt();
        if (saved != trials) {
            throw new IOException("the search state is of " + saved + " trials, this search has " + trials);
        }
    }
}
