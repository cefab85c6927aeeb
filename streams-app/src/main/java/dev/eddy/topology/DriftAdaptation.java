package dev.eddy.topology;

import dev.eddy.core.drift.DriftWatch;
import dev.eddy.core.prequential.RegressionScore;
import dev.eddy.core.train.Learner;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.state.DriftStatus;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The drift handling of one model inside its task: its {@link DriftWatch} over the live prequential errors of the
 * training examples and, after a warning, the challenger network trained beside the model on the same batches. The
 * model's training ({@link ModelTraining}) acts on the watch's events; this class keeps what they need in the
 * trainer-state store, next to the model's own state, so a restart continues exactly:
 *
 * <pre>
 * &lt;model&gt;/drift              the watch's state
 * &lt;model&gt;/challenger         chunk count and length of the challenger's training state (absent: no challenger)
 * &lt;model&gt;/challenger/&lt;i&gt;     the challenger's training state, chunked
 * </pre>
 *
 * written by {@link #write} when the model's state is (at the commit); a dropped challenger is deleted at once.
 */
final class DriftAdaptation {

    private final String modelId;
    private final ModelTraining.Stores stores;
    private final DriftWatch watch;
    private Trainer challenger;
    private int challengerChunks;

    /** Opens the drift handling of a model whose trainer runs {@code config}, from the stores or afresh. */
    DriftAdaptation(String modelId, TrainerConfig config, ModelTraining.Stores stores) {
        this.modelId = modelId;
        this.stores = stores;
        this.watch = new DriftWatch(config.drift(), config.driftResponse(), !config.classification());
        byte[] state = stores.trainerState().get(watchKey());
        if (state != null) {
            watch.restore(state);
        }
        byte[] header = stores.trainerState().get(challengerKey());
        if (header != null) {
            ByteBuffer b = ByteBuffer.wrap(header);
            challengerChunks = b.getInt();
            challenger = Trainer.restore(stores.chunks().read(challengerPrefix(), challengerChunks, b.getInt()));
        }
    }

    /**
     * Observes the scored training rows in order: the model's errors, and the challenger's on the same rows (scored
     * before any step on them, like the model's). A challenger started by a row of this batch scores from the next
     * batch on (the rows after its start are not compared); after a swap the rest of the batch is the new model's, whose
     * errors the challenger's are.
     *
     * @param errors the model's error per row: [ŷ ≠ y] or (ŷ − y)²
     * @param mayStartChallenger false while the model is paused: a warning then starts no challenger
     * @return the events, in order, each with the watch's count of scored training examples at its row
     */
    List<Observed> observe(double[][] features, double[] labels, double[] errors, boolean mayStartChallenger) {
        double[] model = errors;
        double[] challengerErrors = challenger == null ? null : errors(challenger, features, labels);
        List<Observed> events = new ArrayList<>(0);
        for (int r = 0; r < errors.length; r++) {
            List<DriftWatch.Event> row = watch.observe(
                    model[r], challengerErrors == null ? Double.NaN : challengerErrors[r], mayStartChallenger);
            if (row.contains(DriftWatch.Event.CHALLENGER_SWAP)) {
                if (!challengerStopped()) {
                    model = challengerErrors; // else the model stays: a stopped challenger is dropped, not swapped in
                }
                challengerErrors = null;
            } else if (row.contains(DriftWatch.Event.CHALLENGER_START)) {
                challengerErrors = null;
            }
            for (DriftWatch.Event e : row) {
                events.add(new Observed(e, watch.examples()));
            }
        }
        return events;
    }

    /** A drift event and the scored training example it happened at (1-based, as the watch counts, paused ones too). */
    record Observed(DriftWatch.Event event, long example) {}

    /**
     * Per row [ŷ ≠ y] (classification) or (ŷ − y)² (regression, +∞ for a NaN ŷ: never NaN, which would mean "not
     * scored" to the watch) of {@code trainer} now.
     */
    static double[] errors(Trainer trainer, double[][] features, double[] labels) {
        double[] predicted = trainer.predictions(features);
        double[] errors = new double[labels.length];
        for (int r = 0; r < labels.length; r++) {
            errors[r] = error(trainer.config().classification(), predicted[r], labels[r]);
        }
        return errors;
    }

    /** One row's error: [ŷ ≠ y] (classification) or (ŷ − y)², +∞ for a NaN ŷ (regression). */
    static double error(boolean classification, double predicted, double label) {
        return classification ? (predicted == label ? 0 : 1) : RegressionScore.squaredError(predicted, label);
    }

    /**
     * Starts the challenger: a fresh network of the model's configuration, or a copy of the model; either way it
     * continues the model's count of steps and examples, so a swap keeps the model's counters (and the partial batch's
     * numbering) going.
     */
    void startChallenger(Learner model) {
        if (!(model instanceof Trainer single)) {
            // TrainerConfig refuses drift.challenger with ensemble, so an ensemble's watch never starts one.
            throw new IllegalStateException("an ensemble has no drift challenger");
        }
        challenger = watch.response().challenger().equals("copy")
                ? Trainer.restore(single.state())
                : Trainer.create(single.config()).continuingFrom(single);
    }

    /** The challenger takes one step on the batch the model just stepped on (unless its own guard stopped it). */
    void stepChallenger(double[][] features, double[] labels, double[] weights) {
        if (challenger != null && !challenger.stopped()) {
            challenger.step(features, labels, weights);
        }
    }

    /**
     * A live {@code set} the model took: the challenger takes it too, so that a swap keeps it.
     *
     * @throws IllegalArgumentException when the challenger's configuration cannot take it (then unchanged)
     */
    void set(String key, String value) {
        if (challenger != null) {
            challenger.set(key, value);
        }
    }

    /** A drift re-arms the model: the challenger too, so that a swap keeps the rate, schedule and optimizer it set. */
    void rearm() {
        if (challenger != null) {
            challenger.rearm(watch.response());
        }
    }

    /** Whether the challenger stopped training (its step budget, or repeated non-finite steps). */
    boolean challengerStopped() {
        return challenger != null && challenger.stopped();
    }

    /** Hands the challenger over (it becomes the model) and forgets it here. */
    Trainer takeChallenger() {
        Trainer won = challenger;
        dropChallenger();
        return won;
    }

    /** Forgets the challenger and deletes its state. */
    void dropChallenger() {
        challenger = null;
        stores.chunks().write(challengerPrefix(), new byte[0], challengerChunks);
        challengerChunks = 0;
        stores.trainerState().delete(challengerKey());
    }

    /** Writes the watch's state and the challenger's, if there is one (with the model's state). */
    void write() {
        stores.trainerState().put(watchKey(), watch.state());
        if (challenger != null) {
            byte[] state = challenger.state();
            challengerChunks = stores.chunks().write(challengerPrefix(), state, challengerChunks);
            stores.trainerState()
                    .put(
                            challengerKey(),
                            ByteBuffer.allocate(8)
                                    .putInt(challengerChunks)
                                    .putInt(state.length)
                                    .array());
        }
    }

    /** {@code reset}: the watch forgets everything and the challenger is dropped. */
    void reset() {
        watch.reset();
        if (challenger != null) {
            dropChallenger();
        }
    }

    /**
     * Deletes everything of this model's drift handling from the stores (the model starts afresh under another
     * configuration, whose detector may differ).
     */
    void discard() {
        if (challenger != null) {
            dropChallenger();
        }
        stores.trainerState().delete(watchKey());
    }

    DriftWatch watch() {
        return watch;
    }

    DriftStatus status() {
        return new DriftStatus(
                watch.detectorName(),
                watch.warning(),
                watch.warnings(),
                watch.detections(),
                watch.lastDetectionExample(),
                challenger != null);
    }

    private String watchKey() {
        return modelId + "/drift";
    }

    private String challengerKey() {
        return modelId + "/challenger";
    }

    private String challengerPrefix() {
        return modelId + "/challenger";
    }
}
