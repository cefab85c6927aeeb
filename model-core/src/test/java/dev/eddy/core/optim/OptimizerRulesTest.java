package dev.eddy.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * First and second updates of every rule on a one-element parameter, against values derived by hand
 * from the formulas of golden README §5.4 (the first step of the adaptive rules reduces to closed
 * forms such as θ − lr·g/(|g| + ε), which the production code never computes directly).
 */
class OptimizerRulesTest {

    private static final double THETA = 0.5;
    private static final double G1 = 0.3;
    private static final double G2 = -0.7;
    private static final double LR = 0.1;
    private static final double TOL = 1e-15;

    /** Runs the optimizer on θ = 0.5 with gradients g1 then g2 and returns θ after each step. */
    private static double[] twoSteps(Optimizer optimizer) {
        Parameter p = new Parameter("w", new double[] {THETA}, new double[] {G1});
        optimizer.step(List.of(p), LR);
        double after1 = p.value()[0];
        p.grad()[0] = G2;
        optimizer.step(List.of(p), LR);
        return new double[] {after1, p.value()[0]};
    }

    @Test
    void sgdWithoutMomentumIsGradientDescent() {
        double[] theta = twoSteps(new Sgd());
        assertThat(theta[0]).isCloseTo(0.5 - 0.1 * 0.3, within(TOL));
        assertThat(theta[1]).isCloseTo(0.5 - 0.1 * 0.3 + 0.1 * 0.7, within(TOL));
    }

    @Test
    void sgdMomentumStartsTheBufferAtTheFirstGradientWithoutDampening() {
        double[] theta = twoSteps(new Sgd(0.9, 0.1, false));
        double step1 = 0.5 - 0.1 * 0.3; // buf = g1, no dampening on the first step
        double buf2 = 0.9 * 0.3 + 0.9 * -0.7; // μ·buf + (1 − dampening)·g2
        assertThat(theta[0]).isCloseTo(step1, within(TOL));
        assertThat(theta[1]).isCloseTo(step1 - 0.1 * buf2, within(TOL));
    }

    @Test
    void sgdNesterovLooksAheadAlongTheBuffer() {
        double[] theta = twoSteps(new Sgd(0.9, 0, true));
        double step1 = 0.5 - 0.1 * (0.3 + 0.9 * 0.3);
        double buf2 = 0.9 * 0.3 - 0.7;
        assertThat(theta[0]).isCloseTo(step1, within(TOL));
        assertThat(theta[1]).isCloseTo(step1 - 0.1 * (-0.7 + 0.9 * buf2), within(TOL));
    }

    @Test
    void adagradAccumulatesSquaresFromTheInitialValueAndDecaysTheRate() {
        double eps = 1e-10;
        double[] theta = twoSteps(new Adagrad(0.5, 0.1, eps));
        double s1 = 0.1 + 0.09;
        double s2 = s1 + 0.49;
        double step1 = 0.5 - 0.1 * 0.3 / (Math.sqrt(s1) + eps);
        assertThat(theta[0]).isCloseTo(step1, within(TOL));
        assertThat(theta[1]).isCloseTo(step1 - 0.1 / 1.5 * -0.7 / (Math.sqrt(s2) + eps), within(TOL));
    }

    @Test
    void rmsPropFirstStepDividesByTheScaledGradientMagnitude() {
        double eps = 1e-8;
        double[] theta = twoSteps(new RmsProp(0.9, eps, 0, false));
        double v2 = 0.9 * 0.1 * 0.09 + 0.1 * 0.49;
        double step1 = 0.5 - 0.1 * 0.3 / (Math.sqrt(0.1) * 0.3 + eps);
        assertThat(theta[0]).isCloseTo(step1, within(TOL));
        assertThat(theta[1]).isCloseTo(step1 + 0.1 * 0.7 / (Math.sqrt(v2) + eps), within(TOL));
    }

