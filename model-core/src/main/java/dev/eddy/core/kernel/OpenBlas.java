package dev.eddy.core.kernel;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;

/**
 * OpenBLAS's {@code cblas_dgemm} through bytedeco's JNI binding (the native library ships for linux-x86_64), on the
 * row-major arrays of EJML matrices: c = op(a)·op(b) + β·c. The native library is loaded on first use.
 */
final class OpenBlas {

    private OpenBlas() {}

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
