package dev.eddy.core.drift;

import dev.eddy.core.optim.StateIo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The drift handling of one model as a deterministic state machine over its live prequential signal: each training
 * example, scored before it is trained on (also while the model is paused), is {@linkplain #observe observed} with
 * its error, and the watch says what happened, in order. The caller acts on the events (re-arms the model, starts,
 * swaps or drops a challenger); the watch only counts and decides, so its state is a few numbers and the detector's.
 *
 * <p>What the detector sees: the 0/1 error for classification; for regression the squared error divided by the mean
 * squared error of the first n examples (n = {@code drift.min-instances} for Page-Hinkley, else 30), a scale-free
 * signal around 1.
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li>a rise from NONE to WARNING is one {@link Event#WARNING}; with {@code drift.challenger} ≠ none and no
 *       challenger yet it also starts one ({@link Event#CHALLENGER_START}), unless the caller says it cannot;
 *   <li>DRIFT is one {@link Event#DRIFT}; the detector then starts afresh (as MOA's ARF does), so the next cuts of
 *       an ADWIN window that still holds the old concept are not counted as more drifts;
 *   <li>a challenger is compared with the model on the examples both scored since it started: once it has scored
 *       {@code drift.min-challenger-examples} (m) of them, a lower summed error makes it the model
 *       ({@link Event#CHALLENGER_SWAP}, and the detector starts afresh for the new model); if after 2m it has not
 *       won, it is dropped ({@link Event#CHALLENGER_DROP}).
 * </ul>
 */
public final class DriftWatch {

    private static final String TAG = "drift-watch";
    private static final int VERSION = 1;
    /** Examples of the regression signal's reference mean when the detector has no {@code drift.min-instances}. */
    private static final int DEFAULT_REFERENCE_EXAMPLES = 30;

    /** What happened at an example, in the words of the TrainingMetrics {@code event} kinds. */
    public enum Event {
        WARNING("drift-warning"),
        DRIFT("drift"),
        CHALLENGER_START("challenger-start"),
        CHALLENGER_SWAP("challenger-swap"),
        CHALLENGER_DROP("challenger-drop");

        private final String kind;

        Event(String kind) {
            this.kind = kind;
        }

        /** The event's {@code kind}, e.g. {@code drift-warning}. */
        public String kind() {
            return kind;
        }
    }

    private final DriftConfig config;
    private final DriftResponse response;
    private final boolean regression;
    private final int referenceExamples;
    private final Optional<DriftDetector> detector;

    private long examples;
    private boolean warning;
    private long warnings;
    private long detections;
    private long lastDetectionExample = -1;
    private long referenceCount;
    private double referenceSum;
    private boolean challenger;
    private long compared;
    private double modelErrorSum;
    private double challengerErrorSum;

    /**
     * @param regression whether the errors are squared errors (else 0/1)
     */
    public DriftWatch(DriftConfig config, DriftResponse response, boolean regression) {
        this.config = config;
        this.response = response;
        this.regression = regression;
        this.referenceExamples = config.settings()
                .filter(PageHinkleyConfig.class::isInstance)
                .map(s -> ((PageHinkleyConfig) s).minInstances())
                .orElse(DEFAULT_REFERENCE_EXAMPLES);
        this.detector = config.newDetector();
    }

    /**
     * Observes the next training example.
     *
     * @param modelError the model's error on it: [ŷ ≠ y], or (ŷ − y)²
     * @param challengerError the challenger's error on it, NaN when the challenger did not score it (then the example is
     *     not compared); ignored while there is no challenger
     * @param mayStartChallenger whether a warning may start a challenger now (not while the model is paused)
     * @return what happened, in order (usually nothing)
     */
    public List<Event> observe(double modelError, double challengerError, boolean mayStartChallenger) {
        examples++;
        List<Event> events = new ArrayList<>(0);
        if (challenger && !Double.isNaN(challengerError)) {
            compared++;
            modelErrorSum += modelError;
            challengerErrorSum += challengerError;
            if (compared >= response.minChallengerExamples() && challengerErrorSum < modelErrorSum) {
                challenger = false;
                events.add(Event.CHALLENGER_SWAP);
                restartDetector();
            } else if (compared >= 2L * response.minChallengerExamples()) {
                challenger = false;
                events.add(Event.CHALLENGER_DROP);
            }
        }
        double signal = signal(modelError);
        if (detector.isEmpty() || !Double.isFinite(signal)) {
            // A non-finite error is a diverged model, which the trainer's NaN/Inf guard handles; no detector takes it.
            return events;
        }
        DriftState state = detector.get().update(signal);
        if (state == DriftState.DRIFT) {
            detections++;
            lastDetectionExample = examples;
            events.add(Event.DRIFT);
            restartDetector();
        } else if (state == DriftState.WARNING && !warning) {
            warning = true;
            warnings++;
            events.add(Event.WARNING);
            if (mayStartChallenger && !challenger && !response.challenger().equals("none")) {
                challenger = true;
                compared = 0;
                modelErrorSum = 0;
                challengerErrorSum = 0;
                events.add(Event.CHALLENGER_START);
            }
        } else if (state == DriftState.NONE) {
            warning = false;
        }
        return events;
    }

    /** The detector's input: the error, or for regression the squared error over the reference mean. */
    private double signal(double error) {
        if (!regression) {
            return error;
        }
        if (referenceCount < referenceExamples && Double.isFinite(error)) {
            referenceCount++;
            referenceSum += error;
        }
        double mean = referenceCount == 0 ? 0 : referenceSum / referenceCount;
        return mean > 0 ? error / mean : Double.isFinite(error) ? 0 : error;
    }

    private void restartDetector() {
        detector.ifPresent(DriftDetector::reset);
        warning = false;
    }

    /** Forgets everything ({@code reset}): detector, counters, challenger. */
    public void reset() {
        restartDetector();
        examples = 0;
        warnings = 0;
        detections = 0;
        lastDetectionExample = -1;
        referenceCount = 0;
        referenceSum = 0;
        challenger = false;
        compared = 0;
        modelErrorSum = 0;
        challengerErrorSum = 0;
    }

    /** The {@code drift.detector} name. */
    public String detectorName() {
        return config.detector();
    }

    /** What a detection does. */
    public DriftResponse response() {
        return response;
    }

    /** Training examples observed since the start or the last {@link #reset()}. */
    public long examples() {
        return examples;
    }

    /** Whether the detector is in its warning zone. */
    public boolean warning() {
        return warning;
    }

    /** Rises to WARNING so far. */
    public long warnings() {
        return warnings;
    }

    /** Drifts detected so far. */
    public long detections() {
        return detections;
    }

    /** The 1-based count of training examples at the last detection, −1 before the first. */
    public long lastDetectionExample() {
        return lastDetectionExample;
    }

    /** Whether a challenger is running. */
    public boolean challenger() {
        return challenger;
    }

    /** The state: counters, the comparison and the detector's state. */
    public byte[] state() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            StateIo.writeHeader(out, TAG, VERSION);
            out.writeUTF(config.detector());
            out.writeLong(examples);
            out.writeBoolean(warning);
            out.writeLong(warnings);
            out.writeLong(detections);
            out.writeLong(lastDetectionExample);
            out.writeLong(referenceCount);
            out.writeDouble(referenceSum);
            out.writeBoolean(challenger);
            out.writeLong(compared);
            out.writeDouble(modelErrorSum);
            out.writeDouble(challengerErrorSum);
            if (detector.isPresent()) {
                byte[] d = detector.get().stateBytes();
                out.writeInt(d.length);
                out.write(d);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Restores a state written by {@link #state()} of a watch with the same configuration.
     *
     * @throws IllegalArgumentException when the bytes are not such a state
     */
    public void restore(byte[] state) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            StateIo.readHeader(in, TAG, VERSION);
            String name = in.readUTF();
            if (!name.equals(config.detector())) {
                throw new IOException(
                        "the state is of drift.detector=" + name + ", this watch has " + config.detector());
            }
            examples = in.readLong();
            warning = in.readBoolean();
            warnings = in.readLong();
            detections = in.readLong();
            lastDetectionExample = in.readLong();
            referenceCount = in.readLong();
            referenceSum = in.readDouble();
            challenger = in.readBoolean();
            compared = in.readLong();
            modelErrorSum = in.readDouble();
            challengerErrorSum = in.readDouble();
            if (detector.isPresent()) {
                byte[] d = new byte[in.readInt()];
                in.readFully(d);
                detector.get().restoreState(d);
            }
            if (in.available() > 0) {
                throw new IOException(in.available() + " unread bytes at the end");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a drift watch state: " + e.getMessage(), e);
        }
    }
}
