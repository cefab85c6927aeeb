package dev.eddy.core.schedule;

import dev.eddy.core.optim.HyperParameters;

/**
 * torch {@code OneCycleLR(anneal_strategy='linear', three_phase=True)}: warm up linearly from
 * lr_init to maxLr, come back down to lr_init symmetrically, then anneal to lr_min.
 *
 * <pre>
 * lr_init = maxLr / divFactor,  lr_min = lr_init / finalDivFactor
 * e1 = pctStart·totalSteps − 1,  e2 = 2·pctStart·totalSteps − 2,  e3 = totalSteps − 1
 * phase 1 (t ≤ e1):       [0, e1]  lr_init → maxLr
 * phase 2 (e1 &lt; t ≤ e2): [e1, e2] maxLr → lr_init
 * phase 3 (t &gt; e2):       [e2, e3] lr_init → lr_min
 * lr(t) = (to − from)·(t − start)/(end − start) + from
 * </pre>
 *
 * After the cycle (t &gt; e3) the rate stays at lr_min (torch raises an error there instead), so a
 * continuously running trainer keeps a well-defined rate.
 */
public final class OneCycle implements LearningRateSchedule {

    private final double maxLr;
    private final long totalSteps;
    private final double pctStart;
    private final double divFactor;
    private final double finalDivFactor;
    private final double lrInit;
    private final double lrMin;
    private final double e1;
    private final double e2;
    private final double e3;

    /**
     * @param maxLr peak rate, &gt; 0
     * @param totalSteps length of the cycle in updates, ≥ 1
     * @param pctStart fraction of the cycle spent warming up, in (0, 1), with pctStart·totalSteps ≠ 1
     *     (that would make the first phase empty and its slope 0/0)
     * @param divFactor lr_init = maxLr / divFactor, &gt; 0 (torch default 25)
     * @param finalDivFactor lr_min = lr_init / finalDivFactor, &gt; 0 (torch default 1e4)
     */
    public OneCycle(double maxLr, long totalSteps, double pctStart, double divFactor, double finalDivFactor) {
        this.maxLr = HyperParameters.positive("maxLr", maxLr);
        this.totalSteps = HyperParameters.positive("totalSteps", totalSteps);
        if (!(pctStart > 0 && pctStart < 1)) {
            throw new IllegalArgumentException("pctStart must be in (0, 1), got " + pctStart);
        }
        this.pctStart = pctStart;
        this.divFactor = HyperParameters.positive("divFactor", divFactor);
        this.finalDivFactor = HyperParameters.positive("finalDivFactor", finalDivFactor);
        lrInit = maxLr / divFactor;
        lrMin = lrInit / finalDivFactor;
        e1 = pctStart * totalSteps - 1;
        e2 = 2 * pctStart * totalSteps - 2;
        e3 = totalSteps - 1;
        if (e1 == 0) {
            throw new IllegalArgumentException(
                    "pctStart * totalSteps must not be 1 (empty warm-up phase), got " + pctStart + " * " + totalSteps);
        }
    }

    @Override
    public double rate(long t) {
        double step = t;
        if (step <= e1) {
            return anneal(lrInit, maxLr, step, 0, e1);
        }
        if (step <= e2) {
            return anneal(maxLr, lrInit, step, e1, e2);
        }
        if (step <= e3) {
            return anneal(lrInit, lrMin, step, e2, e3);
        }
        return lrMin;
    }

    /** torch {@code _annealing_linear}: (to − from)·pct + from, pct = (t − start)/(end − start). */
    private static double anneal(double from, double to, double t, double start, double end) {
        double pct = (t - start) / (end - start);
        return (to - from) * pct + from;
    }

    public double maxLr() {
        return maxLr;
    }

    public long totalSteps() {
        return totalSteps;
    }

    public double pctStart() {
        return pctStart;
    }

    public double divFactor() {
        return divFactor;
    }

    public double finalDivFactor() {
        return finalDivFactor;
    }
}
