package dev.eddy.core.prequential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SlidingWindowTest {

    @Test
    void meanOfTheMostRecentScores() {
        SlidingWindow w = new SlidingWindow(3);
        assertThat(w.mean()).isNaN();
        w.add(1);
        w.add(0);
        assertThat(w.mean()).isEqualTo(0.5);
        w.add(1);
        w.add(1);
        assertThat(w.mean()).isEqualTo(2.0 / 3); // 1 0 1 1: the first has left
        assertThat(w.count()).isEqualTo(4);
    }

    @Test
    void restoresBitIdenticallyAndKeepsTheNewestScoresUnderAnotherSize() {
        SlidingWindow w = new SlidingWindow(4);
        for (int i = 1; i <= 6; i++) {
            w.add(i * 0.1);
        }
        SlidingWindow same = SlidingWindow.fromBytes(w.toBytes(), 4);
        assertThat(same.toBytes()).isEqualTo(w.toBytes());
        same.add(0.7);
        w.add(0.7);
        assertThat(Double.doubleToLongBits(same.mean())).isEqualTo(Double.doubleToLongBits(w.mean()));

        SlidingWindow smaller = SlidingWindow.fromBytes(w.toBytes(), 2);
        assertThat(smaller.mean()).isEqualTo((6 * 0.1 + 0.7) / 2);
        SlidingWindow larger = SlidingWindow.fromBytes(w.toBytes(), 10); // the four kept: 0.4 .. 0.7
        assertThat(larger.count()).isEqualTo(4);
        assertThatThrownBy(() -> SlidingWindow.fromBytes(new byte[3], 4))
                .hasMessageContaining("not a prequential window");
        assertThatThrownBy(() -> new SlidingWindow(0)).hasMessage("prequential.window must be at least 1, got 0");
    }

    @Test
    void aWindowOfZerosAndOnesIsABitPerSlotAndItsMeanTheSumInSlotOrder() {
        SplittableRandom random = new SplittableRandom(7);
        SlidingWindow w = new SlidingWindow(1000);
        List<Double> added = new ArrayList<>();
        for (int n = 1; n <= 2500; n++) {
            double score = random.nextInt(10) < 8 ? 1 : 0;
            w.add(score);
            added.add(score);
            if (n % 97 == 0 || n == 999 || n == 1000 || n == 1001) {
                assertThat(Double.doubleToLongBits(w.mean()))
                        .isEqualTo(Double.doubleToLongBits(slotOrderMean(added, 1000)));
            }
        }
        byte[] bytes = w.toBytes();
        assertThat(bytes).hasSize(16 + 125);
        assertThat(ByteBuffer.wrap(bytes).getInt()).isEqualTo(2);
        SlidingWindow same = SlidingWindow.fromBytes(bytes, 1000);
        assertThat(same.toBytes()).isEqualTo(bytes);
        assertThat(same.mean()).isEqualTo(w.mean());
        same.add(0);
        added.add(0.0);
        assertThat(same.mean()).isEqualTo(slotOrderMean(added, 1000));
        SlidingWindow smaller = SlidingWindow.fromBytes(bytes, 10); // the ten newest, in order
        assertThat(smaller.mean()).isEqualTo(slotOrderMean(added.subList(0, 2500), 10));
        assertThat(SlidingWindow.fromBytes(new SlidingWindow(13).toBytes(), 13).mean())
                .isNaN();
    }

    @Test
    void aScoreOtherThanZeroOrOneKeepsTheDoublesUntilItLeaves() {
        SlidingWindow w = new SlidingWindow(3);
        w.add(1);
        w.add(0.25);
        assertThat(w.toBytes()).hasSize(16 + 3 * 8);
        assertThat(w.mean()).isEqualTo(0.625);
        assertThat(SlidingWindow.fromBytes(w.toBytes(), 3).mean()).isEqualTo(0.625);
        w.add(0);
        w.add(1); // 0.25 1 0 1 → 1 is evicted first, then 0.25
        assertThat(w.toBytes()).hasSize(16 + 3 * 8);
        w.add(1);
        assertThat(w.toBytes()).hasSize(16 + 1);
        assertThat(w.mean()).isEqualTo(2.0 / 3);
    }

    @Test
    void aWindowStoredAsDoublesByEarlierVersionsRestoresAndIsWrittenAsBits() {
        ByteBuffer format1 =
                ByteBuffer.allocate(16 + 4 * 8).putInt(1).putLong(6).putInt(4);
        for (double s : new double[] {1, 0, 1, 1}) { // slots after 6 scores: 5th, 6th, 3rd, 4th
            format1.putDouble(s);
        }
        SlidingWindow w = SlidingWindow.fromBytes(format1.array(), 4);
        assertThat(w.mean()).isEqualTo(0.75);
        assertThat(w.count()).isEqualTo(6);
        assertThat(w.toBytes()).hasSize(16 + 1);
        assertThat(SlidingWindow.fromBytes(w.toBytes(), 4).toBytes()).isEqualTo(w.toBytes());
        byte[] truncated = Arrays.copyOf(w.toBytes(), 16);
        assertThatThrownBy(() -> SlidingWindow.fromBytes(truncated, 4))
                .hasMessage("prequential window of 16 bytes does not hold 4 slots");
    }

    /** The mean of the last min(n, size) scores summed in the slot order of a window of {@code size}. */
    private static double slotOrderMean(List<Double> added, int size) {
        double[] slots = new double[size];
        for (int n = 0; n < added.size(); n++) {
            slots[n % size] = added.get(n);
        }
        int w = Math.min(added.size(), size);
        double sum = 0;
        for (int i = 0; i < w; i++) {
            sum += slots[i];
        }
        return sum / w;
    }
}
