package dev.eddy.core.kernel;

import java.util.Locale;
import org.ejml.data.DMatrixRMaj;

/**
 * The floating-point format a network trains in ({@code precision}). Values are kept in {@code double[]} either
 * way; in {@link #FLOAT32} every value a layer, a loss or an optimizer writes is rounded to the nearest float
 * (x ← (double) (float) x, IEEE round-to-nearest-even) right after it is written, and the matrix products are
 * computed in float arithmetic by {@link FloatProduct}. So parameters, activations, gradients and optimizer moments
 * hold exactly the float32 values PyTorch keeps in a float32 model (the elementwise formulas are evaluated in double
 * before the one rounding, which can differ from float-by-float evaluation in the last bit). {@link #FLOAT64} rounds
 * nothing and takes the products from {@link MatMul}: bit-identical to a build without this setting.
 */
public enum Precision {
    /** IEEE-754 binary64 throughout (the default). */
    FLOAT64,
    /** IEEE-754 binary32 values and float products. */
    FLOAT32;

    /** The configuration key, {@code precision} (under {@code model.<id>.} in the app). */
    public static final String KEY = "precision";

    /** Elements {@link #round(double[], int)} converts per pass through its float buffer. */
    private static final int CHUNK = 256;

    private static final ThreadLocal<float[]> CHUNKS = ThreadLocal.withInitial(() -> new float[CHUNK]);

    /** The spelling in configuration and formats: {@code float64} or {@code float32}. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The precision spelled {@code value} ({@code float64} or {@code float32}).
     *
     * @throws IllegalArgumentException naming {@code key}, the value and the allowed spellings
     */
    public static Precision parse(String key, String value) {
        for (Precision p : values()) {
            if (p.spelling().equals(value)) {
                return p;
            }
        }
        throw new IllegalArgumentException(key + " must be one of [float64, float32], got '" + value + "'");
    }

    /**
     * a[i] ← round(a[i]) for i in [0, n): to the nearest float in {@link #FLOAT32}, unchanged in {@link #FLOAT64}.
     * The values go through a per-thread float buffer, {@value #CHUNK} at a time, one loop converting to float and one
     * back: the same casts as a[i] = (float) a[i], which C2 compiles to a chain of dependent scalar conversions
     * (about 1.4 ns an element, measured), where the two separate loops take about a third of that.
     */
    public void round(double[] a, int n) {
        round(a, 0, n);
    }

    /**
     * a[i] ← round(a[i]) for i in [from, to) (see {@link #round(double[], int)}); a large range over two threads
     * ({@link TwoThreads}).
     */
    public void round(double[] a, int from, int to) {
        if (this != FLOAT32) {
            return;
        }
        if (TwoThreads.splits(to - from)) {
            TwoThreads.run(to - from, CHUNK, (c0, c1) -> roundFloats(a, from + c0, from + c1));
        } else {
            roundFloats(a, from, to);
        }
    }

    private static void roundFloats(double[] a, int from, int to) {
        float[] f = CHUNKS.get();
        for (int o = from; o < to; o += CHUNK) {
            int e = Math.min(CHUNK, to - o);
            for (int i = 0; i < e; i++) {
                f[i] = (float) a[o + i];
            }
            for (int i = 0; i < e; i++) {
                a[o + i] = f[i];
            }
        }
    }

    /** Every element of {@code a} rounded (see {@link #round(double[], int)}). */
    public void round(double[] a) {
        round(a, a.length);
    }

    /** c = a · b + 1·biasᵀ in this precision (see {@link MatMul#abPlusBias}). */
    public void abPlusBias(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj bias, DMatrixRMaj c) {
        if (this == FLOAT32) {
            FloatProduct.abPlusBias(a, b, bias, c);
        } else {
            MatMul.abPlusBias(a, b, bias, c);
        }
    }

    /** c = a · bᵀ in this precision (see {@link MatMul#abT}). */
    public void abT(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        if (this == FLOAT32) {
            FloatProduct.abT(a, b, c);
        } else {
            MatMul.abT(a, b, c);
        }
    }

    /** c = aᵀ · b in this precision (see {@link MatMul#aTb}). */
    public void aTb(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        if (this == FLOAT32) {
            FloatProduct.aTb(a, b, c);
        } else {
            MatMul.aTb(a, b, c);
        }
    }
}