    @Test
    void rmsPropCenteredSubtractsTheSquaredMeanGradient() {
        double eps = 1e-8;
        double[] theta = twoSteps(new RmsProp(0.9, eps, 0, true));
        // v − a² = (1 − ρ)g² − (1 − ρ)²g² = ρ(1 − ρ)g² after one step
        double step1 = 0.5 - 0.1 * 0.3 / (Math.sqrt(0.9 * 0.1) * 0.3 + eps);
        double v2 = 0.9 * 0.009 + 0.1 * 0.49;
        double a2 = 0.9 * 0.03 - 0.07;
        assertThat(theta[0]).isCloseTo(step1, within(TOL));
        assertThat(theta[1]).isCloseTo(step1 + 0.1 * 0.7 / (Math.sqrt(v2 - a2 * a2) + eps), within(TOL));
    }

    @Test
    void rmsPropMomentumAccumulatesNormalizedGradients() {
        double eps = 1e-8;
        double[] theta = twoSteps(new RmsProp(0.9, eps, 0.5, false));
        double d1 = 0.3 / (Math.sqrt(0.1) * 0.3 + eps);
        double d2 = -0.7 / (Math.sqrt(0.9 * 0.009 + 0.1 * 0.49) + eps);
        assertThat(theta[0]).isCloseTo(0.5 - 0.1 * d1, within(TOL));
        assertThat(theta[1]).isCloseTo(0.5 - 0.1 * d1 - 0.1 * (0.5 * d1 + d2), within(TOL));
    }

    @Test
    void adamFirstStepIsRateTimesSignOfGradientUpToEps() {
        double eps = 1e-8;
        double[] theta = twoSteps(new Adam(0.9, 0.999, eps, false));
        double step1 = 0.5 - 0.1 * 0.3 / (0.3 + eps);
        double m2 = 0.9 * 0.03 + 0.1 * -0.7;
        double v2 = 0.999 * 0.001 * 0.09 + 0.001 * 0.49;
        double expected2 = step1 - 0.1 / (1 - 0.81) * m2 / (Math.sqrt(v2) / Math.sqrt(1 - 0.999 * 0.999) + eps);
        assertThat(theta[0]).isCloseTo(step1, within(TOL));
        assertThat(theta[1]).isCloseTo(expected2, within(1e-14));
    }

    @Test
    void amsgradUsesTheRunningMaximumOfTheSecondMoment() {
        double eps = 1e-8;
        // g2 small so that v decreases and vmax keeps the first step's v
        Parameter p = new Parameter("w", new double[] {0.5}, new double[] {0.3});
        Adam amsgrad = new Adam(0.9, 0.9, eps, true);
        amsgrad.step(List.of(p), 0.1);
        p.grad()[0] = 0.01;
        amsgrad.step(List.of(p), 0.1);
        double vmax = 0.1 * 0.09; // v1 > v2 = 0.9·v1 + 0.1·1e-4
        double m2 = 0.9 * 0.03 + 0.1 * 0.01;
        double expected = 0.5 - 0.1 * 0.3 / (0.3 + eps) - 0.1 / 0.19 * m2 / (Math.sqrt(vmax) / Math.sqrt(0.19) + eps);
        assertThat(p.value()[0]).isCloseTo(expected, within(1e-14));
    }

    @Test
    void adamKeepsTheBitsOfItsFormulaPastTheStepWhereTheSecondCorrectionRoundsToOne() {
        // after about 37k steps √(1 − β2^t) rounds to 1 and Adam skips that division: same bits
        for (boolean ams : new boolean[] {false, true}) {
            Adam adam = new Adam(0.9, 0.999, 1e-8, ams);
            Parameter p = new Parameter("w", new double[] {0.5, -0.25}, new double[2]);
            double[] theta = {0.5, -0.25};
            double[] m = new double[2];
            double[] v = new double[2];
            double[] vmax = new double[2];
            for (int t = 1; t <= 40_000; t++) {
                for (int j = 0; j < 2; j++) {
                    double g = Math.sin(0.01 * t + j) * (t % 7 == 0 ? 0.0 : 1e-3);
                    p.grad()[j] = g;
                    m[j] = 0.9 * m[j] + (1 - 0.9) * g;
                    v[j] = 0.999 * v[j] + (1 - 0.999) * g * g;
                    vmax[j] = Math.max(vmax[j], v[j]);
                    double w = ams ? vmax[j] : v[j];
                    double stepSize = 1e-3 / (1 - Powers.integer(0.9, t));
                    theta[j] -= stepSize * (m[j] / (Math.sqrt(w) / Math.sqrt(1 - Powers.integer(0.999, t)) + 1e-8));
                }
                adam.step(List.of(p), 1e-3);
            }
            assertThat(Math.sqrt(1 - Powers.integer(0.999, 40_000))).isEqualTo(1.0);
            assertThat(p.value()).as("amsgrad %s", ams).isEqualTo(theta);
        }
    }

