package dev.eddy.core.train;

/**
 * The outcome of one {@link Trainer#step}.
 *
 * @param loss the mini-batch loss before the update, penalties included (may be non-finite; NaN for a skipped
 *     step)
 * @param gradientNorm the global gradient norm √(Σ g²) before clipping (0 for a skipped step: nothing was computed)
 * @param learningRate the rate the update used (after a non-finite step: the reduced rate now in force)
 * @param nonFinite the loss or the gradient was NaN/Inf: the update was skipped, the last good state
 *     kept and the learning rate multiplied by {@code nonfinite.lr-factor}
 * @param step optimizer updates made so far, this one included
 * @param skipped the example weights summed to 0: no forward pass, no update, the rate unchanged (not a non-finite
 *     step)
 */
public record StepResult(
        double loss, double gradientNorm, double learningRate, boolean nonFinite, long step, boolean skipped) {

    /** A step that was not skipped for its weights. */
    public StepResult(double loss, double gradientNorm, double learningRate, boolean nonFinite, long step) {
        this(loss, gradientNorm, learningRate, nonFinite, step, false);
    }
}
