package dev.eddy.core.kernel;

import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;

/**
 * OpenBLAS's {@code cblas_dgemm} through bytedeco's JNI binding (the native library ships for linux-x86_64), on the
 * row-major arrays of EJML matrices: c = op(a)·op(b) + β·c. The native library is loaded on first use.
 */
final class OpenBlas {

    /**
     * dgemm calls so far. Its results alone cannot show that a product went to OpenBLAS (the Java kernel agrees to the
     * last bits but one), so the tests read this; one atomic add per product of at least 2²⁰ multiply-adds costs
     * nothing measurable.
     */
    private static final AtomicLong CALLS = new AtomicLong();

    private OpenBlas() {}

    /** How many times {@link #dgemm} has run in this JVM. */
    static long calls() {
        return CALLS.get();
    }

    /** Why OpenBLAS cannot be used here, or null when it loaded. */
    static String loadError() {
        return Library.ERROR;
    }

    /**
     * c [m×n] = op(a) [m×k] · op(b) [k×n] + β·c, with op = transpose when asked; lda, ldb, ldc are the row lengths
     * of the arrays as stored.
     */
    static void dgemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            double[] a,
            int lda,
            double[] b,
            int ldb,
            double beta,
            double[] c,
            int ldc) {
        CALLS.incrementAndGet();
        openblas.cblas_dgemm(
                openblas.CblasRowMajor,
                transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                transB ? openblas.CblasTrans : openblas.CblasNoTrans,
                m,
                n,
                k,
                1.0,
                a,
                lda,
                b,
                ldb,
                beta,
                c,
                ldc);
    }

    /** Loads the native library once, when first asked. */
    private static final class Library {
        static final String ERROR = load();

        private static String load() {
            try {
                Loader.load(openblas.class);
                return null;
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                return e.toString();
            }
        }
    }
}
