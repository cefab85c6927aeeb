package dev.eddy.core.prequential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClassificationScoreTest {

    /**
     * y = 1 1 0 1 0 0 1 1, ŷ = 1 0 0 1 1 0 1 0: p₀ = 5/8; marginals actual (3, 5), predicted (4, 4), so
     * p_e = 3/8·4/8 + 5/8·4/8 = 1/2 and κ = (5/8 − 1/2)/(1/2) = 1/4; no-change from class 0 is right at t = 1, 5, 7,
     * p_e' = 3/8 and κ_per = (5/8 − 3/8)/(5/8) = 2/5; the last four are ✗ ✓ ✓ ✗, window accuracy 1/2.
     */
    @Test
    void matchesHandComputedFiguresOnAShortSequence() {
        int[] actual = {1, 1, 0, 1, 0, 0, 1, 1};
        int[] predicted = {1, 0, 0, 1, 1, 0, 1, 0};
        ClassificationScore score = new ClassificationScore(2, 4);
        for (int t = 0; t < actual.length; t++) {
            score.add(actual[t], predicted[t]);
        }
        assertThat(score.examples()).isEqualTo(8);
        assertThat(score.accuracy()).isEqualTo(0.625);
        assertThat(score.kappa()).isCloseTo(0.25, within(1e-15));
        assertThat(score.kappaTemporal()).isCloseTo(0.4, within(1e-15));
        assertThat(score.windowAccuracy()).isEqualTo(0.5);
    }

    /**
     * The short sequence above with its classes 0 and 1 written as 99,998 and 99,999 of 100,000 classes (an integer
     * column read as class indices): the same figures, from per-class totals (a K × K matrix would be 10¹⁰ counts).
     */
    @Test
    void manyClassesCostMemoryByTheClassesNotTheirSquare() {
        int[] actual = {1, 1, 0, 1, 0, 0, 1, 1};
        int[] predicted = {1, 0, 0, 1, 1, 0, 1, 0};
        int classes = 100_000;
        ClassificationScore score = new ClassificationScore(classes, 4);
        for (int t = 0; t < actual.length; t++) {
            score.add(classes - 2 + actual[t], classes - 2 + predicted[t]);
        }
        assertThat(score.accuracy()).isEqualTo(0.625);
        assertThat(score.kappa()).isCloseTo(0.25, within(1e-15));
        assertThat(score.kappaTemporal()).isCloseTo(0.4, within(1e-15));
    }

    @Test
    void theNoChangeClassifierHasKappaTemporalZero() {
        SplittableRandom random = new SplittableRandom(7);
        ClassificationScore score = new ClassificationScore(3, 100);
        Baseline noChange = Baseline.classification("no-change", 3);
        for (int t = 0; t < 5_000; t++) {
            int y = random.nextInt(10) < 8 ? (t / 50) % 3 : random.nextInt(3);
            score.add(y, (int) noChange.predict());
            noChange.learn(y);
        }
        assertThat(score.kappaTemporal()).isEqualTo(0.0);
        assertThat(score.accuracy()).isGreaterThan(0.7); // autocorrelated: the case kappa-temporal is for
    }

    @Test
    void aPerfectClassifierHasKappaOneAndUndefinedFiguresAreNaN() {
        ClassificationScore score = new ClassificationScore(2, 10);
        assertThat(score.accuracy()).isNaN();
        assertThat(score.kappa()).isNaN();
        assertThat(score.kappaTemporal()).isNaN();
        assertThat(score.windowAccuracy()).isNaN();
        score.add(0, 0);
        // one class seen, all predicted right: p_e = 1 and p_e' = 1, kappa undefined
        assertThat(score.kappa()).isNaN();
        assertThat(score.kappaTemporal()).isNaN();
        score.add(1, 1);
        score.add(0, 0);
        assertThat(score.kappa()).isEqualTo(1.0);
        assertThat(score.kappaTemporal()).isEqualTo(1.0);
    }

    @Test
    void refusesClassesOutOfRange() {
        ClassificationScore score = new ClassificationScore(2, 10);
        assertThatThrownBy(() -> score.add(2, 0)).hasMessage("classes must be in [0, 2), got actual 2 and predicted 0");
    }

    @Test
    void majorityPredictsTheMostFrequentClassWithTiesToTheLowestIndex() {
        Baseline majority = Baseline.classification("majority", 3);
        assertThat(majority.predict()).isEqualTo(0);
        majority.learn(2);
        assertThat(majority.predict()).isEqualTo(2);
        majority.learn(1);
        assertThat(majority.predict()).isEqualTo(1); // 1 and 2 tie: the lower index
        majority.learn(2);
        assertThat(majority.predict()).isEqualTo(2);
        assertThatThrownBy(() -> Baseline.classification("mean", 2))
                .hasMessage("unknown classification baseline 'mean', expected majority or no-change");
    }

    @Test
    void regressionBaselinesAndErrors() {
        Baseline mean = Baseline.regression("mean");
        Baseline previous = Baseline.regression("previous");
        RegressionScore meanScore = new RegressionScore(2);
        RegressionScore previousScore = new RegressionScore(2);
        for (double y : new double[] {2, 4, 0}) {
            meanScore.add(y, mean.predict());
            previousScore.add(y, previous.predict());
            mean.learn(y);
            previous.learn(y);
        }
        // mean predicts 0, 2, 3: errors 2, 2, 3; previous predicts 0, 2, 4: errors 2, 2, 4
        assertThat(meanScore.mae()).isCloseTo(7.0 / 3, within(1e-15));
        assertThat(meanScore.rmse()).isCloseTo(Math.sqrt(17.0 / 3), within(1e-15));
        assertThat(previousScore.mae()).isCloseTo(8.0 / 3, within(1e-15));
        assertThat(previousScore.windowRmse()).isCloseTo(Math.sqrt(10), within(1e-15));
    }

    @Test
    void aNaNPredictionIsTheWorstErrorAndLeavesTheWindowLikeAnyOther() {
        RegressionScore score = new RegressionScore(2);
        score.add(1, 2);
        score.add(1, Double.NaN); // a diverged network's ∞ − ∞
        assertThat(score.mae()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(score.rmse()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(score.windowRmse()).isEqualTo(Double.POSITIVE_INFINITY);
        score.add(1, 4);
        score.add(1, 1); // the window holds the errors 3 and 0 again
        assertThat(score.windowRmse()).isEqualTo(Math.sqrt(4.5));
        assertThat(score.rmse()).as("since the start").isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(RegressionScore.squaredError(Double.NEGATIVE_INFINITY, 1)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(RegressionScore.squaredError(-1e200, 1)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(RegressionScore.squaredError(-0.5, 1)).isEqualTo(2.25);
    }
}
