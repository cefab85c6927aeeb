package dev.eddy.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class GradientClippingTest {

    /** Gradients (3, 0) and (−4): global norm 5. */
    private static List<Parameter> params() {
        return List.of(
                new Parameter("k", new double[2], new double[] {3, 0}),
                new Parameter("b", new double[1], new double[] {-4}));
    }

    @Test
    void globalNormIsTheNormOfAllGradientElementsTogether() {
        assertThat(GradientClipping.globalNorm(params())).isEqualTo(5.0);
    }

    @Test
    void globalNormClippingScalesEveryGradientByTorchsFactor() {
        List<Parameter> params = params();
        double norm = GradientClipping.byGlobalNorm(1).apply(params);
        double f = 1 / (5 + 1e-6);
        assertThat(norm).isEqualTo(5.0);
        assertThat(params.get(0).grad()).containsExactly(3 * f, 0);
        assertThat(params.get(1).grad()).containsExactly(-4 * f);
        assertThat(GradientClipping.globalNorm(params)).isCloseTo(1, within(1e-6));
    }

    @Test
    void globalNormClippingLeavesSmallGradientsUnchanged() {
        List<Parameter> params = params();
        GradientClipping.byGlobalNorm(5.5).apply(params);
        assertThat(params.get(0).grad()).containsExactly(3, 0);
        assertThat(params.get(1).grad()).containsExactly(-4);
    }

    @Test
    void valueClippingClampsEachElement() {
        List<Parameter> params = params();
        double norm = GradientClipping.byValue(3.5).apply(params);
        assertThat(norm).isEqualTo(5.0);
        assertThat(params.get(0).grad()).containsExactly(3, 0);
        assertThat(params.get(1).grad()).containsExactly(-3.5);
    }

    @Test
    void noneReportsTheNormAndChangesNothing() {
        List<Parameter> params = params();
        assertThat(GradientClipping.none().apply(params)).isEqualTo(5.0);
        assertThat(params.get(1).grad()).containsExactly(-4);
    }
}
