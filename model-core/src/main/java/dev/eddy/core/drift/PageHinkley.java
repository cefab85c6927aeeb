package dev.eddy.core.drift;

import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The Page-Hinkley test for an increase of the mean, with a fading factor, in the form of MOA's
 * {@code PageHinkleyDM}. For the t-th value x_t since the last detection:
 *
 * <pre>
 * x̄_t = x̄_{t−1} + (x_t − x̄_{t−1}) / t
 * m_t = α · m_{t−1} + (x_t − x̄_t − δ)
 * DRIFT ⇔ t + 1 ≥ n_min  ∧  m_t &gt; λ          (then x̄, m and t start again)
 * </pre>
 *
 * with n_min = {@code minInstances}, δ the tolerated change, λ the threshold and α the fading factor. Only a
 * rise counts: a value below the running mean lowers m_t. WARNING comes from a second, independent test with
 * the lower threshold λ_w.
 *
 * <p>Deliberate choice, for conformance with MOA: the statistic is compared with λ directly, as MOA does,
 * not as m_t − min_{s≤t} m_s as in Page's test and River's {@code PageHinkley}. On a stationary signal m_t
 * settles near −δ/(1 − α) (−50 at the defaults), so a change must lift it by about λ + 50 before it is
 * detected: fewer false alarms, a longer delay. Any finite value is accepted (regression losses).
 *
 * <p>Defaults ({@link PageHinkleyConfig}): n_min = 30, δ = 0.005, λ = 50, α = 1 − 1e-4, λ_w = 25.
 */
public final class PageHinkley implements DriftDetector {

    private static final String STATE_TAG = "page_hinkley";
    private static final int STATE_VERSION = 1;

    private final Test drift;
    private final Test warning;

    public PageHinkley(PageHinkleyConfig config) {
        drift = new Test(config, config.threshold());
        warning = new Test(config, config.warningThreshold());
    }

    /** @throws IllegalArgumentException unless x is finite */
    @Override
    public DriftState update(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("page-hinkley takes finite values, got " + x);
        }
        boolean detected = drift.add(x);
        boolean warned = warning.add(x);
        return detected ? DriftState.DRIFT : warned ? DriftState.WARNING : DriftState.NONE;
    }

    @Override
    public void reset() {
        drift.clear();
        warning.clear();
    }

    @Override
    public String name() {
        return "page-hinkley";
    }

    /** m_t of the detecting test. */
    public double statistic() {
        return drift.sum;
    }

    /** x̄_t of the detecting test. */
    public double mean() {
        return drift.mean;
    }

    @Override
    public void saveState(DataOutput out) throws IOException {
        StateIo.writeHeader(out, STATE_TAG, STATE_VERSION);
        drift.save(out);
        warning.save(out);
    }

    @Override
    public void loadState(DataInput in) throws IOException {
        StateIo.readHeader(in, STATE_TAG, STATE_VERSION);
        drift.load(in);
        warning.load(in);
    }

    /** One test with threshold λ. */
    private static final class Test {
        private final int minInstances;
        private final double delta;
        private final double alpha;
        private final double threshold;

        /** MOA's {@code m_n}: one more than the values seen since the last detection. */
        private long n;

        private double mean;
        private double sum;

        Test(PageHinkleyConfig config, double threshold) {
            this.minInstances = config.minInstances();
            this.delta = config.delta();
            this.alpha = config.alpha();
            this.threshold = threshold;
            clear();
        }

        void clear() {
            n = 1;
            mean = 0.0;
            sum = 0.0;
        }

        boolean add(double x) {
            mean = mean + (x - mean) / (double) n;
            sum = alpha * sum + (x - mean - delta);
            n++;
            if (n < minInstances || !(sum > threshold)) {
                return false;
            }
            clear();
            return true;
        }

        void save(DataOutput out) throws IOException {
            out.writeLong(n);
            out.writeDouble(mean);
            out.writeDouble(sum);
        }

        void load(DataInput in) throws IOException {
            long loadedN = in.readLong();
            if (loadedN < 1) {
                throw new IOException("corrupt " + STATE_TAG + " state: count " + loadedN);
            }
            n = loadedN;
            mean = in.readDouble();
            sum = in.readDouble();
        }
    }
}
