package dev.eddy.evaluate;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.core.prequential.Baseline;
import dev.eddy.core.search.SearchConfig;
import dev.eddy.schema.Example;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.topology.LocalSearch;
import dev.eddy.topology.LocalTraining;
import dev.eddy.topology.TrainingListener;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.ObjDoubleConsumer;

/**
 * Prequential evaluation of learners on a finite stream, the field's way: the stream is read in file order; every row
 * is scored before it is used (test-then-train); a held-out row is scored and never trained on; a paused model keeps
 * scoring; every learner and baseline is scored on every row. Networks run through {@link LocalTraining}, the trainer
 * of {@code eddy run}; the baselines are majority-so-far and no-change (classification), running mean and previous
 * value (regression).
 *
 * <p>Each learner and baseline reads the stream in a pass of its own ({@link FileOrderStream#read()}), the same rows
 * in the same order, and no row is kept past its figures ({@link PrequentialFigures}), so memory does not grow with
 * the stream's length.
 *
 * <p>A network's predictions reach the listener in the order the trainer makes them (a held-out row when it
 * arrives, a training row when its batch is full), so each is put back at its row's position before it is scored in
 * stream order: kappa-temporal's no-change reference and the window depend on that order. Only the rows read since
 * the oldest one not yet scored wait (about a batch).
 */
public final class PrequentialEvaluation {

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

    /** Runs each learner, then the baselines, over the stream. */
    public StreamResult run(List<LearnerSpec> learners, Progress progress) throws IOException {
        return run(learners, progress, Predictions.NONE);
    }

