package dev.eddy.report;

import java.util.List;
import java.util.Locale;

/**
 * A first diagnosis of a training run from its losses (Ng's rule of thumb: a high training loss means high bias,
 * underfitting; a large gap between training and holdout loss means high variance, overfitting).
 *
 * <pre>
 * L_train, L_holdout = means over the last {@value #WINDOW} evaluations
 * L_ref  = loss of a constant prediction: ln K for K-class cross-entropy (uniform probabilities),
 *          Var(y) for mean squared error (predicting the mean), given by the caller
 * bias     = L_train / L_ref                 high when ≥ {@value #HIGH_BIAS}
 * variance = (L_holdout − L_train) / L_ref   high when ≥ {@value #HIGH_VARIANCE}
 * </pre>
 *
 * The thresholds are deliberately coarse: the hint names the likelier problem and the numbers it is based on.
 *
 * @param trainLoss L_train
 * @param holdoutLoss L_holdout
 * @param referenceLoss L_ref
 * @param bias L_train / L_ref
 * @param variance (L_holdout − L_train) / L_ref
 * @param diagnosis one of {@code high bias}, {@code high variance}, {@code high bias and high variance}, {@code good
 *     fit}, or {@code not enough evaluations}
 * @param advice what to try, one sentence
 */
public record BiasVarianceHint(
        double trainLoss,
        double holdoutLoss,
        double referenceLoss,
        double bias,
        double variance,
        String diagnosis,
        String advice) {

    /** Evaluations averaged. */
    public static final int WINDOW = 5;
    /** bias at or above this is high: the model explains less than about ¾ of the constant predictor's loss. */
    public static final double HIGH_BIAS = 0.25;
    /** variance at or above this is high: the holdout loss exceeds the training loss by a tenth of L_ref. */
    public static final double HIGH_VARIANCE = 0.1;

    /**
     * @param points the run's evaluations, in order
     * @param referenceLoss L_ref &gt; 0 (see the class comment)
     */
    public static BiasVarianceHint of(List<TrainingPoint> points, double referenceLoss) {
        if (!(referenceLoss > 0) || Double.isInfinite(referenceLoss)) {
            throw new IllegalArgumentException("referenceLoss must be finite and > 0, got " + referenceLoss);
        }
        List<TrainingPoint> last = points.stream()
                .filter(p -> Double.isFinite(p.trainLoss()) && Double.isFinite(p.holdoutLoss()))
                .toList();
        last = last.subList(Math.max(0, last.size() - WINDOW), last.size());
        if (last.isEmpty()) {
            return new BiasVarianceHint(
                    Double.NaN,
                    Double.NaN,
                    referenceLoss,
                    Double.NaN,
                    Double.NaN,
                    "not enough evaluations",
                    "train longer: no evaluation had both a training and a holdout loss");
        }
        double train =
                last.stream().mapToDouble(TrainingPoint::trainLoss).average().orElseThrow();
        double holdout =
                last.stream().mapToDouble(TrainingPoint::holdoutLoss).average().orElseThrow();
        double bias = train / referenceLoss;
        double variance = (holdout - train) / referenceLoss;
        boolean highBias = bias >= HIGH_BIAS;
        boolean highVariance = variance >= HIGH_VARIANCE;
        String diagnosis;
        String advice;
        if (highBias && highVariance) {
            diagnosis = "high bias and high variance";
            advice = "more data or features first, then a larger network with regularization (l2, dropout)";
        } else if (highBias) {
            diagnosis = "high bias";
            advice = "a larger network, more steps or a higher learning rate (see eddy lr-find), less regularization;"
                    + " unless the labels themselves are noisy, which no model can fix";
        } else if (highVariance) {
            diagnosis = "high variance";
            advice = "more data, a smaller network, or regularization (l2, dropout); early stopping limits the damage";
        } else {
            diagnosis = "good fit";
            advice = "nothing obvious to change";
        }
        return new BiasVarianceHint(train, holdout, referenceLoss, bias, variance, diagnosis, advice);
    }

    /** One line with the numbers, e.g. {@code high variance: training loss 0.012 …}. */
    public String describe() {
        if (Double.isNaN(bias)) {
            return diagnosis + ": " + advice;
        }
        return String.format(
                Locale.ROOT,
                "%s: training loss %.4g = %.0f%% of the constant predictor's %.4g (high bias from %.0f%%), holdout"
                        + " loss %.4g, gap %.4g = %.0f%% of it (high variance from %.0f%%). Try: %s.",
                diagnosis,
                trainLoss,
                100 * bias,
                referenceLoss,
                100 * HIGH_BIAS,
                holdoutLoss,
                holdoutLoss - trainLoss,
                100 * variance,
                100 * HIGH_VARIANCE,
                advice);
    }
}
