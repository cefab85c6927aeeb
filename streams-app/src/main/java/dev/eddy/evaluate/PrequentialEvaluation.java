package dev.eddy.evaluate;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.core.prequential.Baseline;
import dev.eddy.core.prequential.ClassificationScore;
import dev.eddy.core.prequential.RegressionScore;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.topology.LocalSearch;
import dev.eddy.topology.LocalTraining;
import dev.eddy.topology.TrainingListener;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Prequential evaluation of learners on a finite stream, the field's way: the stream is read once, in file order;
 * every row is scored before it is used (test-then-train); a held-out row is scored and never trained on; a paused
 * model keeps scoring; every learner and baseline is scored on every row. Networks run through
 * {@link LocalTraining}, the trainer of {@code eddy run}; the baselines are majority-so-far and no-change
 * (classification), running mean and previous value (regression).
 *
 * <p>A network's predictions reach the listener in the order the trainer makes them (a held-out row when it
 * arrives, a training row when its batch is full), so each is put back at its row's position before the figures are
 * computed in stream order: kappa-temporal's no-change reference and the window depend on that order.
 */
public final class PrequentialEvaluation {

    /** Points of the windowed metric along the stream, at most. */
    private static final int PLOT_POINTS = 500;

    /** Classification baselines, then regression baselines, by report name. */
    static final List<String> CLASSIFICATION_BASELINES = List.of("no-change", "majority");

    static final List<String> REGRESSION_BASELINES = List.of("previous", "mean");

    private final FileOrderStream stream;
    private final int window;

    /**
     * @param window examples of the baselines' windowed metric (each network uses its own {@code prequential.window})
     */
    public PrequentialEvaluation(FileOrderStream stream, int window) {
        this.stream = stream;
        this.window = window;
    }

    /** Runs the baselines, then each learner, over the stream. */
    public StreamResult run(List<LearnerSpec> learners, Progress progress) {
        long start = System.nanoTime();
        List<LearnerResult> results = new ArrayList<>();
        List<SearchResult> searches = new ArrayList<>();
        for (LearnerSpec learner : learners) {
            Optional<SearchConfig> search = learner.search();
            results.add(
                    search.isPresent()
                            ? search(learner, search.get(), progress, searches)
                            : network(learner, progress));
        }
        for (String baseline : stream.classification() ? CLASSIFICATION_BASELINES : REGRESSION_BASELINES) {
            results.add(baseline(baseline));
        }
        return new StreamResult(
                stream.name(),
                stream.rows().size(),
                task(stream),
                results,
                stream.driftPoints(),
                (System.nanoTime() - start) / 1e9,
                searches);
    }

    /** {@code binary}, {@code multiclass} or {@code regression}. */
    public static String task(FileOrderStream stream) {
        return !stream.classification() ? "regression" : stream.classes() == 2 ? "binary" : "multiclass";
    }

    /** Hears how far a learner has come. */
    public interface Progress {
        /** @param learner the learner running; {@code rows} of {@code total} read */
        void update(String stream, String learner, long rows, long total);
    }

