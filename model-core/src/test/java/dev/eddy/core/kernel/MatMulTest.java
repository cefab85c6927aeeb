package dev.eddy.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MatMulTest {
    private static final double REL = 1e-12;

    /** (m, k, n): vectors, odd sizes, both sides of the packing and two-thread thresholds. */
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(1, 1, 1),
                Arguments.of(5, 0, 3), // empty inner dimension: c = 0 (or the bias)
                Arguments.of(1, 7, 1),
                Arguments.of(1, 64, 128),
                Arguments.of(7, 1, 5),
                Arguments.of(13, 1, 1),
                Arguments.of(3, 17, 9),
                Arguments.of(4, 5, 3),
                Arguments.of(5, 6, 7),
                Arguments.of(31, 33, 17),
                Arguments.of(32, 8, 32),
                Arguments.of(33, 129, 11),
                Arguments.of(128, 129, 65), // m·k·n above the two-thread threshold, odd k
                Arguments.of(257, 65, 67),
                Arguments.of(6, 300, 9), // inner dimension over two blocks, rows beyond a group of four
                Arguments.of(1000, 128, 9), // few columns, computed transposed on two threads
                Arguments.of(1030, 40, 9), // too many rows for the transposed form
                Arguments.of(600, 129, 17)); // several row blocks per thread
    }

    @ParameterizedTest(name = "{0}x{1} times {1}x{2}")
    @MethodSource("shapes")
    void abEqualsTripleLoop(int m, int k, int n) {
        Random rnd = new Random(31L * m + 7L * k + n);
        DMatrixRMaj a = random(m, k, rnd);
        DMatrixRMaj b = random(k, n, rnd);
        DMatrixRMaj c = filledWithGarbage(m, n);

        MatMul.ab(a, b, c);

        assertClose(c, naive(a, false, b, false, null), naive(a, false, b, false, null, true));
    }

    @ParameterizedTest(name = "{0}x{1} times {1}x{2} plus bias")
    @MethodSource("shapes")
    void abPlusBiasEqualsTripleLoopPlusBias(int m, int k, int n) {
        Random rnd = new Random(31L * m + 7L * k + n + 1);
        DMatrixRMaj a = random(m, k, rnd);
        DMatrixRMaj b = random(k, n, rnd);
        DMatrixRMaj bias = random(1, n, rnd);
        DMatrixRMaj c = filledWithGarbage(m, n);

        MatMul.abPlusBias(a, b, bias, c);

        assertClose(c, naive(a, false, b, false, bias.data), naive(a, false, b, false, bias.data, true));
    }

    @ParameterizedTest(name = "{0}x{1} times ({2}x{1})T")
    @MethodSource("shapes")
    void abTEqualsTripleLoop(int m, int k, int n) {
        Random rnd = new Random(31L * m + 7L * k + n + 2);
        DMatrixRMaj a = random(m, k, rnd);
        DMatrixRMaj b = random(n, k, rnd);
        DMatrixRMaj c = filledWithGarbage(m, n);

        MatMul.abT(a, b, c);

        assertClose(c, naive(a, false, b, true, null), naive(a, false, b, true, null, true));
    }

    @ParameterizedTest(name = "({1}x{0})T times {1}x{2}")
    @MethodSource("shapes")
    void aTbEqualsTripleLoop(int m, int k, int n) {
        Random rnd = new Random(31L * m + 7L * k + n + 3);
        DMatrixRMaj a = random(k, m, rnd);
        DMatrixRMaj b = random(k, n, rnd);
        DMatrixRMaj c = filledWithGarbage(m, n);

        MatMul.aTb(a, b, c);

        assertClose(c, naive(a, true, b, false, null), naive(a, true, b, false, null, true));
    }

    @ParameterizedTest(name = "{0}x{1}x{2} same bits twice")
    @MethodSource("shapes")
    void everyProductIsBitIdenticalWhenRepeated(int m, int k, int n) {
        Random rnd = new Random(99L * m + k + 11L * n);
        DMatrixRMaj x = random(m, k, rnd);
        DMatrixRMaj y = random(k, n, rnd);
        DMatrixRMaj yT = random(n, k, rnd);
        DMatrixRMaj xT = random(k, m, rnd);
        DMatrixRMaj first = new DMatrixRMaj(m, n);
        DMatrixRMaj again = new DMatrixRMaj(m, n);

        MatMul.ab(x, y, first);
        MatMul.ab(x, y, again);
        assertThat(again.data).isEqualTo(first.data);

        MatMul.abT(x, yT, first);
        MatMul.abT(x, yT, again);
        assertThat(again.data).isEqualTo(first.data);

        MatMul.aTb(xT, y, first);
        MatMul.aTb(xT, y, again);
        assertThat(again.data).isEqualTo(first.data);
    }

    @ParameterizedTest(name = "{0}x{1}x{2} equals the ascending fma chain bit for bit")
    @MethodSource("shapes")
    void everyProductIsTheAscendingFmaChain(int m, int k, int n) {
        Random rnd = new Random(17L * m + 5L * k + n);
        DMatrixRMaj x = random(m, k, rnd);
        DMatrixRMaj y = random(k, n, rnd);
        DMatrixRMaj yT = random(n, k, rnd);
        DMatrixRMaj xT = random(k, m, rnd);
        DMatrixRMaj bias = random(1, n, rnd);
        DMatrixRMaj c = new DMatrixRMaj(m, n);

        MatMul.ab(x, y, c);
        assertThat(c.data).isEqualTo(fmaChain(x, false, y, false, null).data);
        MatMul.abPlusBias(x, y, bias, c);
        assertThat(c.data).isEqualTo(fmaChain(x, false, y, false, bias.data).data);
        MatMul.abT(x, yT, c);
        assertThat(c.data).isEqualTo(fmaChain(x, false, yT, true, null).data);
        MatMul.aTb(xT, y, c);
        assertThat(c.data).isEqualTo(fmaChain(xT, true, y, false, null).data);
    }

    @Test
    void rowsDoNotDependOnThePathThatComputedThem() {
        // A row computed alone (streaming path) must equal the same row inside a large
        // product (packed, two-thread path): the summation order is the same fma chain.
        Random rnd = new Random(5);
        int m = 256;
        int k = 129;
        int n = 64;
        DMatrixRMaj a = random(m, k, rnd);
        DMatrixRMaj b = random(k, n, rnd);
        DMatrixRMaj all = new DMatrixRMaj(m, n);
        MatMul.ab(a, b, all);

        for (int i : new int[] {0, m / 2 - 1, m / 2, m - 1}) {
            DMatrixRMaj row = new DMatrixRMaj(1, k);
            System.arraycopy(a.data, i * k, row.data, 0, k);
            DMatrixRMaj single = new DMatrixRMaj(1, n);
            MatMul.ab(row, b, single);
            double[] expected = new double[n];
            System.arraycopy(all.data, i * n, expected, 0, n);
            assertThat(single.data).as("row %d", i).isEqualTo(expected);
        }
    }

    @Test
    void mismatchedShapesAreRejectedWithBothShapes() {
        assertThatThrownBy(() -> MatMul.ab(new DMatrixRMaj(2, 3), new DMatrixRMaj(4, 5), new DMatrixRMaj(2, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ab")
                .hasMessageContaining("inner 3 vs 4");
        assertThatThrownBy(() -> MatMul.aTb(new DMatrixRMaj(3, 2), new DMatrixRMaj(3, 5), new DMatrixRMaj(5, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("output [5x2]");
        assertThatThrownBy(() -> MatMul.abPlusBias(
                        new DMatrixRMaj(2, 3), new DMatrixRMaj(3, 4), new DMatrixRMaj(1, 3), new DMatrixRMaj(2, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bias must have 4 elements");
    }

    /** Σ_p A_ip·B_pj (+ bias_j) in plain double arithmetic, transposes applied by index. */
    private static DMatrixRMaj naive(DMatrixRMaj a, boolean transA, DMatrixRMaj b, boolean transB, double[] bias) {
        return naive(a, transA, b, transB, bias, false);
    }

    /** With {@code magnitude}: Σ_p |A_ip·B_pj| (+ |bias_j|), the scale of the rounding error. */
    static DMatrixRMaj naive(
            DMatrixRMaj a, boolean transA, DMatrixRMaj b, boolean transB, double[] bias, boolean magnitude) {
        int m = transA ? a.numCols : a.numRows;
        int k = transA ? a.numRows : a.numCols;
        int n = transB ? b.numRows : b.numCols;
        DMatrixRMaj c = new DMatrixRMaj(m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a.get(p, i) : a.get(i, p);
                    double y = transB ? b.get(j, p) : b.get(p, j);
                    s += magnitude ? Math.abs(x * y) : x * y;
                }
                double beta = bias == null ? 0.0 : bias[j];
                c.set(i, j, s + (magnitude ? Math.abs(beta) : beta));
            }
        }
        return c;
    }

    /** The documented summation order: c_ij = fma(A_i,k−1, B_k−1,j, … fma(A_i0, B_0j, bias_j or 0)). */
    private static DMatrixRMaj fmaChain(DMatrixRMaj a, boolean transA, DMatrixRMaj b, boolean transB, double[] bias) {
        int m = transA ? a.numCols : a.numRows;
        int k = transA ? a.numRows : a.numCols;
        int n = transB ? b.numRows : b.numCols;
        DMatrixRMaj c = new DMatrixRMaj(m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = bias == null ? 0.0 : bias[j];
                for (int p = 0; p < k; p++) {
                    s = Math.fma(transA ? a.get(p, i) : a.get(i, p), transB ? b.get(j, p) : b.get(p, j), s);
                }
                c.set(i, j, s);
            }
        }
        return c;
    }

    /** |c_ij − expected_ij| ≤ 1e-12 · scale_ij, with scale = Σ_p |A_ip·B_pj| (+ |bias_j|). */
    static void assertClose(DMatrixRMaj actual, DMatrixRMaj expected, DMatrixRMaj scale) {
        assertThat(actual.numRows).isEqualTo(expected.numRows);
        assertThat(actual.numCols).isEqualTo(expected.numCols);
        for (int i = 0; i < expected.numRows; i++) {
            for (int j = 0; j < expected.numCols; j++) {
                double e = expected.get(i, j);
                double tol = REL * scale.get(i, j);
                assertThat(actual.get(i, j)).as("c[%d,%d]", i, j).isCloseTo(e, Offset.offset(tol));
            }
        }
    }

    static DMatrixRMaj random(int rows, int cols, Random rnd) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextDouble() * 2 - 1;
        }
        return m;
    }

    static DMatrixRMaj filledWithGarbage(int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        Arrays.fill(m.data, Double.NaN);
        return m;
    }
}
