package dev.eddy.core.drift;

import dev.eddy.core.init.Xoshiro256;
import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * KSWIN, the Kolmogorov–Smirnov windowing detector of Raab, Heusinger and Schleif (Neurocomputing 2020), with
 * a one-sided test so that only a rise of the error counts. It keeps the last n values Ψ (n = {@code window});
 * once Ψ is full, every example compares its r most recent values R (r = {@code statSize}) with r values W
 * drawn without replacement from the n − r older ones:
 *
 * <pre>
 * D⁺ = max_x (F_W(x) − F_R(x)) = k / r            (R is stochastically larger: the error rose)
 * p  = P(D⁺ ≥ k/r) = C(2r, r − k) / C(2r, r) = Π_{i=1..k} (r − i + 1) / (r + i)     (k ≥ 1; p = 1 otherwise)
 * DRIFT ⇔ p ≤ α                                   (then Ψ keeps only R)
 * </pre>
 *
 * the exact null distribution of the one-sided two-sample statistic for two samples of equal size (Gnedenko
 * and Korolyuk); ties, as in 0/1 errors, make the test conservative. WARNING comes from a second, independent
 * KSWIN with the looser α_w &gt; α.
 *
 * <p>Differences from River's {@code KSWIN} (the reference implementation), deliberate: the one-sided test in
 * place of the two-sided one (a model that gets better must not trigger anything); River's extra condition
 * D &gt; 0.1 is dropped (at r = 30, p ≤ 0.005 already needs D⁺ ≥ 13/30, and p ≤ 0.05 needs D⁺ ≥ 10/30); after
 * a drift the window keeps R and the generator goes on (River empties the window and reseeds). The draws come
 * from a {@link Xoshiro256} seeded with {@code seed} (the warning test's from a generator split off it), whose
 * state is part of the saved state.
 *
 * <p>Defaults ({@link KswinConfig}): α = 0.005, n = 100, r = 30, α_w = 0.05.
 */
public final class Kswin implements DriftDetector {

    private static final String STATE_TAG = "kswin";
    private static final int STATE_VERSION = 1;

    private final long seed;
    private final Test drift;
    private final Test warning;

    public Kswin(KswinConfig config) {
        seed = config.seed();
        drift = new Test(config.alpha(), config.window(), config.statSize());
        warning = new Test(config.warningAlpha(), config.window(), config.statSize());
        reset();
    }

    /** @throws IllegalArgumentException unless x is finite */
    @Override
    public DriftState update(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("kswin takes finite values, got " + x);
        }
        boolean detected = drift.add(x);
        boolean warned = warning.add(x);
        return detected ? DriftState.DRIFT : warned ? DriftState.WARNING : DriftState.NONE;
    }

    @Override
    public void reset() {
        Xoshiro256 rng = new Xoshiro256(seed);
        warning.clear(rng.split());
        drift.clear(rng);
    }

    @Override
    public String name() {
        return "kswin";
    }

    /** The p-value of the detecting test's last comparison (1 while its window fills). */
    public double pValue() {
        return drift.pValue;
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

    /**
     * P(D⁺ ≥ k/r) for two samples of r values each: C(2r, r − k) / C(2r, r), as the product above.
     */
    static double pValue(int k, int r) {
        if (k <= 0) {
            return 1.0;
        }
        double p = 1.0;
        for (int i = 1; i <= k; i++) {
            p *= (double) (r - i + 1) / (r + i);
        }
        return p;
    }

    /** r · D⁺ = max over the values x of (#W ≤ x) − (#R ≤ x), for sorted samples of equal size. */
    static int statistic(double[] older, double[] recent) {
        int i = 0;
        int j = 0;
        int best = 0;
        while (i < older.length && j < recent.length) {
            double x = Math.min(older[i], recent[j]);
            while (i < older.length && older[i] <= x) {
                i++;
            }
            while (j < recent.length && recent[j] <= x) {
                j++;
            }
            best = Math.max(best, i - j);
        }
        return best;
    }

    /** One KSWIN with significance α. */
    private static final class Test {
        private final double alpha;
        private final int statSize;

        /** Ψ as a ring: the oldest value at {@code start}. */
        private final double[] window;

        private final int[] positions;
        private final double[] older;
        private final double[] recent;

        private Xoshiro256 rng;
        private int start;
        private int filled;
        private double pValue;

        Test(double alpha, int window, int statSize) {
            this.alpha = alpha;
            this.statSize = statSize;
            this.window = new double[window];
            this.positions = new int[window - statSize];
            this.older = new double[statSize];
            this.recent = new double[statSize];
        }

        void clear(Xoshiro256 generator) {
            rng = generator;
            start = 0;
            filled = 0;
            pValue = 1.0;
            Arrays.fill(window, 0);
        }

        boolean add(double x) {
            int n = window.length;
            if (filled < n) {
                window[(start + filled) % n] = x;
                filled++;
            } else {
                window[start] = x;
                start = (start + 1) % n;
            }
            if (filled < n) {
                return false;
            }
            // W: a partial Fisher–Yates shuffle of the positions 0 .. n − r − 1 (oldest first) draws r of them.
            int pool = n - statSize;
            for (int i = 0; i < pool; i++) {
                positions[i] = i;
            }
            for (int j = 0; j < statSize; j++) {
                int pick = j + below(pool - j);
                int chosen = positions[pick];
                positions[pick] = positions[j];
                positions[j] = chosen;
                older[j] = window[(start + chosen) % n];
            }
            for (int j = 0; j < statSize; j++) {
                recent[j] = window[(start + pool + j) % n];
            }
            Arrays.sort(older);
            Arrays.sort(recent);
            pValue = pValue(statistic(older, recent), statSize);
            if (pValue > alpha) {
                return false;
            }
            // Ψ keeps only R, the values of the new concept, in their order (through a scratch array: the ring
            // positions of R may overlap 0 .. r − 1).
            for (int j = 0; j < statSize; j++) {
                older[j] = window[(start + pool + j) % n];
            }
            System.arraycopy(older, 0, window, 0, statSize);
            Arrays.fill(window, statSize, n, 0);
            start = 0;
            filled = statSize;
            return true;
        }

        /** Uniform in [0, bound): rejection of the top 63 bits' incomplete last interval, so no bias. */
        private int below(int bound) {
            long bits;
            long value;
            do {
                bits = rng.nextLong() >>> 1;
                value = bits % bound;
            } while (bits - value + (bound - 1) < 0);
            return (int) value;
        }

        void save(DataOutput out) throws IOException {
            rng.saveState(out);
            out.writeInt(filled);
            out.writeDouble(pValue);
            for (int i = 0; i < filled; i++) {
                out.writeDouble(window[(start + i) % window.length]);
            }
        }

        void load(DataInput in) throws IOException {
            Xoshiro256 loaded = new Xoshiro256(0);
            loaded.loadState(in);
            int loadedFilled = in.readInt();
            if (loadedFilled < 0 || loadedFilled > window.length) {
                throw new IOException(
                        "corrupt " + STATE_TAG + " state: " + loadedFilled + " values in a window of " + window.length);
            }
            double loadedP = in.readDouble();
            double[] values = new double[loadedFilled];
            for (int i = 0; i < loadedFilled; i++) {
                values[i] = in.readDouble();
            }
            rng = loaded;
            Arrays.fill(window, 0);
            System.arraycopy(values, 0, window, 0, loadedFilled);
            start = 0;
            filled = loadedFilled;
            pValue = loadedP;
        }
    }
}