    private LearnerResult network(LearnerSpec learner, Progress progress) {
        List<LabeledRow> rows = stream.rows();
        double[] predicted = new double[rows.size()];
        Placement placement = new Placement(predicted);
        EddyConfig config = learner.config(stream);
        LocalTraining training = new LocalTraining(config, placement);
        long start = System.nanoTime();
        LongConsumer report = n -> progress.update(stream.name(), learner.name(), n, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Example example = example(rows.get(i));
            placement.next(i, training.heldOut(example));
            try {
                training.accept(example);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        stream.name() + " line " + rows.get(i).lineNumber() + ": " + e.getMessage(), e);
            }
            if ((i & 1023) == 0) {
                report.accept(i);
            }
        }
        placement.next(-1, false);
        training.finish();
        double seconds = (System.nanoTime() - start) / 1e9;
        report.accept(rows.size());
        if (placement.missing() > 0) {
            throw new IllegalStateException(
                    learner.name() + " on " + stream.name() + ": " + placement.missing() + " rows were never scored");
        }
        return score(
                learner.name(),
                predicted,
                config.prequentialWindow(),
                rows.size() / seconds,
                placement.detections.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * A search learner: its trials side by side ({@link LocalSearch}); its figures are those of what it serves, each
     * row scored on arrival by the trial that is champion then.
     */
    private LearnerResult search(
            LearnerSpec learner, SearchConfig search, Progress progress, List<SearchResult> searches) {
        List<LabeledRow> rows = stream.rows();
        LocalSearch local =
                new LocalSearch(search, trial -> learner.trial(trial).config(stream));
        double[] predicted = new double[rows.size()];
        int every = Math.max(1, rows.size() / PLOT_POINTS);
        double[] position = new double[rows.size() / every];
        double[][] trialMetrics = new double[search.trials()][position.length];
        long start = System.nanoTime();
        for (int i = 0; i < rows.size(); i++) {
            try {
                predicted[i] = local.accept(example(rows.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        stream.name() + " line " + rows.get(i).lineNumber() + ": " + e.getMessage(), e);
            }
            int point = (i + 1) / every - 1;
            if ((i + 1) % every == 0 && point < position.length) {
                position[point] = i + 1;
                for (int t = 0; t < search.trials(); t++) {
                    trialMetrics[t][point] = local.liveMetric(t);
                }
            }
            if ((i & 1023) == 0) {
                progress.update(stream.name(), learner.name(), i, rows.size());
            }
        }
        local.finish();
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.update(stream.name(), learner.name(), rows.size(), rows.size());
        searches.add(new SearchResult(
                learner.name(),
                search.strategy(),
                local.leaderboard(),
                local.events(),
                local.trialExamples(),
                local.trialExamples() / seconds,
                position,
                trialMetrics));
        return score(learner.name(), predicted, learner.config(stream).prequentialWindow(), rows.size() / seconds);
    }

    private LearnerResult baseline(String name) {
        List<LabeledRow> rows = stream.rows();
        Baseline baseline =
                stream.classification() ? Baseline.classification(name, stream.classes()) : Baseline.regression(name);
        double[] predicted = new double[rows.size()];
        long start = System.nanoTime();
        for (int i = 0; i < rows.size(); i++) {
            predicted[i] = baseline.predict();
            baseline.learn(rows.get(i).label());
        }
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        return score(name, predicted, window, rows.size() / seconds);
    }

    /**
     * The figures of predictions in stream order, with the windowed metric sampled along the stream. Also scores the
     * predictions of learners run outside this class (the MOA peers of the benchmarks), so every learner's figures
     * come from the same code.
     *
     * @param predicted the prediction of each row, in stream order (a class index for classification)
     */
    public LearnerResult score(String name, double[] predicted, int windowSize, double examplesPerSecond) {
        return score(name, predicted, windowSize, examplesPerSecond, new long[0]);
    }

    /**
     * The same, with the stream positions at which the learner detected drifts.
     *
     * @param detections rows read (1-based) when each drift was detected
     */
    public LearnerResult score(
            String name, double[] predicted, int windowSize, double examplesPerSecond, long[] detections) {
        List<LabeledRow> rows = stream.rows();
        int every = Math.max(1, rows.size() / PLOT_POINTS);
        int points = rows.size() / every;
        double[] position = new double[points];
        double[] windowed = new double[points];
        if (stream.classification()) {
            ClassificationScore s = new ClassificationScore(stream.classes(), windowSize);
            for (int i = 0; i < rows.size(); i++) {
                s.add(rows.get(i).classLabel(), (int) predicted[i]);
                if ((i + 1) % every == 0 && (i + 1) / every <= points) {
                    position[(i + 1) / every - 1] = i + 1;
                    windowed[(i + 1) / every - 1] = s.windowAccuracy();
                }
            }
            return new LearnerResult(
                    name,
                    s.accuracy(),
                    s.kappa(),
                    s.kappaTemporal(),
                    Double.NaN,
                    Double.NaN,
                    examplesPerSecond,
                    position,
                    windowed,
                    detections,
                    predicted);
        }
        RegressionScore s = new RegressionScore(windowSize);
        for (int i = 0; i < rows.size(); i++) {
            s.add(rows.get(i).label(), predicted[i]);
            if ((i + 1) % every == 0 && (i + 1) / every <= points) {
                position[(i + 1) / every - 1] = i + 1;
                windowed[(i + 1) / every - 1] = s.windowRmse();
            }
        }
        return new LearnerResult(
                name,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                s.mae(),
                s.rmse(),
                examplesPerSecond,
                position,
                windowed,
                detections,
                predicted);
    }

    private Example example(LabeledRow row) {
        boolean isClass = stream.classification();
        return Example.newBuilder()
                .setId(stream.exampleId(row))
                .setFeatures(Arrays.stream(row.features()).boxed().toList())
                .setClassLabel(isClass ? row.classLabel() : null)
                .setTarget(isClass ? null : row.label())
                .setEventTime(Instant.EPOCH)
                .build();
    }

    /**
     * Puts each prequential prediction at its row: the row being read when it is held out (scored on arrival), else
     * the oldest training row not yet scored (training rows are scored in arrival order: a batch at its step, or
     * one row on arrival while paused).
     */
    private static final class Placement implements TrainingListener {
        private final double[] predicted;
        private final boolean[] scored;
        private final ArrayDeque<Integer> training = new ArrayDeque<>();
        /** Rows read (1-based) when the model's detector found a drift. */
        private final List<Long> detections = new ArrayList<>();

        private int heldOut = -1;
        private int current = -1;

        Placement(double[] predicted) {
            this.predicted = predicted;
            this.scored = new boolean[predicted.length];
        }

        /** The row about to be routed ({@code -1}: the end of the stream). */
        void next(int row, boolean isHeldOut) {
            current = row;
            heldOut = isHeldOut ? row : -1;
            if (row >= 0 && !isHeldOut) {
                training.add(row);
            }
        }

        @Override
        public void onPrequential(
                String modelId, double[] predictions, double[] labels, double metric, double windowMetric) {
            for (double p : predictions) {
                int row = heldOut >= 0 ? heldOut : training.remove();
                heldOut = -1;
                predicted[row] = p;
                scored[row] = true;
            }
        }

        @Override
        public void onEvaluation(String modelId, TrainingMetrics metrics) {
            if (metrics.getEvent() != null && metrics.getEvent().getKind().equals("drift")) {
                detections.add(current + 1L);
            }
        }

        long missing() {
            long n = 0;
            for (boolean s : scored) {
                n += s ? 0 : 1;
            }
            return n;
        }
    }
}
