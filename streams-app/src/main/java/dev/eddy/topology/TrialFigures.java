package dev.eddy.topology;

import dev.eddy.core.train.Evaluation;
import dev.eddy.core.train.StepResult;
import dev.eddy.schema.TrainingMetrics;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * A search trial's figures, heard from its trainer, which it passes on to the search's listener: under {@code <id>}
 * while the trial is the champion (so that {@code <id>}'s meters follow what it serves), else under the trial's id.
 */
final class TrialFigures implements TrainingListener {

    private final String modelId;
    private final String trialId;
    private final String searchMetric;
    private final BooleanSupplier champion;
    private final TrainingListener listener;
    /** The windowed prequential metric, NaN for none yet. */
    double window = Double.NaN;
    /** The search's holdout metric at the last evaluation ({@code search.metric=holdout_*}), NaN for none. */
    double holdout = Double.NaN;
    /** The prequential metric since the start. */
    double prequential = Double.NaN;
    /** Examples scored. */
    long scored;

    private boolean drift;

    /**
     * @param searchMetric {@code search.metric}
     * @param champion whether the trial is the champion now
     */
    TrialFigures(
            String modelId, String trialId, String searchMetric, BooleanSupplier champion, TrainingListener listener) {
        this.modelId = modelId;
        this.trialId = trialId;
        this.searchMetric = searchMetric;
        this.champion = champion;
        this.listener = listener;
    }

    /** The id the search's listener hears this trial under. */
    private String heard() {
        return champion.getAsBoolean() ? modelId : trialId;
    }

    /** The search metric: the windowed prequential metric, or the holdout metric {@code search.metric} names. */
    double value() {
        return searchMetric.equals("prequential") ? window : holdout;
    }

    void write(DataOutput data) throws IOException {
        data.writeDouble(window);
        data.writeDouble(holdout);
        data.writeDouble(prequential);
        data.writeLong(scored);
    }

    /** Reads what {@link #write} wrote. */
    void read(DataInput data) throws IOException {
        window = data.readDouble();
        holdout = data.readDouble();
        prequential = data.readDouble();
        scored = data.readLong();
    }

    /** Whether the trial's drift detector fired since the last call. */
    boolean takeDrift() {
        boolean fired = drift;
        drift = false;
        return fired;
    }

    /** Marks that the trial's drift detector fired (heard from its host). */
    void drifted() {
        drift = true;
    }

    @Override
    public void onPrequential(
            String trialId, double[] predicted, double[] labels, double metricSoFar, double windowMetric) {
        window = windowMetric;
        prequential = metricSoFar;
        scored += predicted.length;
        listener.onPrequential(heard(), predicted, labels, metricSoFar, windowMetric);
    }

    @Override
    public void onEvaluation(String trialId, TrainingMetrics record) {
        if (record.getEvent() != null && record.getEvent().getKind().equals("drift")) {
            drift = true;
        }
        listener.onEvaluation(heard(), record);
    }

    @Override
    public void onHoldoutEvaluation(String trialId, Evaluation evaluation) {
        if (!searchMetric.equals("prequential")) {
            holdout = evaluation.monitored(searchMetric);
        }
        listener.onHoldoutEvaluation(heard(), evaluation);
    }

    @Override
    public void onExample(String trialId, boolean trainedOn) {
        listener.onExample(heard(), trainedOn);
    }

    @Override
    public void onHoldoutExample(String trialId) {
        listener.onHoldoutExample(heard());
    }

    @Override
    public void onStep(String trialId, StepResult step, long examplesSeen, long nanos) {
        listener.onStep(heard(), step, examplesSeen, nanos);
    }

    @Override
    public void onDriftState(String trialId, boolean warning) {
        listener.onDriftState(heard(), warning);
    }

    @Override
    public void onDeadLetter(DeadLetterReason reason) {
        listener.onDeadLetter(reason);
    }

    @Override
    public void onPaused(String trialId, boolean paused) {
        listener.onPaused(heard(), paused);
    }
}
