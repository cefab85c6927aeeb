package dev.eddy.core.drift;

import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * DDM, the drift detection method of Gama, Medas, Castillo and Rodrigues (SBIA 2004), in the form of MOA's
 * {@code DDM}. The error rate p_i of the first i examples since the last detection is a binomial estimate with
 * standard deviation s_i:
 *
 * <pre>
 * p_i = p_{i−1} + (x_i − p_{i−1}) / i,   s_i = √(p_i (1 − p_i) / i)
 * from i + 1 ≥ n_w on:  if p_i + s_i ≤ p_min + s_min then p_min = p_i, s_min = s_i
 * DRIFT    ⇔ i + 1 &gt; n_w  ∧  p_i + s_i &gt; p_min + d · s_min      (then everything starts again)
 * WARNING  ⇔ i + 1 ≥ n_w  ∧  p_i + s_i &gt; p_min + w · s_min  ∧  ¬DRIFT   (the warning zone: every example in it)
 * </pre>
 *
 * with n_w = {@code warmUp}, w the warning level and d the drift level. The test is one-sided by construction:
 * only p_i + s_i above its recorded minimum counts, so a falling error rate lowers the minimum instead
 * (checked by the property tests on non-increasing error sequences). The detection and warning indices are
 * MOA's {@code DDM}'s exactly.
 *
 * <p>Defaults ({@link DdmConfig}): n_w = 30, w = 2, d = 3.
 */
public final class Ddm implements DriftDetector {

    private static final String STATE_TAG = "ddm";
    private static final int STATE_VERSION = 1;

    private final int warmUp;
    private final double warningLevel;
    private final double driftLevel;

    /** MOA's {@code m_n}: one more than the examples seen since the last detection. */
    private long n;

    private double p;
    private double s;
    private double psMin;
    private double pMin;
    private double sMin;

    public Ddm(DdmConfig config) {
        this.warmUp = config.warmUp();
        this.warningLevel = config.warningLevel();
        this.driftLevel = config.driftLevel();
        reset();
    }

    /** @throws IllegalArgumentException unless x is 0 (correct) or 1 (error) */
    @Override
    public DriftState update(double x) {
        if (x != 0 && x != 1) {
            throw new IllegalArgumentException("ddm takes 0/1 errors, got " + x);
        }
        p = p + (x - p) / (double) n;
        s = Math.sqrt(p * (1 - p) / (double) n);
        n++;
        if (n < warmUp) {
            return DriftState.NONE;
        }
        if (p + s <= psMin) {
            pMin = p;
            sMin = s;
            psMin = p + s;
        }
        if (n > warmUp && p + s > pMin + driftLevel * sMin) {
            reset();
            return DriftState.DRIFT;
        }
        return p + s > pMin + warningLevel * sMin ? DriftState.WARNING : DriftState.NONE;
    }

    @Override
    public void reset() {
        n = 1;
        p = 1;
        s = 0;
        psMin = Double.MAX_VALUE;
        pMin = Double.MAX_VALUE;
        sMin = Double.MAX_VALUE;
    }

    @Override
    public String name() {
        return "ddm";
    }

    /** The error rate p_i since the last detection (1 before the first example, as in MOA). */
    public double errorRate() {
        return p;
    }

    @Override
    public void saveState(DataOutput out) throws IOException {
        StateIo.writeHeader(out, STATE_TAG, STATE_VERSION);
        out.writeLong(n);
        out.writeDouble(p);
        out.writeDouble(s);
        out.writeDouble(psMin);
        out.writeDouble(pMin);
        out.writeDouble(sMin);
    }

    @Override
    public void loadState(DataInput in) throws IOException {
        StateIo.readHeader(in, STATE_TAG, STATE_VERSION);
        long loadedN = in.readLong();
        if (loadedN < 1) {
            throw new IOException("corrupt " + STATE_TAG + " state: count " + loadedN);
        }
        n = loadedN;
        p = in.readDouble();
        s = in.readDouble();
        psMin = in.readDouble();
        pMin = in.readDouble();
        sMin = in.readDouble();
    }
}
