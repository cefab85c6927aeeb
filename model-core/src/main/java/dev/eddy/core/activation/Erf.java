package dev.eddy.core.activation;

/**
 * The error function erf(x) = (2/√π)∫₀ˣ e^{−t²} dt and its complement erfc(x) = 1 − erf(x), to about
 * 1e-16 relative, using W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev
 * approximations for the error function", Math. Comp. 23 (1969) 631–638; the coefficients of his
 * netlib SPECFUN routine CALERF). Three intervals of |x|: ≤ 0.46875 erf ≈ x·P(x²)/Q(x²); ≤ 4
 * erfc ≈ e^{−x²}·P(|x|)/Q(|x|); > 4 erfc ≈ e^{−x²}/|x|·(1/√π − R(1/x²)/x²). erfc keeps its relative
 * accuracy in the right tail; erfc(−x) = 2 − erfc(x).
 */
public final class Erf {
    private static final double THRESHOLD = 0.46875;
    private static final double X_SMALL = 1.11e-16; // below: erf(x) = 2x/√π to machine precision
    private static final double X_BIG = 26.543; // above: erfc(x) underflows to 0
    private static final double INV_SQRT_PI = 0.56418958354775628695;

    private static final double[] A = {
        3.16112374387056560e00,
        1.13864154151050156e02,
        3.77485237685302021e02,
        3.20937758913846947e03,
        1.85777706184603153e-1
    };
    private static final double[] B = {
        2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03
    };
    private static final double[] C = {
        5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
        8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
        2.15311535474403846e-8
    };
    private static final double[] D = {
        1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
        3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03
    };
    private static final double[] P = {
        3.05326634961232344e-1,
        3.60344899949804439e-1,
        1.25781726111229246e-1,
        1.60837851487422766e-2,
        6.58749161529837803e-4,
        1.63153871373020978e-2
    };
    private static final double[] Q = {
        2.56852019228982242e00,
        1.87295284992346047e00,
        5.27905102951428412e-1,
        6.05183413124413191e-2,
        2.33520497626869185e-3
    };

    private Erf() {}

    /** erf(x). */
    public static double erf(double x) {
        double y = Math.abs(x);
        if (y <= THRESHOLD) {
            return x * small(y);
        }
        double r = erfcPositive(y);
        double e = (0.5 - r) + 0.5;
        return x < 0 ? -e : e;
    }

    /** erfc(x) = 1 − erf(x), accurate relative to its own size for large x. */
    public static double erfc(double x) {
        double y = Math.abs(x);
        if (y <= THRESHOLD) {
            return 1.0 - x * small(y);
        }
        double r = erfcPositive(y);
        return x < 0 ? 2.0 - r : r;
    }

    /** erf(x)/x for |x| ≤ 0.46875: rational function of x². */
    private static double small(double y) {
        double ysq = y > X_SMALL ? y * y : 0.0;
        double num = A[4] * ysq;
        double den = ysq;
        for (int i = 0; i < 3; i++) {
            num = (num + A[i]) * ysq;
            den = (den + B[i]) * ysq;
        }
        return (num + A[3]) / (den + B[3]);
    }

    /** erfc(y) for y > 0.46875. */
    private static double erfcPositive(double y) {
        double r;
        if (y <= 4.0) {
            double num = C[8] * y;
            double den = y;
            for (int i = 0; i < 7; i++) {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }
            r = (num + C[7]) / (den + D[7]);
        } else {
            if (y >= X_BIG) {
                return 0.0;
            }
            double ysq = 1.0 / (y * y);
            double num = P[5] * ysq;
            double den = ysq;
            for (int i = 0; i < 4; i++) {
                num = (num + P[i]) * ysq;
                den = (den + Q[i]) * ysq;
            }
            r = ysq * (num + P[4]) / (den + Q[4]);
            r = (INV_SQRT_PI - r) / y;
        }
        // e^{−y²} = e^{−s²}·e^{−(y−s)(y+s)} with s = y rounded down to 1/16: s² is exact, so the
        // rounding error of y² is not amplified by the exponential
        double s = Math.floor(y * 16.0) / 16.0;
        double del = (y - s) * (y + s);
        return StrictMath.exp(-s * s) * StrictMath.exp(-del) * r;
    }
}
