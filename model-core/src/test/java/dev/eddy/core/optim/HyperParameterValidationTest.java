package dev.eddy.core.optim;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HyperParameterValidationTest {

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad(() -> new Sgd(-0.1, 0, false), "momentum must be finite and >= 0, got -0.1"),
                bad(() -> new Sgd(0.9, 1.5, false), "dampening must be in [0, 1], got 1.5"),
                bad(
                        () -> new Sgd(0, 0, true),
                        "nesterov requires momentum > 0 and dampening = 0, got momentum 0.0 " + "and dampening 0.0"),
                bad(
                        () -> new Sgd(0.9, 0.1, true),
                        "nesterov requires momentum > 0 and dampening = 0, got momentum " + "0.9 and dampening 0.1"),
                bad(() -> new Adagrad(-1, 0, 1e-10), "lrDecay must be finite and >= 0, got -1.0"),
                bad(() -> new Adagrad(0, -0.1, 1e-10), "initialAccumulatorValue must be finite and >= 0, got -0.1"),
                bad(() -> new Adagrad(0, 0, Double.NaN), "eps must be finite and >= 0, got NaN"),
                bad(() -> new RmsProp(1.1, 1e-8, 0, false), "rho must be in [0, 1], got 1.1"),
                bad(() -> new RmsProp(0.9, -1e-8, 0, false), "eps must be finite and >= 0, got -1.0E-8"),
                bad(() -> new RmsProp(0.9, 1e-8, -0.5, false), "momentum must be finite and >= 0, got -0.5"),
                bad(() -> new Adam(1.2, 0.999, 1e-8, false), "beta1 must be in [0, 1), got 1.2"),
                bad(() -> new Adam(0.9, 1.0, 1e-8, false), "beta2 must be in [0, 1), got 1.0"),
                bad(
                        () -> new Adam(0.9, 0.999, Double.POSITIVE_INFINITY, false),
                        "eps must be finite and >= 0, got Infinity"),
                bad(() -> new AdamW(0.9, 0.999, 1e-8, -0.01, false), "weightDecay must be finite and >= 0, got -0.01"),
                bad(() -> new AdamW(-0.1, 0.999, 1e-8, 0.01, false), "beta1 must be in [0, 1), got -0.1"),
                bad(() -> new Adamax(0.9, Double.NaN, 1e-8), "beta2 must be in [0, 1), got NaN"),
                bad(() -> new Nadam(0.9, 0.999, 1e-8, -0.004), "momentumDecay must be finite and >= 0, got -0.004"),
                bad(() -> GradientClipping.byGlobalNorm(0), "maxNorm must be finite and > 0, got 0.0"),
                bad(() -> GradientClipping.byValue(-1), "maxValue must be finite and > 0, got -1.0"));
    }

    private static Arguments bad(Executable construction, String message) {
        return Arguments.of(message, construction);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void constructorsNameTheBadValueAndTheExpectedRange(String message, Executable construction) {
        assertThatThrownBy(construction::execute)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
