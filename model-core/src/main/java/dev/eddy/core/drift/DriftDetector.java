package dev.eddy.core.drift;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A concept-drift detector fed with one value per example: the 0/1 error of a classifier, or a regression
 * loss made scale-free. Only a rise of that value counts: a model that gets better never triggers anything.
 *
 * <p>The state is exact: {@link #saveState} then {@link #loadState} into a detector built from the same
 * configuration gives the same outputs as an uninterrupted detector, bit for bit. The configuration is not
 * part of the state.
 */
public interface DriftDetector {

    /** Adds the value of the next example and says whether the error has risen. */
    DriftState update(double x);

    /** Forgets every value: the detector is as constructed. */
    void reset();

    /** The name {@code drift.detector} takes for this detector. */
    String name();

    /** Writes the evolving state (a header naming the detector and its format version first). */
    void saveState(DataOutput out) throws IOException;

    /** Restores a state written by {@link #saveState} of a detector with the same configuration. */
    void loadState(DataInput in) throws IOException;

    /** {@link #saveState} as bytes. */
    default byte[] stateBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            saveState(new DataOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * {@link #loadState} from bytes written by {@link #stateBytes()}.
     *
     * @throws IOException when the bytes are not a whole state of this detector
     */
    default void restoreState(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        loadState(in);
        if (in.available() > 0) {
            throw new IOException(name() + " state has " + in.available() + " unread bytes at its end");
        }
    }
}
