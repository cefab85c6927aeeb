package dev.eddy.core.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class Xoshiro256Test {

    @Test
    void continuesExactlyAfterSaveAndLoad() throws IOException {
        Xoshiro256 rng = new Xoshiro256(123L);
        for (int i = 0; i < 10; i++) {
            rng.nextLong();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        rng.saveState(new DataOutputStream(bytes));
        Xoshiro256 copy = new Xoshiro256(0L);
        copy.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        for (int i = 0; i < 100; i++) {
            assertThat(copy.nextLong()).isEqualTo(rng.nextLong());
            assertThat(copy.nextGaussian()).isEqualTo(rng.nextGaussian());
        }
    }

    @Test
    void sameSeedSameSequenceDifferentSeedDifferent() {
        Xoshiro256 a = new Xoshiro256(0L);
        Xoshiro256 b = new Xoshiro256(0L);
        Xoshiro256 c = new Xoshiro256(1L);
        long first = a.nextLong();
        assertThat(b.nextLong()).isEqualTo(first);
        assertThat(c.nextLong()).isNotEqualTo(first);
    }

    @Test
    void uniformAndGaussianMoments() {
        Xoshiro256 rng = new Xoshiro256(42L);
        int n = 200_000;
        double sumU = 0;
        double sumG = 0;
        double sumG2 = 0;
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            assertThat(u).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
            sumU += u;
            double g = rng.nextGaussian();
            sumG += g;
            sumG2 += g * g;
        }
        assertThat(sumU / n).isCloseTo(0.5, within(0.005)); // σ/√n ≈ 0.00065
        assertThat(sumG / n).isCloseTo(0.0, within(0.012)); // σ/√n ≈ 0.0022
        assertThat(sumG2 / n).isCloseTo(1.0, within(0.016)); // √(2/n) ≈ 0.0032
    }
}
