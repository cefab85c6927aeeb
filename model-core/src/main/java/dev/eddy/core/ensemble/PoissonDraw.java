package dev.eddy.core.ensemble;

/**
 * A member's draw k ~ Poisson(λ) for one example, a pure function of (seed, member, example): a replay, a restart or
 * another batch size draws the same k for the same example.
 *
 * <pre>
 * u  = U(splitmix64(splitmix64(splitmix64(seed) ⊕ member) ⊕ example))     uniform in [0, 1), 53 bits
 * k  = min { j ≥ 0 : u &lt; F(j) },  F(j) = Σ_{i ≤ j} e^{−λ} λ^i / i!          (inversion of the Poisson CDF)
 * </pre>
 *
 * splitmix64 is Steele, Lea and Flood's finalizer (2014), the seeding function of Java's {@code SplittableRandom}.
 * Inversion needs about λ + 1 terms, so it stays cheap for the λ of bagging (1) and leveraging bagging (6); for λ
 * large enough that e^{−λ} underflows it is refused.
 */
public final class PoissonDraw {

    /** Above this λ, e^{−λ} is too small for inversion in doubles. */
    static final double MAX_LAMBDA = 700;

    private final long seed;

    public PoissonDraw(long seed) {
        this.seed = mix(seed);
    }

    /**
     * k for {@code example} in {@code member}'s stream.
     *
     * @param lambda λ &gt; 0 (at most {@value #MAX_LAMBDA})
     */
    public int draw(int member, long example, double lambda) {
        if (!(lambda > 0 && lambda <= MAX_LAMBDA)) {
            throw new IllegalArgumentException("Poisson λ must be in (0, " + MAX_LAMBDA + "], got " + lambda);
        }
        double u = uniform(member, example);
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
        long bits = mix(mix(seed ^ member) ^ example);
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
