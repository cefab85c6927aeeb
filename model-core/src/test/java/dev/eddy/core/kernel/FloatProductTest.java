package dev.eddy.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FloatProductTest {

    /**
     * MatMulTest's shapes and some that reach every branch of the vector rows: groups of eight and four rows with
     * rows left over, pairs of vectors, one vector and single columns left over, on one thread and on two.
     */
    static Stream<int[]> shapes() {
        return Stream.concat(
                MatMulTest.shapes()
                        .map(a -> new int[] {(Integer) a.get()[0], (Integer) a.get()[1], (Integer) a.get()[2]}),
                Stream.of(new int[] {21, 130, 90}, new int[] {40, 200, 75}, new int[] {264, 300, 200}));
    }

    /** Each shape with the vector rows and with the plain loops. */
    static Stream<Arguments> shapesAndKernels() {
        return shapes().flatMap(s -> Stream.of(Arguments.of(s, true), Arguments.of(s, false)));
    }

    @Test
    void theseTestsRunTheVectorRows() {
        // surefire starts the tests with --add-modules jdk.incubator.vector (model-core's pom)
        assertThat(FloatProduct.VECTOR_ROWS).isNotNull();
    }

    /**
     * Once C2 has compiled them, the vector rows allocate nothing: their vectors live in registers. When C2 cannot
     * intrinsify the Vector API calls (a vector whose exact type it lost, e.g. with float vectors of a second shape in
     * the JVM), every vector is a heap object and the product runs at a fraction of the loops' speed; this catches it.
     * Rounds of 200 products until one allocates under 64 bytes a product, for at most 60 s.
     */
    @Test
    void theVectorRowsAllocateNothingOnceCompiled() {
        Random random = new Random(8);
        // 64 output columns: whole groups of rows times two vectors of up to 16 lanes (see PanamaRows)
        DMatrixRMaj a = floats(16, 64, random);
        DMatrixRMaj b = floats(64, 64, random);
        DMatrixRMaj bias = floats(1, 64, random);
        DMatrixRMaj c = new DMatrixRMaj(16, 64);
        long perProduct = SettledAllocation.bytesPerCall(
                200, 64, () -> FloatProduct.abPlusBias(a, b, bias, c, FloatProduct.VECTOR_ROWS));
        assertThat(perProduct)
                .as("bytes allocated per product by the vector rows")
                .isLessThan(64);
    }

    @Test
    void theVectorRowsCanBeTurnedOff() {
        String before = System.getProperty(VectorRows.PROPERTY);
        try {
            System.setProperty(VectorRows.PROPERTY, "false");
            assertThat(VectorRows.load()).isNull();
            System.setProperty(VectorRows.PROPERTY, "true");
            assertThat(VectorRows.load()).isNotNull();
        } finally {
            if (before == null) {
                System.clearProperty(VectorRows.PROPERTY);
            } else {
                System.setProperty(VectorRows.PROPERTY, before);
            }
        }
    }

    /** A [rows×cols] matrix of random floats (stored as doubles), some exactly 0. */
    private static DMatrixRMaj floats(int rows, int cols, Random random) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = random.nextInt(10) == 0 ? 0.0 : (float) (random.nextGaussian() * 3);
        }
        return m;
    }

    /** The specification: c_ij = fma_f(x_{i,k−1}, y_{k−1,j}, … fma_f(x_i0, y_0j, c0_j)), every step in float. */
    private static double[] reference(double[] x, double[] y, double[] bias, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = bias == null ? 0f : (float) bias[j];
                for (int p = 0; p < k; p++) {
                    s = Math.fma((float) x[i * k + p], (float) y[p * n + j], s);
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    private static DMatrixRMaj transposed(DMatrixRMaj a) {
        DMatrixRMaj t = new DMatrixRMaj(a.numCols, a.numRows);
        for (int i = 0; i < a.numRows; i++) {
            for (int j = 0; j < a.numCols; j++) {
                t.data[j * a.numRows + i] = a.data[i * a.numCols + j];
            }
        }
        return t;
    }

    @ParameterizedTest(name = "{0} vector rows: {1}")
    @MethodSource("shapesAndKernels")
    void everyFormIsTheAscendingFloatFmaChainBitForBit(int[] shape, boolean vectorRows) {
        VectorRows vector = vectorRows ? FloatProduct.VECTOR_ROWS : null;
        int m = shape[0];
        int k = shape[1];
        int n = shape[2];
        Random random = new Random(31L * m + 7L * k + n);
        DMatrixRMaj a = floats(m, k, random);
        DMatrixRMaj b = floats(k, n, random);
        DMatrixRMaj bias = floats(1, n, random);
        double[] withBias = reference(a.data, b.data, bias.data, m, k, n);
        double[] plain = reference(a.data, b.data, null, m, k, n);

        DMatrixRMaj c = new DMatrixRMaj(m, n);
        FloatProduct.abPlusBias(a, b, bias, c, vector);
        assertThat(c.data).containsExactly(withBias);

        DMatrixRMaj c2 = new DMatrixRMaj(m, n);
        FloatProduct.abT(a, transposed(b), c2, vector);
        assertThat(c2.data).containsExactly(plain);

        DMatrixRMaj c3 = new DMatrixRMaj(m, n);
        FloatProduct.aTb(transposed(a), b, c3, vector);
        assertThat(c3.data).containsExactly(plain);

        for (double v : c.data) {
            assertThat((double) (float) v).isEqualTo(v);
        }
    }

    @Test
    void aFloatProductDiffersFromTheDoubleOneByFloatRoundingOnly() {
        Random random = new Random(5);
        DMatrixRMaj a = floats(64, 300, random);
        DMatrixRMaj b = floats(300, 70, random);
        DMatrixRMaj bias = new DMatrixRMaj(1, 70);
        DMatrixRMaj single = new DMatrixRMaj(64, 70);
        DMatrixRMaj dbl = new DMatrixRMaj(64, 70);
        FloatProduct.abPlusBias(a, b, bias, single);
        MatMul.abPlusBias(a, b, bias, dbl);
        int differing = 0;
        for (int i = 0; i < dbl.data.length; i++) {
            double scale = 0;
            int row = i / 70;
            int col = i % 70;
            for (int p = 0; p < 300; p++) {
                scale += Math.abs(a.data[row * 300 + p] * b.data[p * 70 + col]);
            }
            // |error| ≤ k·u·Σ|x·y| with u = 2⁻²⁴ the float unit roundoff
            assertThat(Math.abs(single.data[i] - dbl.data[i])).isLessThanOrEqualTo(300 * 0x1p-24 * scale);
            if (single.data[i] != dbl.data[i]) {
                differing++;
            }
        }
        assertThat(differing).as("products actually computed in float").isGreaterThan(dbl.data.length / 2);
    }

    @Test
    void refusesMismatchedShapesNamingThem() {
        assertThatThrownBy(() -> FloatProduct.abT(new DMatrixRMaj(2, 3), new DMatrixRMaj(4, 5), new DMatrixRMaj(2, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("abT: inner dimensions and output must agree");
        assertThatThrownBy(() -> FloatProduct.abPlusBias(
                        new DMatrixRMaj(2, 3), new DMatrixRMaj(3, 4), new DMatrixRMaj(1, 3), new DMatrixRMaj(2, 4)))
                .hasMessageContaining("bias must have 4 elements");
    }
}
