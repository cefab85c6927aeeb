package dev.eddy.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.search.Asha.Action;
import dev.eddy.core.search.Asha.Decision;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Properties of {@link Pbt}: who exploits whom, the perturbation's bounds, determinism, restore mid-interval. */
class PbtPropertyTest {

    static final SearchSpace SPACE = SearchSpace.parse(Map.of(
            "search.space.layers", "|8:relu|16:relu,8:relu",
            "search.space.optimizer", "sgd|adam",
            "search.space.learning-rate", "loguniform(0.001,0.1)",
            "search.space.l2", "uniform(0,0.01)",
            "search.space.batch-size", "1|4|8|32",
            "search.space.eval-every", "int(10,50)"));

    static final int INTERVAL = 100;

    static Pbt pbt(int trials, double quantile, double resample, long seed, boolean maximize) {
        return new Pbt(new PbtConfig(INTERVAL, quantile, resample), SPACE, SPACE.sample(seed, trials), seed, maximize);
    }

    /** Metrics with ties and NaN. */
    static double[] metrics(SplittableRandom random, int n) {
        double[] m = new double[n];
        for (int t = 0; t < n; t++) {
            int kind = random.nextInt(10);
            m[t] = kind == 0 ? Double.NaN : kind == 1 ? 0.5 : random.nextDouble();
        }
        return m;
    }