    /**
     * Runs each learner, then the baselines, over the stream.
     *
     * @param predictions hears every learner's and baseline's prediction of every row, in stream order
     */
    public StreamResult run(List<LearnerSpec> learners, Progress progress, Predictions predictions) throws IOException {
        long start = System.nanoTime();
        List<LearnerResult> results = new ArrayList<>();
        List<SearchResult> searches = new ArrayList<>();
        for (LearnerSpec learner : learners) {
            Optional<SearchConfig> search = learner.search();
            results.add(
                    search.isPresent()
                            ? search(learner, search.get(), progress, predictions, searches)
                            : network(learner, progress, predictions));
        }
        for (String baseline : stream.classification() ? CLASSIFICATION_BASELINES : REGRESSION_BASELINES) {
            results.add(baseline(baseline, predictions));
        }
        return new StreamResult(
                stream.name(),
                stream.rows(),
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

    /** Hears each prediction of a row, in stream order, for measures of one's own (the drift benchmark's recovery). */
    public interface Predictions {
        Predictions NONE = (learner, position, row, predicted) -> {};

        /**
         * @param position the row's 0-based position in the stream
         * @param predicted a class index for classification
         */
        void scored(String learner, long position, LabeledRow row, double predicted);
    }

    private LearnerResult network(LearnerSpec learner, Progress progress, Predictions predictions) throws IOException {
        EddyConfig config = learner.config(stream);
        PrequentialFigures figures = new PrequentialFigures(stream, config.prequentialWindow());
        Placement placement = new Placement(scorer(figures, learner.name(), predictions));
        LocalTraining training = new LocalTraining(config, placement);
        long start = System.nanoTime();
        try (FileOrderStream.Pass rows = stream.read()) {
            for (long i = 0; rows.hasNext(); i++) {
                LabeledRow row = rows.next();
                Example example = example(row);
                placement.next(row, training.heldOut(example));
                try {
                    training.accept(example);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            stream.name() + " line " + row.lineNumber() + ": " + e.getMessage(), e);
                }
                placement.passOn();
                if ((i & 1023) == 0) {
                    progress.update(stream.name(), learner.name(), i, stream.rows());
                }
            }
        }
        placement.end();
        training.finish();
        placement.passOn();
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.update(stream.name(), learner.name(), stream.rows(), stream.rows());
        if (placement.waiting() > 0) {
            throw new IllegalStateException(
                    learner.name() + " on " + stream.name() + ": " + placement.waiting() + " rows were never scored");
        }
        return figures.result(
                learner.name(),
                stream.rows() / seconds,
                placement.detections.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * A search learner: its trials side by side ({@link LocalSearch}); its figures are those of what it serves, each
     * row scored on arrival by the trial that is champion then.
     */
    private LearnerResult search(
            LearnerSpec learner,
            SearchConfig search,
            Progress progress,
            Predictions predictions,
            List<SearchResult> searches)
            throws IOException {
        LocalSearch local =
                new LocalSearch(search, trial -> learner.trial(trial).config(stream));
        PrequentialFigures figures =
                new PrequentialFigures(stream, learner.config(stream).prequentialWindow());
        ObjDoubleConsumer<LabeledRow> score = scorer(figures, learner.name(), predictions);
        long every = PrequentialFigures.every(stream.rows());
        double[] position = new double[PrequentialFigures.points(stream.rows())];
        double[][] trialMetrics = new double[search.trials()][position.length];
        long start = System.nanoTime();
        try (FileOrderStream.Pass rows = stream.read()) {
            for (long i = 0; rows.hasNext(); i++) {
                LabeledRow row = rows.next();
                try {
                    score.accept(row, local.accept(example(row)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            stream.name() + " line " + row.lineNumber() + ": " + e.getMessage(), e);
                }
                if ((i + 1) % every == 0 && (i + 1) / every <= position.length) {
                    int point = (int) ((i + 1) / every) - 1;
                    position[point] = i + 1;
                    for (int t = 0; t < search.trials(); t++) {
                        trialMetrics[t][point] = local.liveMetric(t);
                    }
                }
                if ((i & 1023) == 0) {
                    progress.update(stream.name(), learner.name(), i, stream.rows());
                }
            }
        }
        local.finish();
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.update(stream.name(), learner.name(), stream.rows(), stream.rows());
        searches.add(new SearchResult(
                learner.name(),
                search.strategy(),
                local.leaderboard(),
                local.events(),
                local.trialExamples(),
                local.trialExamples() / seconds,
                position,
                trialMetrics));
        return figures.result(learner.name(), stream.rows() / seconds);
    }

    private LearnerResult baseline(String name, Predictions predictions) throws IOException {
        Baseline baseline =
                stream.classification() ? Baseline.classification(name, stream.classes()) : Baseline.regression(name);
        PrequentialFigures figures = new PrequentialFigures(stream, window);
        ObjDoubleConsumer<LabeledRow> score = scorer(figures, name, predictions);
        long start = System.nanoTime();
        try (FileOrderStream.Pass rows = stream.read()) {
            while (rows.hasNext()) {
                LabeledRow row = rows.next();
                score.accept(row, baseline.predict());
                baseline.learn(row.label());
            }
        }
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        return figures.result(name, stream.rows() / seconds);
    }

    /** Scores each row's prediction, given in stream order, in {@code figures} and tells {@code predictions}. */
    private static ObjDoubleConsumer<LabeledRow> scorer(
            PrequentialFigures figures, String learner, Predictions predictions) {
        return (row, predicted) -> {
            predictions.scored(learner, figures.rows(), row, predicted);
            figures.add(row, predicted);
        };
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
     * one row on arrival while paused). Rows are passed on to be scored in stream order as soon as they and every
     * row before them have their prediction.
     */
    private static final class Placement implements TrainingListener {
        private final ObjDoubleConsumer<LabeledRow> score;
        /** The rows read that are not passed on yet, in stream order. */
        private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
        /** The training rows among them without their prediction, in arrival order. */
        private final ArrayDeque<Waiting> training = new ArrayDeque<>();
        /** Rows read (1-based) when the model's detector found a drift. */
        private final List<Long> detections = new ArrayList<>();

        private Waiting heldOut;
        private long read;

        Placement(ObjDoubleConsumer<LabeledRow> score) {
            this.score = score;
        }

        /** A row read, with its prediction once made. */
        private static final class Waiting {
            final LabeledRow row;
            double predicted;
            boolean scored;

            Waiting(LabeledRow row) {
                this.row = row;
            }
        }

        /** The row about to be routed. */
        void next(LabeledRow row, boolean isHeldOut) {
            Waiting w = new Waiting(row);
            read++;
            waiting.add(w);
            heldOut = isHeldOut ? w : null;
            if (!isHeldOut) {
                training.add(w);
            }
        }

        /** The end of the stream: the predictions still to come are of training rows. */
        void end() {
            heldOut = null;
        }

        /** Scores, in stream order, the rows that have their prediction and none before them waiting for one. */
        void passOn() {
            while (!waiting.isEmpty() && waiting.peek().scored) {
                Waiting w = waiting.remove();
                score.accept(w.row, w.predicted);
            }
        }

        /** Rows not passed on: after the end, those never scored. */
        long waiting() {
            return waiting.size();
        }

        @Override
        public void onPrequential(
                String modelId, double[] predictions, double[] labels, double metric, double windowMetric) {
            for (double p : predictions) {
                Waiting row = heldOut != null ? heldOut : training.remove();
                heldOut = null;
                row.predicted = p;
                row.scored = true;
            }
        }

        @Override
        public void onEvaluation(String modelId, TrainingMetrics metrics) {
            if (metrics.getEvent() != null && metrics.getEvent().getKind().equals("drift")) {
                detections.add(read);
            }
        }
    }
}
