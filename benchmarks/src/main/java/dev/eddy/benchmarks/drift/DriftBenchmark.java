package dev.eddy.benchmarks.drift;

import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.data.stream.Sea;
import dev.eddy.evaluate.LearnerResult;
import dev.eddy.evaluate.LearnerSpec;
import dev.eddy.evaluate.PrequentialEvaluation;
import dev.eddy.evaluate.StreamResult;
import dev.eddy.report.Plots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Drift handling measured (issue 12), every figure from prequential runs of {@code eddy evaluate}'s code over seeded
 * generators:
 *
 * <ul>
 *   <li><b>detection</b>: per detector, on SEA and Agrawal with an abrupt drift every 10,000 examples, the drifts
 *       detected within the next 10,000 and the mean delay (rows from the drift point to the detection), the missed
 *       ones (for SEA with the share of inputs whose class changed); false alarms per 100,000 examples of the same
 *       generators without drift;
 *   <li><b>recovery</b>: with drift handling (ADWIN) and without ({@code drift.detector=none}), same configuration and
 *       seed, the rows after each drift until the windowed accuracy (1,000 examples) is back within 0.02 of its value
 *       just before the drift (a segment that never gets back counts whole), for the default learner and for the same
 *       learner with early stopping (patience 5), where a model that stopped early stays paused without drift handling;
 *       beside them the default learner with {@code drift.lr-factor=2} (the rate doubles at every detection), at a
 *       learning rate of 0.01, and with a rate decaying from 0.01 as 1/(1 + t/100) (which a drift restarts, {@code
 *       drift.restart-schedule}), with and without: how much of a recovery is the reaction to a drift and how much
 *       the rate; and at batch size 1 with the same decay per example and with a faster one (0.003 / (1 + t/1000));
 *       with {@code --plot DIR}, {@code drift-recovery-<generator>.png} in DIR draws the windowed accuracy of the
 *       decaying-rate and early-stopping learners with and without along the stream;
 *   <li><b>gradual drift</b>: hyperplane's accuracy with and without.
 * </ul>
 *
 * Usage: {@code java -cp benchmarks.jar dev.eddy.benchmarks.drift.DriftBenchmark [--examples N] [--seed S] [--plot DIR]}.
 */
public final class DriftBenchmark {

    private static final long DRIFT_EVERY = 10_000;
    private static final double RECOVERY_MARGIN = 0.02;

    /** Rows of the accuracy recovery compares, before the drift and (at most) after it. */
    private static final int RECOVERY_WINDOW = 1_000;

    /**
     * Rows after a drift before recovery is first checked: fewer measure an accuracy too noisily to compare within
     * the margin (at 0.9 the standard error of 500 rows is 0.013, of 100 rows 0.03).
     */
    private static final int RECOVERY_FIRST = 500;

    /** Recovery is checked every this many rows after the first check. */
    private static final int RECOVERY_STEP = 100;

    private static final List<String> DETECTORS = List.of("adwin", "page-hinkley", "ddm", "kswin");

    /** Inverse-time decay, lr_t = 0.01 / (1 + t/100): 0.0003 after 100,000 examples at batch 32. */
    private static final Map<String, String> DECAYING = Map.of(
            "learning-rate", "0.01",
            "schedule", "power",
            "schedule.decay-steps", "100",
            "schedule.power", "1");

    /**
     * The same decay per example at batch size 1, lr_t = 0.01 / (1 + t/3200) (t in steps, now examples): the rate of
     * {@link #DECAYING} at every example count.
     */
    private static final Map<String, String> DECAYING_BATCH_1 = Map.of(
            "batch-size", "1",
            "learning-rate", "0.01",
            "schedule", "power",
            "schedule.decay-steps", "3200",
            "schedule.power", "1");

    /** A faster decay at batch size 1, lr_t = 0.003 / (1 + t/1000): 0.00003 after 100,000 examples. */
    private static final Map<String, String> FAST_DECAYING_BATCH_1 = Map.of(
            "batch-size", "1",
            "learning-rate", "0.003",
            "schedule", "power",
            "schedule.decay-steps", "1000",
            "schedule.power", "1");

