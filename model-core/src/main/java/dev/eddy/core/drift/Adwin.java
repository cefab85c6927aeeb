package dev.eddy.core.drift;

import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * ADWIN as a drift detector of an error rate (Bifet and Gavaldà, SDM 2007), MOA's {@code ADWINChangeDetector}:
 * the example's value x ∈ [0, 1] enters an {@link AdwinWindow} with confidence δ, and
 *
 * <pre>
 * DRIFT    ⇔  the window was cut  ∧  μ̂_W after the update &gt; μ̂_W before it
 * WARNING  ⇔  the same holds for a second window with the looser δ_w &gt; δ (and not DRIFT)
 * </pre>
 *
 * A cut that lowers the mean (the model got better) shrinks the window as usual but signals nothing, so the
 * detection indices are MOA's {@code ADWINChangeDetector}'s exactly. The warning window is the one of MOA's
 * Adaptive Random Forest (δ_w = 0.01); the two windows run independently and neither is emptied after a
 * detection (a cut already dropped the old concept).
 *
 * <p>Defaults ({@link AdwinConfig}): δ = 0.002, clock 32, M = 5, δ_w = 0.01.
 */
public final class Adwin implements DriftDetector {

    private static final String STATE_TAG = "adwin";
    private static final int STATE_VERSION = 1;

    private final AdwinWindow drift;
    private final AdwinWindow warning;

    public Adwin(AdwinConfig config) {
        drift = new AdwinWindow(config.delta(), config.clock(), config.minWindow());
        warning = new AdwinWindow(config.warningDelta(), config.clock(), config.minWindow());
    }

    /**
     * @throws IllegalArgumentException unless 0 ≤ x ≤ 1 (ADWIN's bound holds for values in [0, 1])
     */
    @Override
    public DriftState update(double x) {
        if (!(x >= 0 && x <= 1)) {
            throw new IllegalArgumentException("adwin takes values in [0, 1] (0/1 errors), got " + x);
        }
        boolean rose = rose(drift, x);
        boolean warned = rose(warning, x);
        return rose ? DriftState.DRIFT : warned ? DriftState.WARNING : DriftState.NONE;
    }

    private static boolean rose(AdwinWindow window, double x) {
        double before = window.mean();
        return window.add(x) && window.mean() > before;
    }

    @Override
    public void reset() {
        drift.clear();
        warning.clear();
    }

    @Override
    public String name() {
        return "adwin";
    }

    /** The detecting window (δ). */
    public AdwinWindow window() {
        return drift;
    }

    /** The warning window (δ_w). */
    public AdwinWindow warningWindow() {
        return warning;
    }

    @Override
    public void saveState(DataOutput out) throws IOException {
        StateIo.writeHeader(out, STATE_TAG, STATE_VERSION);
        drift.saveState(out);
        warning.saveState(out);
    }

    @Override
    public void loadState(DataInput in) throws IOException {
        StateIo.readHeader(in, STATE_TAG, STATE_VERSION);
        drift.loadState(in, STATE_TAG);
        warning.loadState(in, STATE_TAG + " warning");
    }
}
