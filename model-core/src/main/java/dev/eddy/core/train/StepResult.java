package dev.eddy.core.train;

/**
 * The outcome of one {@link Trainer#step}.
 *
 * @param loss the mini-batch loss before the update, penalties included (may be non-finite)
 * @param gradientNorm the global gradient norm √(Σ g²) before clipping
 * @param learningRate the rate the update used (after a non-finite step: the reduced rate now in force)
 * @param nonFinite the loss or the gradient was NaN/Inf: the update was skipped, the last good state
 *     kept and the learning rate multiplied by {@code nonfinite.lr-factor}
 * @param step optimizer updates made so far, this one included
 */
public record StepResult(double loss, double gradientNorm, double learningRate, boolean nonFinite, long step) {}
