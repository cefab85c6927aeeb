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
 * The opt-in OpenBLAS kernel ({@code eddy.kernel=openblas}): the four products agree with the plain sum up to
 * rounding and repeat bit for bit; skipped, with the reason, where the native library does not load.
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

    /** (m, k, n) at or above {@link MatMul#BLAS_MIN_FMAS}, and the large benchmark net's first layer. */
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(128, 129, 65),
                Arguments.of(257, 65, 67),
                Arguments.of(600, 129, 17),
                Arguments.of(256, 784, 256));
    }

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @MethodSource("shapes")
    void productsAgreeWithThePlainSumAndRepeatExactly(int m, int k, int n) {
        assertThat(MatMul.kernel()).isEqualTo("openblas");
        Random rnd = new Random(17L * m + k + 3L * n);
        DMatrixRMaj a = random(m, k, rnd);
        DMatrixRMaj b = random(k, n, rnd);
        DMatrixRMaj bT = random(n, k, rnd);
        DMatrixRMaj aT = random(k, m, rnd);
        DMatrixRMaj bias = random(1, n, rnd);

        DMatrixRMaj c = filledWithGarbage(m, n);
        MatMul.ab(a, b, c);
        assertClose(c, naive(a, false, b, false, null, false), naive(a, false, b, false, null, true));
        DMatrixRMaj again = filledWithGarbage(m, n);
        MatMul.ab(a, b, again);
        assertThat(again.data).isEqualTo(c.data);

        MatMul.abPlusBias(a, b, bias, c);
        assertClose(c, naive(a, false, b, false, bias.data, false), naive(a, false, b, false, bias.data, true));
        MatMul.abT(a, bT, c);
        assertClose(c, naive(a, false, bT, true, null, false), naive(a, false, bT, true, null, true));
        MatMul.aTb(aT, b, c);
        assertClose(c, naive(aT, true, b, false, null, false), naive(aT, true, b, false, null, true));
    }

    @Test
    void anUnknownKernelIsRefusedByName() {
        assertThatThrownBy(() -> MatMul.select("mkl"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("eddy.kernel must be java or openblas, got 'mkl'");
    }
}
