package dev.eddy.core.kernel;

/**
 * {@link Precision#FLOAT32}'s rounding on vector registers ({@code PanamaRounding}, see {@link VectorApi}): a vector
 * of doubles converted to floats and back, the hardware's round-to-nearest-even conversion that the float cast
 * compiles to, so the bits are those of {@code a[i] = (float) a[i]}.
 */
interface VectorRounding {

    /** a[i] ← (double) (float) a[i] for i in [from, to). */
    void round(double[] a, int from, int to);

    /** The vector rounding, or null (the plain loops) when the JVM runs without the Vector API (see {@link VectorApi}). */
    static VectorRounding load() {
        return VectorApi.load(VectorRounding.class, "PanamaRounding");
    }
}
