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
 * While every score in the window is 0 or 1 (a classifier's correctness) the sum is the count of ones, kept as each
 * score enters and leaves: the mean costs O(1) and has the bits of the sum in slot order, since sums of 0s and 1s are
 * exact. Otherwise the sum is recomputed in slot order on every read, so two windows holding the same scores give the
 * same bits whatever rounding a running sum would have accumulated. A model scores, and reads its window, after every
 * batch and every held-out example, so the classification case is the one that must be cheap; its bytes are one bit
 * per slot ({@link #toBytes()}).
 */
public final class SlidingWindow {

    /** Format 1: a double per slot. */
    private static final int DOUBLES = 1;
    /** Format 2: every slot 0 or 1, a bit per slot. */
    private static final int BITS = 2;

    private static final int HEADER = 4 + 8 + 4;

    private final double[] slots;
    private long count;
    /** Slots holding 1. */
    private int ones;
    /** Slots holding neither 0 nor 1 (the empty slots hold 0). */
    private int others;

    /** @param size the number of most recent scores kept, at least 1 */
    public SlidingWindow(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("prequential.window must be at least 1, got " + size);
        }
        this.slots = new double[size];
    }

    public void add(double score) {
        int slot = (int) (count % slots.length);
        tally(slots[slot], -1);
        tally(score, 1);
        slots[slot] = score;
        count++;
    }

    private void tally(double score, int sign) {
        if (score == 1) {
            ones += sign;
        } else if (!isZero(score)) {
            others += sign;
        }
    }

    /** +0.0 only: −0.0 (and NaN) must be stored as they are, so they count with the others. */
    private static boolean isZero(double score) {
        return Double.doubleToRawLongBits(score) == 0L;
    }

    /** The mean of the scores in the window, NaN while it is empty. */
    public double mean() {
        int w = filled();
        if (w == 0) {
            return Double.NaN;
        }
        if (others == 0) {
            return (double) ones / w;
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

    /**
     * The window as bytes: format, count, size (big-endian), then the slots: while every slot is 0 or 1 a bit each,
     * slot i in bit (i mod 8) of byte ⌊i/8⌋ (format 2, a 1,000-example window in 141 bytes), otherwise a double each
     * (format 1).
     */
    public byte[] toBytes() {
        boolean bits = others == 0;
        int length = HEADER + (bits ? (slots.length + 7) / 8 : 8 * slots.length);
        ByteBuffer b = ByteBuffer.allocate(length);
        b.putInt(bits ? BITS : DOUBLES).putLong(count).putInt(slots.length);
        if (bits) {
            byte[] packed = b.array();
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] == 1) {
                    packed[HEADER + (i >>> 3)] |= (byte) (1 << (i & 7));
                }
            }
        } else {
            for (double s : slots) {
                b.putDouble(s);
            }
        }
        return b.array();
    }

    /**
     * A window of {@code size} restored from {@link #toBytes()} (either format); when the stored window had another
     * size, the most recent min(stored, size) scores are kept, in order.
     *
     * @throws IllegalArgumentException when the bytes are not a window
     */
    public static SlidingWindow fromBytes(byte[] bytes, int size) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int format = bytes.length < HEADER ? 0 : b.getInt();
        if (format != DOUBLES && format != BITS) {
            throw new IllegalArgumentException(
                    "not a prequential window (expected format " + DOUBLES + " or " + BITS + ")");
        }
        long storedCount = b.getLong();
        int storedSize = b.getInt();
        long slotBytes = format == BITS ? (storedSize + 7L) / 8 : 8L * storedSize;
        if (storedCount < 0 || storedSize < 1 || bytes.length != HEADER + slotBytes) {
            throw new IllegalArgumentException(
                    "prequential window of " + bytes.length + " bytes does not hold " + storedSize + " slots");
        }
        double[] stored = new double[storedSize];
        for (int i = 0; i < storedSize; i++) {
            stored[i] = format == BITS ? (bytes[HEADER + (i >>> 3)] >>> (i & 7)) & 1 : b.getDouble();
        }
        SlidingWindow window = new SlidingWindow(size);
        if (storedSize == size) {
            for (double s : stored) {
                window.tally(s, 1);
            }
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
