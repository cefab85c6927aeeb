package dev.eddy.core.optim;

/**
 * Powers of the optimizers' decay rates, β^t, with the same bits on every JVM and CPU and without allocating:
 * {@code Math.pow} may differ by an ulp between platforms, and {@code StrictMath.pow} (fdlibm's) allocates 96 bytes a
 * call on JDK 17, which a training step must not.
 */
final class Powers {

    private Powers() {}

    /**
     * β^t for t ≥ 0 by binary exponentiation: β^t = Π β^(2^k) over the set bits k of t, products only. Each squaring
     * doubles the relative error of β^(2^k), so the result is within about t·ε of β^t (exact for t = 1); where the bias
     * corrections 1 − β^t divide, t is small or β^t is far below 1 and the error is not seen.
     */
    static double integer(double beta, long t) {
        double result = 1.0;
        double square = beta;
        for (long n = t; n > 0; n >>>= 1) {
            if ((n & 1) != 0) {
                result *= square;
            }
            square *= square;
        }
        return result;
    }
}
