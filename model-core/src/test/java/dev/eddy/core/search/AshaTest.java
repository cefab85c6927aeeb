package dev.eddy.core.search;

import static dev.eddy.core.search.Asha.Action.COMPLETE;
import static dev.eddy.core.search.Asha.Action.CONTINUE;
import static dev.eddy.core.search.Asha.Action.PROMOTE;
import static dev.eddy.core.search.Asha.Action.PRUNE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.eddy.core.init.Xoshiro256;
import dev.eddy.core.search.Asha.Decision;
import dev.eddy.core.search.Asha.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AshaTest {

    /** η = 2, rungs at 100 and 200 examples, max 400. */
    private static final AshaConfig SMALL = new AshaConfig(100, 400, 2);

    private static Decision d(int trial, Asha.Action action, int rung) {
        return new Decision(trial, action, rung);
    }

    /**
     * Worked by hand with the rule promotable_k = top(rung k, ⌊n_k/η⌋) not yet promoted, η = 2, larger is better:
     *
     * <pre>
     *   report           rung 0 after (rank order)     ⌊n/2⌋  decisions
     *   t0 @100 0.8      t0                              0     t0 paused
     *   t1 @100 0.5      t0 t1                           1     t1 paused, t0 promoted (resumed)
     *   t2 @100 0.9      t2 t0 t1                        1     t2 promoted (t2 is the top 1, not yet promoted)
     *   t3 @100 0.7      t2 t0 t3 t1                     2     t3 paused (top 2 = t2, t0, both promoted)
     *   t0 @150 0.6      -                                     continue (between rungs)
     *   t0 @200 0.85     rung 1: t0                      0     t0 paused
     *   t2 @200 0.95     rung 1: t2 t0                   1     t2 promoted
     *   t2 @400 0.97     -                                     t2 complete (max reached after the last rung)
     *   t2 @900 0.98     -                                     continue
     * </pre>
     */
    @Test
    void handWorkedSequence() {
        Asha asha = new Asha(SMALL, 4, true, 0);
        assertArrayEquals(new long[] {100, 200}, asha.rungs());
        assertEquals(List.of(d(0, PRUNE, 0)), asha.report(0, 100, 0.8));
        assertEquals(OptionalLong.empty(), asha.nextMilestone(0));
        assertEquals(List.of(d(1, PRUNE, 0), d(0, PROMOTE, 0)), asha.report(1, 100, 0.5));
        assertEquals(OptionalLong.of(200), asha.nextMilestone(0));
        assertEquals(List.of(d(2, PROMOTE, 0)), asha.report(2, 100, 0.9));
        assertEquals(List.of(d(3, PRUNE, 0)), asha.report(3, 100, 0.7));
        assertEquals(List.of(d(0, CONTINUE, 0)), asha.report(0, 150, 0.6));
        assertEquals(List.of(d(0, PRUNE, 1)), asha.report(0, 200, 0.85));
        assertEquals(List.of(d(2, PROMOTE, 1)), asha.report(2, 200, 0.95));
        assertEquals(OptionalLong.of(400), asha.nextMilestone(2));
        assertEquals(List.of(d(2, COMPLETE, 2)), asha.report(2, 400, 0.97));
        assertEquals(List.of(d(2, CONTINUE, 1)), asha.report(2, 900, 0.98));
        assertEquals(
                List.of(Status.PAUSED, Status.PAUSED, Status.COMPLETED, Status.PAUSED),
                List.of(asha.status(0), asha.status(1), asha.status(2), asha.status(3)));
        assertEquals(1, asha.rung(0));
        assertEquals(0, asha.rung(1));
        IllegalStateException paused = assertThrows(IllegalStateException.class, () -> asha.report(1, 200, 0.9));
        assertTrue(paused.getMessage().startsWith("trial 1 is paused at rung 0"), paused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> asha.report(4, 100, 0.9));
        assertThrows(IllegalArgumentException.class, () -> asha.report(2, 800, 0.9));
    }

    @Test
    void smallerIsBetterWhenMinimizing() {
        Asha asha = new Asha(SMALL, 2, false, 0);
        assertEquals(List.of(d(0, PRUNE, 0)), asha.report(0, 100, 0.8));
        assertEquals(List.of(d(1, PROMOTE, 0)), asha.report(1, 100, 0.5));
    }

    @Test
    void tiesGoToTheEarlierArrivalAndNanRanksLast() {
        Asha ties = new Asha(SMALL, 2, true, 0);
        ties.report(0, 100, 0.5);
        assertEquals(List.of(d(1, PRUNE, 0), d(0, PROMOTE, 0)), ties.report(1, 100, 0.5));
        for (boolean maximize : new boolean[] {true, false}) {
            Asha nan = new Asha(SMALL, 2, maximize, 0);
            nan.report(0, 100, Double.NaN);
            assertEquals(List.of(d(1, PROMOTE, 0)), nan.report(1, 100, 1e300));
        }
    }

    /**
     * With a margin of 0.05, η = 2, larger is better: the top ⌊n/2⌋ and every trial less than 0.05 below its last.
     *
     * <pre>
     *   report           rung 0 (rank order)     ⌊n/2⌋  last of top  decisions
     *   t0 @100 0.80     t0                        0      -          t0 paused (nothing is promoted before ⌊n/2⌋ ≥ 1)
     *   t1 @100 0.78     t0 t1                     1      0.80       t1 promoted (0.02 below), t0 promoted (resumed)
     *   t2 @100 0.74     t0 t1 t2                  1      0.80       t2 paused (0.06 below)
     *   t3 @100 0.90     t3 t0 t1 t2               2      0.80       t3 promoted (top)
     * </pre>
     *
     * With margin 0 the same reports promote t0 and t3 only (the paper's rule); when minimizing the margin mirrors.
     */
    @Test
    void trialsLessThanTheMarginBelowTheTopArePromotedWithIt() {
        Asha asha = new Asha(SMALL, 4, true, 0.05);
        assertEquals(List.of(d(0, PRUNE, 0)), asha.report(0, 100, 0.80));
        assertEquals(List.of(d(1, PROMOTE, 0), d(0, PROMOTE, 0)), asha.report(1, 100, 0.78));
        assertEquals(List.of(d(2, PRUNE, 0)), asha.report(2, 100, 0.74));
        assertEquals(List.of(d(3, PROMOTE, 0)), asha.report(3, 100, 0.90));

        Asha paper = new Asha(SMALL, 4, true, 0);
        paper.report(0, 100, 0.80);
        assertEquals(List.of(d(1, PRUNE, 0), d(0, PROMOTE, 0)), paper.report(1, 100, 0.78));

        Asha minimizing = new Asha(SMALL, 4, false, 0.05);
        minimizing.report(0, 100, 0.20);
        assertEquals(List.of(d(1, PROMOTE, 0), d(0, PROMOTE, 0)), minimizing.report(1, 100, 0.22));
        assertEquals(List.of(d(2, PRUNE, 0)), minimizing.report(2, 100, 0.26));
        // ⌊4/2⌋ = 2: the top's last is now t1 (0.22), and t2 is 0.04 above it; NaN never ties
        assertEquals(List.of(d(3, PRUNE, 0), d(2, PROMOTE, 0)), minimizing.report(3, 100, Double.NaN));

        assertThrows(IllegalArgumentException.class, () -> new Asha(SMALL, 4, true, -0.01));
        assertThrows(IllegalArgumentException.class, () -> new Asha(SMALL, 4, true, Double.NaN));
    }

    @Test
    void aReportPastSeveralRungsIsRecordedInTheNextOnly() {
        Asha asha = new Asha(SMALL, 2, true, 0);
        asha.report(0, 100, 0.1);
        assertEquals(List.of(d(1, PROMOTE, 0)), asha.report(1, 350, 0.9));
        // alone at rung 1 and nobody left to arrive: paused, then promoted by the closed rung
        assertEquals(List.of(d(1, PRUNE, 1), d(1, PROMOTE, 1)), asha.report(1, 350, 0.9));
    }

    /** One report: the trial, its examples and its metric. */
    private record Report(int trial, long examples, double metric) {}

    /**
     * A stream of 16 trials at η = 4 (rungs 10, 40, 160, max 640): each running trial trains one example per tick
     * and reports at its next milestone a metric around its own quality. Returns the reports in order.
     */
    private static List<Report> simulate(Asha asha, long seed, List<List<Decision>> decisions) {
        Xoshiro256 rng = new Xoshiro256(seed);
        int n = asha.trials();
        double[] quality = new double[n];
        for (int t = 0; t < n; t++) {
            quality[t] = rng.nextDouble();
        }
        long[] trained = new long[n];
        List<Report> reports = new ArrayList<>();
        for (int tick = 0; tick < 3_000; tick++) {
            for (int t = 0; t < n; t++) {
                if (asha.status(t) == Status.PAUSED) {
                    continue;
                }
                trained[t]++;
                OptionalLong next = asha.nextMilestone(t);
                if (next.isPresent() && trained[t] == next.getAsLong()) {
                    Report r = new Report(t, trained[t], quality[t] + 0.2 * rng.nextDouble());
                    reports.add(r);
                    decisions.add(asha.report(r.trial, r.examples, r.metric));
                }
            }
        }
        return reports;
    }

    /**
     * At each rung at least ⌊n_k/η⌋ of the n_k arrivals are promoted (more when a later arrival outranks a trial
     * promoted earlier: the paper's asynchronous promotions), every promoted trial arrives at the next rung, each
     * arrival gets exactly one PROMOTE or PRUNE for itself, and the final top-1 of rung 0 was promoted.
     */
    @Test
    void everyRungPromotesAtLeastItsTopOneEta() {
        Asha asha = new Asha(new AshaConfig(10, 640, 4), 16, true, 0);
        List<List<Decision>> decisions = new ArrayList<>();
        List<Report> reports = simulate(asha, 7, decisions);
        int[] arrivals = new int[3];
        int[] promotions = new int[3];
        for (int i = 0; i < reports.size(); i++) {
            Decision own = decisions.get(i).get(0);
            assertEquals(reports.get(i).trial(), own.trial());
            if (own.action() == PROMOTE || own.action() == PRUNE) {
                arrivals[own.rung()]++;
            }
            for (Decision d : decisions.get(i)) {
                if (d.action() == PROMOTE) {
                    promotions[d.rung()]++;
                }
            }
        }
        assertEquals(16, arrivals[0]);
        for (int k = 0; k < 3; k++) {
            assertTrue(promotions[k] >= arrivals[k] / 4, "rung " + k);
            if (k < 2) {
                assertEquals(promotions[k], arrivals[k + 1], "rung " + k);
            }
        }
        Report best = reports.stream()
                .filter(r -> r.examples() == 10)
                .max((a, b) -> Double.compare(a.metric(), b.metric()))
                .orElseThrow();
        assertTrue(asha.rung(best.trial()) >= 1);
    }

    /** Also with a margin of indifference, which widens the promotions (the margin is configuration, not state). */
    @ParameterizedTest
    @ValueSource(doubles = {0, 0.05})
    void deterministicAndRestoresMidSequence(double margin) throws IOException {
        AshaConfig config = new AshaConfig(10, 640, 2);
        Asha first = new Asha(config, 16, true, margin);
        List<List<Decision>> expected = new ArrayList<>();
        List<Report> reports = simulate(first, 11, expected);
        Asha second = new Asha(config, 16, true, margin);
        List<List<Decision>> again = new ArrayList<>();
        assertEquals(reports, simulate(second, 11, again));
        assertEquals(expected, again);
        assertArrayEquals(first.stateBytes(), second.stateBytes());
        assertTrue(expected.stream().flatMap(List::stream).anyMatch(d -> d.action() == COMPLETE));
        List<List<Decision>> paper = new ArrayList<>();
        simulate(new Asha(config, 16, true, 0), 11, paper);
        if (margin > 0) {
            assertTrue(promotions(expected) > promotions(paper), "the margin promotes more");
        }

        for (int cut = 0; cut <= reports.size(); cut += 7) {
            Asha before = new Asha(config, 16, true, margin);
            List<List<Decision>> replayed = new ArrayList<>();
            for (Report r : reports.subList(0, cut)) {
                replayed.add(before.report(r.trial, r.examples, r.metric));
            }
            Asha after = new Asha(config, 16, true, margin);
            after.loadState(before.stateBytes());
            for (Report r : reports.subList(cut, reports.size())) {
                replayed.add(after.report(r.trial, r.examples, r.metric));
            }
            assertEquals(expected, replayed, "cut at report " + cut);
            assertArrayEquals(first.stateBytes(), after.stateBytes());
        }
    }

    private static long promotions(List<List<Decision>> decisions) {
        return decisions.stream()
                .flatMap(List::stream)
                .filter(d -> d.action() == PROMOTE)
                .count();
    }

    @Test
    void refusesAnotherSearchsState() {
        byte[] state = new Asha(SMALL, 4, true, 0).stateBytes();
        IOException eta = assertThrows(
                IOException.class, () -> new Asha(new AshaConfig(100, 400, 3), 4, true, 0).loadState(state));
        assertTrue(eta.getMessage().startsWith("the asha state is of search.asha.min-examples=100"), eta.getMessage());
        assertThrows(IOException.class, () -> new Asha(SMALL, 5, true, 0).loadState(state));
        assertThrows(IOException.class, () -> new Asha(SMALL, 4, false, 0).loadState(state));
        byte[] longer = Arrays.copyOf(state, state.length + 1);
        Asha asha = new Asha(SMALL, 4, true, 0);
        asha.report(0, 100, 0.5);
        byte[] before = asha.stateBytes();
        assertThrows(IOException.class, () -> asha.loadState(longer));
        assertArrayEquals(before, asha.stateBytes());
    }

    /**
     * 16 trials in lockstep (reporting in index order), η = 4, rungs 10, 40, 160, max 640, trial t has metric −t:
     * rung 0 ends with the top ⌊16/4⌋ = 4 promoted (0, 1, 2, 3), rung 1 with the top ⌊4/4⌋ = 1 (0, resumed when
     * trial 3 arrives); at rung 2 trial 0 arrives alone, ⌊1/4⌋ = 0 pauses it, and as no running trial is left to
     * arrive there the closed rung promotes its top ⌈1/4⌉ = 1: trial 0 again, which then completes and stays live.
     */
    @Test
    void aClosedRungPromotesItsTopSoTheSearchEndsWithALiveTrial() {
        Asha asha = new Asha(new AshaConfig(10, 640, 4), 16, true, 0);
        List<Decision> last = List.of();
        for (long examples : new long[] {10, 40, 160, 640}) {
            for (int t = 0; t < 16; t++) {
                if (asha.nextMilestone(t).equals(OptionalLong.of(examples))) {
                    last = asha.report(t, examples, -t);
                }
            }
            if (examples == 160) {
                assertEquals(List.of(d(0, PRUNE, 2), d(0, PROMOTE, 2)), last);
            }
            if (examples == 40) {
                assertEquals(List.of(d(3, PRUNE, 1), d(0, PROMOTE, 1)), last);
            }
        }
        assertEquals(List.of(d(0, COMPLETE, 3)), last);
        for (int t = 0; t < 16; t++) {
            assertEquals(t == 0 ? Status.COMPLETED : Status.PAUSED, asha.status(t), "trial " + t);
        }
        assertEquals(1, asha.rung(3));
        assertEquals(0, asha.rung(4));
    }
}
