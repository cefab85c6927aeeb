package dev.eddy.core.init;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The xoshiro256** pseudo-random generator (Blackman and Vigna, 2018): 256 bits of explicit state, so
 * a run can save it and resume the exact same sequence. Seeded through SplitMix64, which expands any
 * 64-bit seed (including 0) into a non-zero state. Not thread-safe; one generator per owner.
 */
public final class Xoshiro256 {
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    private long s0;
    private long s1;
    private long s2;
    private long s3;

    public Xoshiro256(long seed) {
        long x = seed;
        x += 0x9E3779B97F4A7C15L;
        s0 = splitMix(x);
        x += 0x9E3779B97F4A7C15L;
        s1 = splitMix(x);
        x += 0x9E3779B97F4A7C15L;
        s2 = splitMix(x);
        x += 0x9E3779B97F4A7C15L;
        s3 = splitMix(x);
    }

    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The next 64 uniformly distributed bits. */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform in [0, 1): the top 53 bits of {@link #nextLong} times 2⁻⁵³. */
    public double nextDouble() {
        return (nextLong() >>> 11) * DOUBLE_UNIT;
    }

    /**
     * Standard normal N(0, 1) by the Box–Muller transform: √(−2 ln u₁)·cos(2π u₂) with u₁ ∈ (0, 1]. The
     * second variate is discarded (and StrictMath keeps draws identical on every JVM) so the generator state alone determines the sequence.
     */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble();
        double u2 = nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }

    /** A new generator seeded from this one's next output (for independent streams, e.g. dropout). */
    public Xoshiro256 split() {
        return new Xoshiro256(nextLong());
    }

    /** Writes the 256-bit state. */
    public void saveState(DataOutput out) throws IOException {
        out.writeLong(s0);
        out.writeLong(s1);
        out.writeLong(s2);
        out.writeLong(s3);
    }

    /** Restores a state written by {@link #saveState}; the sequence then continues exactly. */
    public void loadState(DataInput in) throws IOException {
        long a = in.readLong();
        long b = in.readLong();
        long c = in.readLong();
        long d = in.readLong();
        if ((a | b | c | d) == 0) {
            throw new IOException("xoshiro256 state must not be all zero");
        }
        s0 = a;
        s1 = b;
        s2 = c;
        s3 = d;
    }
}