    @Test
    void adamWDecaysTheParameterBeforeTheAdamRule() {
        double eps = 1e-8;
        double[] theta = twoSteps(new AdamW(0.9, 0.999, eps, 0.2, false));
        assertThat(theta[0]).isCloseTo(0.5 * (1 - 0.1 * 0.2) - 0.1 * 0.3 / (0.3 + eps), within(TOL));
        double[] adam = twoSteps(new Adam(0.9, 0.999, eps, false));
        double adamStep2 = adam[1] - adam[0];
        assertThat(theta[1]).isCloseTo(theta[0] * 0.98 + adamStep2, within(1e-14));
    }

    @Test
    void adamaxNormalizesByTheDecayedMaximumPlusEps() {
        double eps = 1e-8;
        double[] theta = twoSteps(new Adamax(0.9, 0.999, eps));
        double step1 = 0.5 - 0.1 * 0.3 / (0.3 + eps);
        double m2 = 0.9 * 0.03 - 0.07;
        double u2 = Math.max(0.999 * (0.3 + eps), 0.7 + eps);
        assertThat(theta[0]).isCloseTo(step1, within(TOL));
        assertThat(theta[1]).isCloseTo(step1 - 0.1 / 0.19 * m2 / u2, within(TOL));
    }

    @Test
    void nadamCombinesGradientAndLookAheadMomentumWithTheMuProduct() {
        double eps = 1e-8;
        double psi = 0.004;
        double[] theta = twoSteps(new Nadam(0.9, 0.999, eps, psi));
        double mu1 = 0.9 * (1 - 0.5 * Math.pow(0.96, psi));
        double mu2 = 0.9 * (1 - 0.5 * Math.pow(0.96, 2 * psi));
        double mu3 = 0.9 * (1 - 0.5 * Math.pow(0.96, 3 * psi));
        double denom1 = 0.3 + eps; // √(v/(1 − β2)) = |g| on the first step
        double step1 = 0.5 - 0.1 * 0.3 / denom1 - 0.1 * mu2 / (1 - mu1 * mu2) * 0.1 * 0.3 / denom1;
        double m2 = 0.9 * 0.03 - 0.07;
        double v2 = 0.999 * 0.001 * 0.09 + 0.001 * 0.49;
        double denom2 = Math.sqrt(v2 / (1 - 0.999 * 0.999)) + eps;
        double pi2 = mu1 * mu2;
        double step2 = step1 - 0.1 * (1 - mu2) / (1 - pi2) * -0.7 / denom2 - 0.1 * mu3 / (1 - pi2 * mu3) * m2 / denom2;
        assertThat(theta[0]).isCloseTo(step1, within(TOL));
        assertThat(theta[1]).isCloseTo(step2, within(1e-14));
    }

    @Test
    void everyRuleUpdatesEachParameterTensorElementwise() {
        for (Optimizer optimizer : Optimizers.all()) {
            Parameter kernel = new Parameter("k", new double[] {0.5, 0.5}, new double[] {0.3, 0.3});
            Parameter bias = new Parameter("b", new double[] {0.5}, new double[] {0.3});
            optimizer.step(List.of(kernel, bias), LR);
            assertThat(kernel.value()[0]).as(optimizer.name()).isEqualTo(bias.value()[0]);
            assertThat(kernel.value()[1]).as(optimizer.name()).isEqualTo(bias.value()[0]);
            assertThat(bias.value()[0]).as(optimizer.name()).isLessThan(0.5);
            assertThat(optimizer.iterations()).isEqualTo(1);
        }
    }
}
