package dev.eddy.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.activation.Activation;
import dev.eddy.core.activation.Activations;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrecisionTest {

    /** Values of every magnitude a float can hold and beyond: normal, subnormal, overflowing, ±0, NaN, ∞. */
    private static double[] values(int n, long seed) {
        Random rnd = new Random(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextGaussian() * Math.pow(2, rnd.nextInt(320) - 170);
        }
        double[] specials = {
            0.0,
            -0.0,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            -Double.MAX_VALUE,
            0x1p-149,
            0x1p-150,
            0x1.fffffe8p127,
            1 + 0x1p-24,
            1 + 0x1p-23 + 0x1p-24
        };
        System.arraycopy(specials, 0, a, 0, Math.min(n, specials.length));
        return a;
    }

    @Test
    void float32RoundsEveryElementAsTheFloatCastAcrossChunkBoundaries() {
        for (int n : new int[] {0, 1, 255, 256, 257, 1000, 4099}) {
            double[] a = values(n + 3, n);
            double[] expected = a.clone();
            for (int i = 0; i < n; i++) {
                expected[i] = (float) expected[i];
            }
            Precision.FLOAT32.round(a, n);
            for (int i = 0; i < a.length; i++) {
                assertThat(Double.doubleToRawLongBits(a[i]))
                        .as("n=%d, element %d", n, i)
                        .isEqualTo(Double.doubleToRawLongBits(expected[i]));
            }
        }
    }

    @Test
    void float64RoundsNothing() {
        double[] a = values(600, 5);
        double[] before = a.clone();
        Precision.FLOAT64.round(a);
        assertThat(a).isEqualTo(before);
    }

    @Test
    void activationsThatPreserveFloatsReturnFloatsForFloatInputsAndTheOthersSayNot() {
        Random rnd = new Random(3);
        int n = 512;
        double[] z = new double[n];
        double[] dh = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = (float) (rnd.nextGaussian() * 3);
            dh[i] = (float) rnd.nextGaussian();
        }
        for (String name : new String[] {"relu", "linear", "sigmoid", "tanh", "softplus", "softmax"}) {
            Activation f = Activations.create(name);
            double[] h = new double[n];
            double[] dz = new double[n];
            f.forward(z, h, 2, n / 2);
            f.backward(z, h, dh, dz, 2, n / 2);
            boolean floats = true;
            for (int i = 0; i < n; i++) {
                floats &= h[i] == (float) h[i] && dz[i] == (float) dz[i];
            }
            assertThat(f.preservesFloats()).as(name).isEqualTo(floats);
        }
    }
}
