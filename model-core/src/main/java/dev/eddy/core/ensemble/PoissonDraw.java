package dev.eddy.core.ensemble;

/**
 * A member's draw k ~ Poisson(λ) for one example, a pure function of (seed, member, example, λ): a replay, a restart or
 * another batch size draws the same k for the same example.
 *
 * <pre>
 * b          = splitmix64(splitmix64(splitmix64(seed) ⊕ member) ⊕ example)
 * U(z)       = (z ⋙ 11)·2⁻⁵³                                      uniform in [0, 1), 53 bits
 * inv_λ(u)   = min { j ≥ 0 : u &lt; F_λ(j) },  F_λ(j) = Σ_{i ≤ j} e^{−λ} λ^i / i!     (inversion of the Poisson CDF)
 * λ ≤ 500:   k = inv_λ(U(b))
 * λ &gt; 500:   k = Σ_{j &lt; m} inv_{λ/m}(U(splitmix64(b ⊕ j))),  m = ⌈λ/500⌉           (a uniform of its own per part)
 * </pre>
 *
 * splitmix64 is Steele, Lea and Flood's finalizer (2014), the seeding function of Java's {@code SplittableRandom}.
 * Inversion needs about λ + 1 terms, so it stays cheap for the λ of bagging (1) and leveraging bagging (6). From λ ≈
 * 708 e^{−λ} leaves the normal doubles (and is 0 from 746), so a λ above 500 is drawn as the sum of m independent
 * Poisson(λ/m) draws, which is exactly Poisson(λ) (a sum of independent Poisson variables is Poisson with the sum of
 * their means), at a cost of about λ + m terms. Boosting raises an example's λ up to N/2 (N the examples seen) when a
 * member that is almost always right gets it wrong. Every λ ≤ 500 draws as it always did.
 */
public final class PoissonDraw {

    /** The largest λ drawn by one inversion; a larger λ is split into parts of at most this. */
    static final double MAX_PART = 500;

    private final long seed;

    public PoissonDraw(long seed) {
        this.seed = mix(seed);
    }

    /**
     * k for {@code example} in {@code member}'s stream.
     *
     * @param lambda λ &gt; 0, finite
     */
    public long draw(int member, long example, double lambda) {
        if (!(lambda > 0 && lambda < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("Poisson λ must be finite and > 0, got " + lambda);
        }
        long bits = bits(member, example);
        if (lambda <= MAX_PART) {
            return inversion(uniform(bits), lambda);
        }
        long parts = (long) Math.ceil(lambda / MAX_PART);
        double part = lambda / parts;
        long k = 0;
        for (long j = 0; j < parts; j++) {
            k += inversion(uniform(mix(bits ^ j)), part);
        }
        return k;
    }

    /** min { j ≥ 0 : u &lt; F_λ(j) }, for λ ≤ {@value #MAX_PART}. */
    private static int inversion(double u, double lambda) {
        double p = StrictMath.exp(-lambda);
        double cdf = p;
        int k = 0;
        while (u >= cdf && p > 0) {
            k++;
            p *= lambda / k;
            cdf += p;
        }
        return k;
    }

    /** U in [0, 1) for (member, example). */
    double uniform(int member, long example) {
        return uniform(bits(member, example));
    }

    private long bits(int member, long example) {
        return mix(mix(seed ^ member) ^ example);
    }

    /** The 53 high bits as a double in [0, 1). */
    private static double uniform(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }

    /** splitmix64's finalizer: z ← (z ⊕ z≫30)·0xbf58476d1ce4e5b9, (z ⊕ z≫27)·0x94d049bb133111eb, z ⊕ z≫31. */
    static long mix(long z) {
        z += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
