package dev.eddy.core.prequential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
