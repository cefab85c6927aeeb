package dev.eddy.core.prune;

/**
 * When masks are recomputed and to which sparsity, as functions of the update count t (TFMOT's {@code
 * PolynomialDecay} and {@code ConstantSparsity}). With b = begin-step, e = end-step, f = frequency:
 *
 * <pre>
 * pruning step:  b ≤ t ≤ e  and  ((t − b) mod f = 0  or  t = e)          (constant without e: t ≥ b)
 * polynomial:    s_t = s_f + (s_i − s_f)·(1 − p)³,  p = min(1, (t − b)/(e − b))   (Zhu &amp; Gupta 2017, eq. 1)
 * constant:      s_t = s_f
 * </pre>
 *
 * TFMOT prunes only when (t − b) mod f = 0, so with e − b not a multiple of f it never reaches s_f; here t = e is a
 * pruning step too, so the target is always reached.
 */
public final class PruningSchedule {

    private final PruneConfig config;

    public PruningSchedule(PruneConfig config) {
        this.config = config;
    }

    /** Whether masks are recomputed after update t. */
    public boolean isPruningStep(long t) {
        long b = config.beginStep();
        if (t < b) {
            return false;
        }
        if (config.endStep().isPresent()) {
            long e = config.endStep().getAsLong();
            return t <= e && ((t - b) % config.frequency() == 0 || t == e);
        }
        return (t - b) % config.frequency() == 0;
    }

    /** s_t, the sparsity the masks take at pruning step t. */
    public double sparsity(long t) {
        if (config.schedule() == PruneConfig.Schedule.CONSTANT) {
            return config.targetSparsity();
        }
        long b = config.beginStep();
        long e = config.endStep().getAsLong();
        double p = Math.min(1.0, Math.max(0.0, (double) (t - b) / (e - b)));
        double remaining = 1 - p;
        return config.targetSparsity()
                + (config.initialSparsity() - config.targetSparsity()) * remaining * remaining * remaining;
    }
}
