package dev.eddy.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ChampionTest {

    private static final boolean[] ALL = {true, true, true};

    @Test
    void switchesOnlyWhenBetterByMoreThanTheMargin() {
        Champion c = new Champion(3, 0.005, true);
        assertEquals(-1, c.champion());
        assertEquals(OptionalInt.of(1), c.update(new double[] {0.80, 0.82, 0.81}, ALL));
        assertEquals(OptionalInt.empty(), c.update(new double[] {0.824, 0.82, 0.81}, ALL)); // 0.004 better
        assertEquals(OptionalInt.empty(), c.update(new double[] {0.80, 0.82, 0.8249}, ALL)); // below the margin
        assertEquals(OptionalInt.of(2), c.update(new double[] {0.80, 0.82, 0.826}, ALL)); // 0.006 better
        assertEquals(1, c.switches());
        // the champion keeps serving while it stays within the margin of the best
        assertEquals(OptionalInt.empty(), c.update(new double[] {0.80, 0.83, 0.826}, ALL));
        assertEquals(2, c.champion());
    }

    @Test
    void minimizingSwitchesToASmallerMetric() {
        Champion c = new Champion(2, 0.1, false);
        assertEquals(OptionalInt.of(0), c.update(new double[] {1.0, 1.5}, new boolean[] {true, true}));
        assertEquals(OptionalInt.empty(), c.update(new double[] {1.0, 0.95}, new boolean[] {true, true}));
        assertEquals(OptionalInt.of(1), c.update(new double[] {1.0, 0.85}, new boolean[] {true, true}));
    }

    @Test
    void aChampionThatIsNoLongerLiveIsReplacedWithoutTheMargin() {
        Champion c = new Champion(3, 0.5, true);
        c.update(new double[] {0.9, 0.8, 0.7}, ALL);
        assertEquals(OptionalInt.of(1), c.update(new double[] {0.9, 0.8, 0.7}, new boolean[] {false, true, true}));
        assertEquals(OptionalInt.empty(), c.update(new double[] {0.9, 0.8, 0.7}, new boolean[] {false, false, false}));
        assertEquals(1, c.champion());
    }

    @Test
    void nanRanksLastAndTiesGoToTheLowerIndex() {
        Champion c = new Champion(3, 0.0, true);
        assertEquals(OptionalInt.of(1), c.update(new double[] {Double.NaN, 0.5, 0.5}, ALL));
        assertEquals(OptionalInt.empty(), c.update(new double[] {0.5, 0.5, 0.5}, ALL));
        assertEquals(OptionalInt.of(0), c.update(new double[] {0.4, Double.NaN, 0.3}, ALL));
    }

    @Test
    void stateRoundTrips() throws IOException {
        Champion c = new Champion(3, 0.005, true);
        c.update(new double[] {0.80, 0.82, 0.81}, ALL);
        c.update(new double[] {0.90, 0.82, 0.81}, ALL);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        c.saveState(new DataOutputStream(bytes));
        Champion restored = new Champion(3, 0.005, true);
        restored.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(0, restored.champion());
        assertEquals(1, restored.switches());
        assertEquals(OptionalInt.empty(), restored.update(new double[] {0.90, 0.904, 0.81}, ALL));
        assertThrows(IOException.class, () -> new Champion(4, 0.005, true)
                .loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        assertThrows(IllegalArgumentException.class, () -> new Champion(3, -1, true));
    }
}
