package dev.eddy.core.prequential;

import java.nio.ByteBuffer;

/**
 * The last {@code size} per-example scores of a prequential evaluation (0/1 correctness, or a squared error), and
 * their mean over the w = min(n, size) most recent of the n scores added:
 *
 * <pre>
 * mean = (1/w) Σ_{i = n−w+1..n} s_i
 * </pre>
 *
 * The sum is recomputed in slot order on every read, so two windows holding the same scores give the same bits
 * whatever rounding a running sum would have accumulated; reads are rare (evaluations, plot points) and cost O(size).
 */
public final class SlidingWindow {

    private static final int FORMAT = 1;

    private final double[] slots;
    private long count;

    /** @param size the number of most recent scores kept, at least 1 */
    public SlidingWindow(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("prequential.window must be at least 1, got " + size);
        }
        this.slots = new double[size];
    }

    public void add(double score) {
        slots[(int) (count % slots.length)] = score;
        count++;
    }

    /** The mean of the scores in the window, NaN while it is empty. */
    public double mean() {
        int w = filled();
        if (w == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < w; i++) {
            sum += slots[i];
        }
        return sum / w;
    }

    /** Scores added since the start. */
    public long count() {
        return count;
    }

    public int size() {
        return slots.length;
    }

    private int filled() {
        return (int) Math.min(count, slots.length);
    }

    /** The window as bytes: format, count, size, then the slots (big-endian). */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(4 + 8 + 4 + 8 * slots.length);
        b.putInt(FORMAT).putLong(count).putInt(slots.length);
        for (double s : slots) {
            b.putDouble(s);
        }
        return b.array();
    }

    /**
     * A window of {@code size} restored from {@link #toBytes()}; when the stored window had another size, the most
     * recent min(stored, size) scores are kept, in order.
     *
     * @throws IllegalArgumentException when the bytes are not a window
     */
    public static SlidingWindow fromBytes(byte[] bytes, int size) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length < 16 || b.getInt() != FORMAT) {
            throw new IllegalArgumentException("not a prequential window (expected format " + FORMAT + ")");
        }
        long storedCount = b.getLong();
        int storedSize = b.getInt();
        if (storedCount < 0 || storedSize < 1 || bytes.length != 16 + 8L * storedSize) {
            throw new IllegalArgumentException(
                    "prequential window of " + bytes.length + " bytes does not hold " + storedSize + " slots");
        }
        double[] stored = new double[storedSize];
        for (int i = 0; i < storedSize; i++) {
            stored[i] = b.getDouble();
        }
        SlidingWindow window = new SlidingWindow(size);
        if (storedSize == size) {
            System.arraycopy(stored, 0, window.slots, 0, size);
            window.count = storedCount;
            return window;
        }
        long kept = Math.min(Math.min(storedCount, storedSize), size);
        for (long n = storedCount - kept; n < storedCount; n++) {
            window.add(stored[(int) (n % storedSize)]);
        }
        return window;
    }
}