    /** Reports every trial once, in a random order; returns the decisions of the round's last report. */
    static List<Decision> round(Pbt pbt, double[] metric, SplittableRandom random) {
        int n = pbt.trials();
        List<Integer> order = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            order.add(t);
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            order.set(i, order.set(j, order.get(i)));
        }
        List<Decision> last = List.of();
        for (int i = 0; i < n; i++) {
            int t = order.get(i);
            assertThat(pbt.nextMilestone(t)).isEqualTo(OptionalLong.of((long) pbt.round() * INTERVAL));
            last = pbt.report(t, (long) pbt.round() * INTERVAL, metric[t]);
            assertThat(last.get(0).trial())
                    .as("the reporting trial's decision first")
                    .isEqualTo(t);
            if (i < n - 1) {
                assertThat(last).containsExactly(new Decision(t, Action.CONTINUE, pbt.round() - 1));
                assertThat(pbt.nextMilestone(t)).isEmpty();
            }
        }
        return last;
    }

    /** Trials ranked better first, NaN last, ties to the lower index: the test's own ranking. */
    static List<Integer> ranked(double[] metric, boolean maximize) {
        List<Integer> order = new ArrayList<>();
        for (int t = 0; t < metric.length; t++) {
            order.add(t);
        }
        order.sort((a, b) -> {
            double x = metric[a];
            double y = metric[b];
            if (Double.isNaN(x) || Double.isNaN(y)) {
                return Boolean.compare(Double.isNaN(x), Double.isNaN(y));
            }
            return maximize ? Double.compare(y, x) : Double.compare(x, y);
        });
        return order;
    }

    static boolean sameShape(SortedMap<String, String> a, SortedMap<String, String> b) {
        return a.get("layers").equals(b.get("layers")) && a.get("optimizer").equals(b.get("optimizer"));
    }

    /**
     * Exactly the bottom k = min(⌈n·q⌉, ⌊n/2⌋) move; each copies a top-k trial of its layers and optimizer, or, when
     * the top has none, explores alone; the top keeps its configurations and every trial keeps its fixed keys.
     */
    @Property(tries = 200)
    void theBottomQuantileCopiesATopTrialOfItsShape(
            @ForAll @IntRange(min = 2, max = 24) int n,
            @ForAll @DoubleRange(min = 0.01, max = 0.5) double quantile,
            @ForAll boolean maximize,
            @ForAll long seed) {
        Pbt pbt = pbt(n, quantile, 0.25, seed, maximize);
        SplittableRandom random = new SplittableRandom(seed);
        for (int r = 0; r < 3; r++) {
            List<SortedMap<String, String>> before = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                before.add(pbt.config(t));
            }
            double[] metric = metrics(random, n);
            List<Decision> decisions = round(pbt, metric, random);
            List<Integer> order = ranked(metric, maximize);
            int k = (int) Math.min(Math.ceil(n * quantile), n / 2);
            assertThat(k).isPositive();
            Set<Integer> top = new HashSet<>(order.subList(0, k));
            Set<Integer> bottom = new HashSet<>(order.subList(n - k, n));
            Set<Integer> moved = new HashSet<>();
            for (Decision d : decisions) {
                assertThat(d.rung()).isEqualTo(r);
                if (d.action() == Action.CONTINUE) {
                    assertThat(bottom).doesNotContain(d.trial());
                    continue;
                }
                moved.add(d.trial());
                SortedMap<String, String> now = pbt.config(d.trial());
                assertThat(now.get("layers")).isEqualTo(before.get(d.trial()).get("layers"));
                assertThat(now.get("optimizer")).isEqualTo(before.get(d.trial()).get("optimizer"));
                boolean shapeInTop = top.stream().anyMatch(t -> sameShape(before.get(t), before.get(d.trial())));
                if (d.action() == Action.EXPLOIT) {
                    assertThat(top).contains(pbt.donor(d.trial()));
                    assertThat(sameShape(before.get(pbt.donor(d.trial())), before.get(d.trial())))
                            .isTrue();
                } else {
                    assertThat(d.action()).isEqualTo(Action.EXPLORE);
                    assertThat(shapeInTop)
                            .as("explores alone only without a top trial of its shape")
                            .isFalse();
                    assertThat(pbt.donor(d.trial())).isEqualTo(-1);
                }
                assertThat(shapeInTop).isEqualTo(d.action() == Action.EXPLOIT);
            }
            assertThat(moved).isEqualTo(bottom);
            for (int t : top) {
                assertThat(pbt.config(t)).isEqualTo(before.get(t));
            }
            assertThat(pbt.round()).isEqualTo(r + 2);
        }
    }

    /**
     * Without resampling, every numeric key of an exploiting trial is its donor's value times 0.8 or 1.2 (rounded
     * for int), clamped, or the neighbouring list entry; with resampling always, a draw from the space.
     */
    @Property(tries = 200)
    void perturbationsStayInTheSpaceAndMoveByTheFactor(
            @ForAll @IntRange(min = 2, max = 16) int n, @ForAll boolean alwaysResample, @ForAll long seed) {
        Pbt pbt = pbt(n, 0.5, alwaysResample ? 1 : 0, seed, true);
        SplittableRandom random = new SplittableRandom(seed);
        for (int r = 0; r < 3; r++) {
            List<SortedMap<String, String>> before = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                before.add(pbt.config(t));
            }
            for (Decision d : round(pbt, metrics(random, n), random)) {
                if (d.action() == Action.CONTINUE) {
                    continue;
                }
                SortedMap<String, String> parent =
                        before.get(d.action() == Action.EXPLOIT ? pbt.donor(d.trial()) : d.trial());
                SortedMap<String, String> child = pbt.config(d.trial());
                double lr = Double.parseDouble(child.get("learning-rate"));
                double l2 = Double.parseDouble(child.get("l2"));
                long every = Long.parseLong(child.get("eval-every"));
                List<String> batches = List.of("1", "4", "8", "32");
                assertThat(lr).isBetween(0.001, 0.1);
                assertThat(l2).isBetween(0.0, 0.01);
                assertThat(every).isBetween(10L, 50L);
                assertThat(batches).contains(child.get("batch-size"));
                if (alwaysResample) {
                    continue;
                }
                double parentLr = Double.parseDouble(parent.get("learning-rate"));
                assertThat(lr).isIn(clamp(parentLr * 0.8, 0.001, 0.1), clamp(parentLr * 1.2, 0.001, 0.1));
                double parentL2 = Double.parseDouble(parent.get("l2"));
                assertThat(l2).isIn(clamp(parentL2 * 0.8, 0, 0.01), clamp(parentL2 * 1.2, 0, 0.01));
                long parentEvery = Long.parseLong(parent.get("eval-every"));
                assertThat(every)
                        .isIn(
                                Math.max(10, Math.min(50, Math.round(parentEvery * 0.8))),
                                Math.max(10, Math.min(50, Math.round(parentEvery * 1.2))));
                int i = batches.indexOf(parent.get("batch-size"));
                assertThat(batches.indexOf(child.get("batch-size"))).isIn(Math.max(0, i - 1), Math.min(3, i + 1));
            }
        }
    }

    private static double clamp(double v, double low, double high) {
        return Math.max(low, Math.min(high, v));
    }

    /**
     * Two searches of one seed given the same reports take the same decisions; one saved and restored into a new
     * machine after any report (mid-interval included) continues exactly as the uninterrupted one.
     */
    @Property(tries = 100)
    void deterministicAndRestoredMidIntervalAlike(
            @ForAll @IntRange(min = 2, max = 12) int n,
            @ForAll @IntRange(min = 1, max = 50) int restoreEvery,
            @ForAll long seed)
            throws IOException {
        Pbt straight = pbt(n, 0.25, 0.25, seed, true);
        Pbt twin = pbt(n, 0.25, 0.25, seed, true);
        Pbt restarted = pbt(n, 0.25, 0.25, seed, true);
        SplittableRandom random = new SplittableRandom(seed);
        int reports = 0;
        for (int r = 0; r < 4; r++) {
            double[] metric = metrics(random, n);
            for (int t = 0; t < n; t++) {
                long at = straight.nextMilestone(t).orElseThrow();
                List<Decision> a = straight.report(t, at, metric[t]);
                assertThat(twin.report(t, at, metric[t])).isEqualTo(a);
                assertThat(restarted.report(t, at, metric[t])).isEqualTo(a);
                if (++reports % restoreEvery == 0) {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    restarted.saveState(new DataOutputStream(bytes));
                    restarted = pbt(n, 0.25, 0.25, seed, true);
                    restarted.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
                }
                for (int i = 0; i < n; i++) {
                    assertThat(restarted.config(i)).isEqualTo(straight.config(i));
                    assertThat(twin.config(i)).isEqualTo(straight.config(i));
                    assertThat(restarted.donor(i)).isEqualTo(straight.donor(i));
                    assertThat(restarted.nextMilestone(i)).isEqualTo(straight.nextMilestone(i));
                }
            }
        }
        assertThat(restarted.round()).isEqualTo(5);
    }

    /** A state of another interval or population is refused, naming both. */
    @Property(tries = 1)
    void aStateOfAnotherSearchIsRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        pbt(4, 0.25, 0.25, 1, true).saveState(new DataOutputStream(bytes));
        Pbt other = pbt(5, 0.25, 0.25, 1, true);
        try {
            other.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            throw new AssertionError("loaded a state of 4 trials into 5");
        } catch (IOException e) {
            assertThat(e.getMessage())
                    .isEqualTo("the pbt state is of search.pbt.interval-examples=100 and 4 trials; this search has 100"
                            + " and 5");
        }
        assertThat(Arrays.asList(Pbt.quantileSize(16, 0.25), Pbt.quantileSize(3, 0.5), Pbt.quantileSize(2, 0.01)))
                .containsExactly(4, 1, 1);
    }
}
