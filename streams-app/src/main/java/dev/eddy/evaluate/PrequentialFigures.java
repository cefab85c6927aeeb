package dev.eddy.evaluate;

import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.core.prequential.ClassificationScore;
import dev.eddy.core.prequential.RegressionScore;

/**
 * The prequential figures of one learner on one stream, from its predictions given in stream order, one row at a
 * time: accuracy, kappa and kappa-temporal (MAE and RMSE for regression), and the windowed metric sampled at most
 * {@value #PLOT_POINTS} times along the stream, every e = max(1, ⌊n / {@value #PLOT_POINTS}⌋) rows, n the stream's
 * rows. Nothing per row is kept. Also scores the learners run outside {@link PrequentialEvaluation} (the MOA peers of
 * the benchmarks), so every learner's figures come from the same code.
 */
public final class PrequentialFigures {

    /** Points of the windowed metric along the stream, at most. */
    static final int PLOT_POINTS = 500;

    private final ClassificationScore classification;
    private final RegressionScore regression;
    private final long every;
    private final double[] position;
    private final double[] window;
    private long rows;

    /** @param windowSize examples of the windowed metric */
    public PrequentialFigures(FileOrderStream stream, int windowSize) {
        this.classification = stream.classification() ? new ClassificationScore(stream.classes(), windowSize) : null;
        this.regression = stream.classification() ? null : new RegressionScore(windowSize);
        this.every = every(stream.rows());
        this.position = new double[points(stream.rows())];
        this.window = new double[position.length];
    }

    /** The rows between two points of the windowed metric on a stream of {@code rows} rows: e. */
    static long every(long rows) {
        return Math.max(1, rows / PLOT_POINTS);
    }

    /** The points of the windowed metric along a stream of {@code rows} rows: ⌊n / e⌋. */
    static int points(long rows) {
        return (int) (rows / every(rows));
    }

    /**
     * Scores the next row's prediction.
     *
     * @param predicted a class index for classification
     */
    public void add(LabeledRow row, double predicted) {
        if (classification != null) {
            classification.add(row.classLabel(), (int) predicted);
        } else {
            regression.add(row.label(), predicted);
        }
        rows++;
        if (rows % every == 0 && rows / every <= position.length) {
            int point = (int) (rows / every) - 1;
            position[point] = rows;
            window[point] = classification != null ? classification.windowAccuracy() : regression.windowRmse();
        }
    }

    /** Rows scored so far. */
    public long rows() {
        return rows;
    }

    /** The figures of the rows scored, with no drift detected. */
    public LearnerResult result(String name, double examplesPerSecond) {
        return result(name, examplesPerSecond, new long[0]);
    }

    /**
     * The figures of the rows scored.
     *
     * @param detections rows read (1-based) when each drift was detected
     */
    public LearnerResult result(String name, double examplesPerSecond, long[] detections) {
        if (classification != null) {
            return new LearnerResult(
                    name,
                    classification.accuracy(),
                    classification.kappa(),
                    classification.kappaTemporal(),
                    Double.NaN,
                    Double.NaN,
                    examplesPerSecond,
                    position.clone(),
                    window.clone(),
                    detections);
        }
        return new LearnerResult(
                name,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                regression.mae(),
                regression.rmse(),
                examplesPerSecond,
                position.clone(),
                window.clone(),
                detections);
    }
}
