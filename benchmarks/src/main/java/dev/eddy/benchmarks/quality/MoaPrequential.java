package dev.eddy.benchmarks.quality;

import com.yahoo.labs.samoa.instances.Instance;
import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.data.LabeledRow;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.ObjIntConsumer;
import moa.classifiers.Classifier;
import moa.core.InstanceExample;
import moa.core.Measurement;
import moa.core.Utils;
import moa.evaluation.BasicClassificationPerformanceEvaluator;

/**
 * One MOA learner run test-then-train over a stream, one example at a time, in file order, as MOA's
 * {@code EvaluatePrequential -l LEARNER -e BasicClassificationPerformanceEvaluator} runs it. For each example x_t:
 *
 * <pre>
 * v_t = learner.getVotesForInstance(x_t)
 * ŷ_t = argmax_k v_t[k]      the first maximum (ties to the lowest index; no votes: class 0), MOA's Utils.maxIndex
 * evaluator.addResult(x_t, v_t)
 * learner.trainOnInstance(x_t)
 * </pre>
 *
 * Each prediction ŷ_t is handed on as it is made, so that Eddy's own scores can be computed from them in one pass
 * over the stream, and MOA's evaluator is kept for its figures ({@link #moaFigure}), to cross-check the two.
 */
public final class MoaPrequential {

    /** MOA's names of the evaluator figures that Eddy also computes (percentages in MOA). */
    public static final String ACCURACY = "classifications correct (percent)";

    public static final String KAPPA = "Kappa Statistic (percent)";
    public static final String KAPPA_TEMPORAL = "Kappa Temporal Statistic (percent)";

    private final MoaPeer peer;
    private final BasicClassificationPerformanceEvaluator evaluator;
    private final double seconds;

    private MoaPrequential(MoaPeer peer, BasicClassificationPerformanceEvaluator evaluator, double seconds) {
        this.peer = peer;
        this.evaluator = evaluator;
        this.seconds = seconds;
    }

    /**
     * Runs {@code peer} over every row of {@code stream}, in a pass of its own.
     *
     * @param predictions hears each row and its ŷ_t, in stream order
     * @throws IllegalArgumentException if the stream is a regression stream
     */
    public static MoaPrequential run(MoaPeer peer, FileOrderStream stream, ObjIntConsumer<LabeledRow> predictions)
            throws IOException {
        MoaSchema schema = MoaSchema.of(stream);
        long start = System.nanoTime();
        // The order of EvaluatePrequential: the learner prepared (its options read, learning reset), then given the
        // stream's header; the evaluator reset.
        Classifier learner = peer.newClassifier();
        learner.setModelContext(schema.header());
        BasicClassificationPerformanceEvaluator evaluator = new BasicClassificationPerformanceEvaluator();
        evaluator.prepareForUse();
        try (FileOrderStream.Pass rows = stream.read()) {
            while (rows.hasNext()) {
                LabeledRow row = rows.next();
                Instance x = schema.instance(row);
                double[] votes = learner.getVotesForInstance(x);
                predictions.accept(row, Utils.maxIndex(votes));
                evaluator.addResult(new InstanceExample(x), votes);
                learner.trainOnInstance(x);
            }
        }
        return new MoaPrequential(peer, evaluator, (System.nanoTime() - start) / 1e9);
    }

    public MoaPeer peer() {
        return peer;
    }

    /** Wall time of the run, building the instances included. */
    public double seconds() {
        return seconds;
    }

    /**
     * A figure of MOA's evaluator as a fraction (MOA reports percentages).
     *
     * @param name one of the names of {@code getPerformanceMeasurements()}, e.g. {@link #KAPPA_TEMPORAL}
     * @throws IllegalArgumentException naming the figure and the names MOA reports
     */
    public double moaFigure(String name) {
        Measurement[] measurements = evaluator.getPerformanceMeasurements();
        for (Measurement m : measurements) {
            if (m.getName().equals(name)) {
                return name.endsWith("(percent)") ? m.getValue() / 100 : m.getValue();
            }
        }
        throw new IllegalArgumentException(String.format(
                Locale.ROOT,
                "MOA's evaluator reports no '%s'; it reports %s",
                name,
                Arrays.stream(measurements).map(Measurement::getName).toList()));
    }
}
