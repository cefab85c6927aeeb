package dev.eddy.core.layer;

import dev.eddy.core.init.Xoshiro256;

/**
 * Inverted dropout with rate r: in training h'_i = h_i·m_i with m_i = 1/(1 − r) with probability 1 − r
 * and 0 otherwise (so E[h'] = h), and dh_i = dh'_i·m_i; at inference the identity. The mask is drawn
 * from the network's saved generator in row-major order, so a resumed run draws the same masks.
 */
public final class Dropout {
    private final double rate;
    private final double keepScale;
    private double[] mask = new double[0];

    public Dropout(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
        this.keepScale = 1.0 / (1.0 - rate);
    }

    public double rate() {
        return rate;
    }

    /** Draws a fresh mask for n values and applies it: out_i = h_i·m_i. */
    void forward(double[] h, double[] out, int n, Xoshiro256 rng) {
        if (mask.length < n) {
            mask = new double[n]; // grow-only: reallocated only for a larger batch
        }
        for (int i = 0; i < n; i++) {
            mask[i] = rng.nextDouble() < rate ? 0.0 : keepScale;
            out[i] = h[i] * mask[i];
        }
    }

    /** dh_i = dh'_i·m_i with the mask of the last {@link #forward}; {@code dh} may be {@code dhOut}. */
    void backward(double[] dhOut, double[] dh, int n) {
        for (int i = 0; i < n; i++) {
            dh[i] = dhOut[i] * mask[i];
        }
    }
}