    /** Early stopping within a concept: paused after 5 evaluations without improvement, re-armed by a drift. */
    private static final Map<String, String> STOPPING =
            Map.of("early-stopping.enabled", "true", "early-stopping.patience", "5");

    /** The learners of the recovery plots: each with and without drift handling. */
    static final List<String> PLOTTED = List.of(
            "decaying rate", "decaying rate, no drift handling", "early stopping", "early stopping, no drift handling");

    private DriftBenchmark() {}

    public static void main(String[] args) throws IOException {
        long examples = 100_000;
        long seed = 42;
        Path plots = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--examples" -> examples = Long.parseLong(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--plot" -> plots = Path.of(args[++i]);
                default -> {
                    System.err.println(
                            "usage: DriftBenchmark [--examples N] [--seed S] [--plot DIR]; unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        long start = System.nanoTime();
        detection(examples, seed);
        recovery(examples, seed, plots);
        gradual(examples, seed);
        System.out.printf(Locale.ROOT, "%nwall time %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static LearnerSpec learner(String name, Map<String, String> keys) {
        Map<String, String> all = new TreeMap<>(LearnerSpec.DEFAULTS);
        all.putAll(keys);
        return new LearnerSpec(name, all, Map.of());
    }

    private static StreamResult run(FileOrderStream stream, List<LearnerSpec> learners) throws IOException {
        return run(stream, learners, PrequentialEvaluation.Predictions.NONE);
    }

    private static StreamResult run(
            FileOrderStream stream, List<LearnerSpec> learners, PrequentialEvaluation.Predictions predictions)
            throws IOException {
        System.err.println("running " + learners.size() + " learners on " + stream.name() + " ...");
        return new PrequentialEvaluation(stream, 1000).run(learners, (s, l, r, t) -> {}, predictions);
    }

    private static void detection(long examples, long seed) throws IOException {
        List<LearnerSpec> learners = new ArrayList<>();
        for (String d : DETECTORS) {
            learners.add(learner(d, Map.of("drift.detector", d, "drift.challenger", "none")));
        }
        // what the detector sees depends on how fast the network relearns: the same ADWIN under a decaying rate
        learners.add(learner("adwin, decaying rate", with(DECAYING, "drift.challenger", "none")));
        // and under early stopping: a paused model does not relearn, so a switch shows in its errors until detected
        learners.add(learner("adwin, early stopping", with(STOPPING, "drift.challenger", "none")));
        System.out.println(
                "## Detection (default network unless named, drift.challenger=none; abrupt drift every 10,000)\n");
        System.out.println(
                "| generator | detector | drifts detected | mean delay (rows) | false alarms / 100,000 without drift"
                        + " | missed drifts (SEA: share of inputs whose class changed) |");
        System.out.println("|---|---|---:|---:|---:|---|");
        for (String generator : List.of("sea", "agrawal")) {
            FileOrderStream drifting = FileOrderStream.dataset(generator, examples, seed, DRIFT_EVERY);
            FileOrderStream stationary = FileOrderStream.dataset(generator, examples, seed, 0);
            StreamResult withDrift = run(drifting, learners);
            StreamResult without = run(stationary, learners);
            for (int i = 0; i < learners.size(); i++) {
                long[] points = drifting.driftPoints();
                long[] found = withDrift.learners().get(i).detections();
                int detected = 0;
                double delays = 0;
                List<String> missed = new ArrayList<>();
                for (int k = 0; k < points.length; k++) {
                    long p = points[k];
                    long delay = -1;
                    for (long f : found) {
                        if (f > p && f <= p + DRIFT_EVERY) {
                            delay = f - p;
                            break;
                        }
                    }
                    if (delay < 0) {
                        missed.add(String.format(Locale.ROOT, "%,d", p)
                                + (generator.equals("sea") ? seaSwitch(k + 1) : ""));
                    } else {
                        detected++;
                        delays += delay;
                    }
                }
                double falseAlarms = without.learners().get(i).detections().length * 100_000.0 / examples;
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %s | %d / %d | %s | %.1f | %s |%n",
                        generator,
                        learners.get(i).name(),
                        detected,
                        points.length,
                        detected == 0 ? "–" : String.format(Locale.ROOT, "%,.0f", delays / detected),
                        falseAlarms,
                        missed.isEmpty() ? "–" : detected == 0 ? "all" : String.join(", ", missed));
            }
        }
    }

    /**
     * SEA's switch into concept c: the thresholds and the share of the input square whose noise-free class changed,
     * the area between the lines f_1 + f_2 = θ of the two concepts over the square's 100:
     *
     * <pre>
     * A(θ) = θ²/2 for θ ≤ 10 (the triangle f_1 + f_2 ≤ θ);   share = |A(θ_c) − A(θ_{c−1})| / 100
     * </pre>
     */
    static String seaSwitch(int concept) {
        double before = Sea.threshold(concept - 1);
        double after = Sea.threshold(concept);
        return String.format(
                Locale.ROOT, " (θ %s→%s, %.1f%%)", trim(before), trim(after), 100 * seaChangedShare(before, after));
    }

    /** The share of SEA's input square whose noise-free class differs under thresholds ≤ 10 {@code a} and {@code b}. */
    static double seaChangedShare(double a, double b) {
        return Math.abs(b * b - a * a) / 2 / 100;
    }

    private static String trim(double threshold) {
        return threshold == Math.rint(threshold) ? Long.toString((long) threshold) : Double.toString(threshold);
    }

    private static void recovery(long examples, long seed, Path plots) throws IOException {
        List<LearnerSpec> learners = recoveryLearners();
        System.out.println("\n## Recovery (rows after each drift until the windowed accuracy is back within 0.02)\n");
        System.out.println("| generator | learner | mean recovery (rows) | drifts never recovered | accuracy |");
        System.out.println("|---|---|---:|---:|---:|");
        for (String generator : List.of("sea", "agrawal")) {
            FileOrderStream stream = FileOrderStream.dataset(generator, examples, seed, DRIFT_EVERY);
            // whether each learner predicted each row right, in stream order
            Map<String, boolean[]> right = new HashMap<>();
            PrequentialEvaluation.Predictions scored = (learner, position, row, predicted) -> {
                boolean[] correct = right.computeIfAbsent(learner, l -> new boolean[(int) stream.rows()]);
                correct[(int) position] = (int) predicted == row.classLabel();
            };
            StreamResult result = run(stream, learners, scored);
            for (LearnerResult l : result.learners().subList(0, learners.size())) {
                boolean[] correct = right.get(l.name());
                double total = 0;
                int never = 0;
                for (long p : stream.driftPoints()) {
                    int end = (int) Math.min(p + DRIFT_EVERY, examples);
                    long r = recoveryRows(correct, (int) p, end);
                    total += r;
                    never += r == end - p ? 1 : 0;
                }
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %s | %,.0f | %d / %d | %.4f |%n",
                        generator,
                        l.name(),
                        total / stream.driftPoints().length,
                        never,
                        stream.driftPoints().length,
                        l.accuracy());
            }
            if (plots != null) {
                Path png = plots.resolve("drift-recovery-" + generator + ".png");
                recoveryPlot(png, result, PLOTTED);
                System.err.println("wrote " + png);
            }
        }
    }

    /** Each learner of the recovery table, with drift handling and without. */
    static List<LearnerSpec> recoveryLearners() {
        return List.of(
                learner("default", Map.of()),
                learner("default, no drift handling", Map.of("drift.detector", "none")),
                learner("early stopping", STOPPING),
                learner("early stopping, no drift handling", with(STOPPING, "drift.detector", "none")),
                learner("drift.lr-factor 2", Map.of("drift.lr-factor", "2")),
                learner("learning rate 0.01", Map.of("learning-rate", "0.01")),
                learner(
                        "learning rate 0.01, no drift handling",
                        Map.of("learning-rate", "0.01", "drift.detector", "none")),
                learner("decaying rate", DECAYING),
                learner("decaying rate, no drift handling", with(DECAYING, "drift.detector", "none")),
                learner("batch 1, decaying rate", DECAYING_BATCH_1),
                learner("batch 1, decaying rate, no drift handling", with(DECAYING_BATCH_1, "drift.detector", "none")),
                learner("batch 1, faster decay", FAST_DECAYING_BATCH_1),
                learner(
                        "batch 1, faster decay, no drift handling",
                        with(FAST_DECAYING_BATCH_1, "drift.detector", "none")));
    }

    /**
     * Writes the windowed accuracy of the {@code names} learners of {@code result} along the stream, the generator's
     * drift points marked.
     */
    static void recoveryPlot(Path png, StreamResult result, List<String> names) throws IOException {
        List<Plots.Series> series = new ArrayList<>();
        for (String name : names) {
            LearnerResult l = result.learners().stream()
                    .filter(r -> r.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no learner named '" + name + "' in the run"));
            series.add(new Plots.Series(name, l.position(), l.window()));
        }
        Plots.Chart chart = Plots.Chart.of(
                        result.name() + ", with and without drift handling",
                        "examples",
                        "windowed accuracy (1,000 examples)")
                .withMarkers(
                        Arrays.stream(result.driftPoints()).asDoubleStream().toArray(), "drift points");
        Files.createDirectories(png.toAbsolutePath().getParent());
        Plots.write(png, chart, series);
    }

    /**
     * Rows from the drift at row {@code point} (0-based: rows [0, point) are the old concept) until the accuracy of
     * the rows since the drift, the last {@value #RECOVERY_WINDOW} of them, is back within the margin of the accuracy
     * of the {@value #RECOVERY_WINDOW} rows before it; checked every {@value #RECOVERY_STEP} rows from {@value
     * #RECOVERY_FIRST} on; the segment's length ({@code end − point}) if it never is. Only rows after the drift count:
     * a trailing window that still holds the old concept's rows read a learner that never adapts as recovered after
     * 200 rows whenever its error rose by less than a tenth.
     *
     * @param correct whether each row's prediction was right, in stream order
     */
    static long recoveryRows(boolean[] correct, int point, int end) {
        int[] right = new int[end + 1]; // right[i] = correct predictions among rows [0, i)
        for (int i = 0; i < end; i++) {
            right[i + 1] = right[i] + (correct[i] ? 1 : 0);
        }
        int from = Math.max(0, point - RECOVERY_WINDOW);
        double before = (double) (right[point] - right[from]) / (point - from);
        for (int t = point + RECOVERY_FIRST; t <= end; t += RECOVERY_STEP) {
            int lo = Math.max(point, t - RECOVERY_WINDOW);
            if ((double) (right[t] - right[lo]) / (t - lo) >= before - RECOVERY_MARGIN) {
                return t - point;
            }
        }
        return end - point;
    }

    private static void gradual(long examples, long seed) throws IOException {
        FileOrderStream stream = FileOrderStream.dataset("hyperplane", examples, seed, 0);
        StreamResult result = run(
                stream,
                List.of(
                        learner("default", Map.of()),
                        learner("default, no drift handling", Map.of("drift.detector", "none"))));
        System.out.println("\n## Gradual drift (hyperplane)\n");
        System.out.println("| learner | accuracy | kappa-temporal | drifts detected |");
        System.out.println("|---|---:|---:|---:|");
        for (LearnerResult l : result.learners().subList(0, 2)) {
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.4f | %.4f | %d |%n",
                    l.name(),
                    l.accuracy(),
                    l.kappaTemporal(),
                    l.detections().length);
        }
    }

    private static Map<String, String> with(Map<String, String> keys, String key, String value) {
        Map<String, String> out = new TreeMap<>(keys);
        out.put(key, value);
        return out;
    }
}
