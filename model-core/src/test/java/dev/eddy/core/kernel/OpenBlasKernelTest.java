package dev.eddy.core.kernel;

import static dev.eddy.core.kernel.MatMulTest.assertClose;
import static dev.eddy.core.kernel.MatMulTest.filledWithGarbage;
import static dev.eddy.core.kernel.MatMulTest.naive;
import static dev.eddy.core.kernel.MatMulTest.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The opt-in OpenBLAS kernel ({@code eddy.kernel=openblas}): each of the four products of at least {@link
 * MatMul#BLAS_MIN_FMAS} multiply-adds with no side under {@link MatMul#BLAS_MIN_SIDE} runs in dgemm (counted by
 * {@link OpenBlas#calls()}: the results alone would pass on the Java kernel), agrees with the Java kernel within
 * 1e-12 relative to Σ|a<sub>ip</sub>·b<sub>pj</sub>| and repeats bit for bit; smaller products stay in Java. Skipped,
 * with the reason, where the native library does not load.
 */
class OpenBlasKernelTest {

    @BeforeEach
    void selectOpenBlas() {
        Assumptions.assumeTrue(OpenBlas.loadError() == null, () -> "OpenBLAS does not load: " + OpenBlas.loadError());
        MatMul.select("openblas");
    }

    @AfterEach
    void selectJava() {
        MatMul.select("java");
    }

    /** One product of a shape (m, k, n): c [m×n] from its operands. */
    @FunctionalInterface
    private interface Product {
        void into(DMatrixRMaj c);
    }

    /** (m, k, n) at or above the threshold: its smallest square, odd sides, and the large benchmark net's first layer. */
    static Stream<Arguments> aboveThreshold() {
        return Stream.of(
                Arguments.of(64, 128, 128),
                Arguments.of(128, 129, 65),
                Arguments.of(257, 65, 67),
                Arguments.of(256, 784, 256));
    }

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @MethodSource("aboveThreshold")
    void productsAboveTheThresholdRunInDgemmAndAgreeWithTheJavaKernel(int m, int k, int n) {
        assertThat(MatMul.kernel()).isEqualTo("openblas");
        assertThat((long) m * k * n).isGreaterThanOrEqualTo(MatMul.BLAS_MIN_FMAS);
        Random rnd = new Random(17L * m + k + 3L * n);
        DMatrixRMaj a = random(m, k, rnd);
        DMatrixRMaj b = random(k, n, rnd);
        DMatrixRMaj bT = random(n, k, rnd);
        DMatrixRMaj aT = random(k, m, rnd);
        DMatrixRMaj bias = random(1, n, rnd);

        check("ab", m, n, c -> MatMul.ab(a, b, c), naive(a, false, b, false, null, true));
        check("abPlusBias", m, n, c -> MatMul.abPlusBias(a, b, bias, c), naive(a, false, b, false, bias.data, true));
        check("abT", m, n, c -> MatMul.abT(a, bT, c), naive(a, false, bT, true, null, true));
        check("aTb", m, n, c -> MatMul.aTb(aT, b, c), naive(aT, true, b, false, null, true));
    }

    /**
     * One dgemm call for {@code product}; its result within 1e-12·{@code scale} of the Java kernel's, and the same bits
     * when repeated.
     */
    private static void check(String name, int m, int n, Product product, DMatrixRMaj scale) {
        MatMul.select("java");
        DMatrixRMaj java = filledWithGarbage(m, n);
        long before = OpenBlas.calls();
        product.into(java);
        assertThat(OpenBlas.calls()).as("%s on the Java kernel", name).isEqualTo(before);

        MatMul.select("openblas");
        DMatrixRMaj blas = filledWithGarbage(m, n);
        product.into(blas);
        assertThat(OpenBlas.calls()).as("dgemm calls of %s", name).isEqualTo(before + 1);
        assertClose(blas, java, scale);
        DMatrixRMaj again = filledWithGarbage(m, n);
        product.into(again);
        assertThat(again.data).as("%s repeated", name).isEqualTo(blas.data);
    }

    /** (m, k, n) under the threshold: a side under 64, or fewer than 2²⁰ multiply-adds. */
    static Stream<Arguments> belowThreshold() {
        return Stream.of(Arguments.of(600, 129, 17), Arguments.of(64, 64, 255), Arguments.of(32, 784, 256));
    }

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @MethodSource("belowThreshold")
    void smallerProductsStayInJava(int m, int k, int n) {
        Random rnd = new Random(5L * m + k + n);
        DMatrixRMaj a = random(m, k, rnd);
        DMatrixRMaj b = random(k, n, rnd);
        DMatrixRMaj c = filledWithGarbage(m, n);
        long before = OpenBlas.calls();
        MatMul.ab(a, b, c);
        assertThat(OpenBlas.calls()).isEqualTo(before);
        assertClose(c, naive(a, false, b, false, null, false), naive(a, false, b, false, null, true));
    }

    @Test
    void anUnknownKernelIsRefusedByName() {
        assertThatThrownBy(() -> MatMul.select("mkl"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("eddy.kernel must be java or openblas, got 'mkl'");
    }
}
