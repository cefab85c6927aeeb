package dev.eddy.core.search;

import static dev.eddy.core.search.Asha.Action.PROMOTE;
import static dev.eddy.core.search.Asha.Action.PRUNE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.eddy.core.init.Xoshiro256;
import dev.eddy.core.search.Asha.Decision;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class HyperbandTest {

    /**
     * Defaults (1,000 to 64,000, η = 4): rungs 1,000, 4,000, 16,000, so 4 brackets; shares 4/4·4³ = 64, 4/3·4² =
     * 21.33, 4/2·4 = 8, 4/1·1 = 4 of 97.33: 16 trials are 10.52, 3.51, 1.32, 0.66 → 10, 3, 1, 0 and the two
     * largest remainders (0.66, 0.52) add one each: 10+1, 3, 1, 0+1.
     */
    @Test
    void bracketsAreDealtAsHyperbandsShares() {
        assertArrayEquals(new int[] {11, 3, 1, 1}, Hyperband.sizes(4, 4, 16));
        assertArrayEquals(new int[] {1, 0, 0, 0}, Hyperband.sizes(4, 4, 1));
        Hyperband hb = new Hyperband(AshaConfig.DEFAULTS, 16, true, 0);
        assertArrayEquals(new int[] {11, 3, 1, 1}, hb.bracketSizes());
        assertEquals(OptionalLong.of(1_000), hb.nextMilestone(0));
        assertEquals(OptionalLong.of(4_000), hb.nextMilestone(11));
        assertEquals(OptionalLong.of(16_000), hb.nextMilestone(14));
        assertEquals(OptionalLong.empty(), hb.nextMilestone(15));
        assertEquals(Asha.Status.RUNNING, hb.status(15));
        assertThrows(IllegalStateException.class, () -> hb.report(15, 64_000, 0.9));
    }

    /** Trials are compared within their bracket only, and the decisions name the global trial. */
    @Test
    void promotesWithinTheBracket() {
        Hyperband hb = new Hyperband(new AshaConfig(100, 400, 2), 8, true, 0);
        // rungs 100, 200: brackets of shares 3/3·4 = 4, 3/2·2 = 3, 3/1·1 = 3 of 10: 3.2, 2.4, 2.4 → 3, 2, 2 + 1
        // (bracket 1)
        assertArrayEquals(new int[] {3, 3, 2}, hb.bracketSizes());
        assertEquals(List.of(new Decision(3, PRUNE, 0)), hb.report(3, 200, 0.9));
        assertEquals(List.of(new Decision(4, PRUNE, 0), new Decision(3, PROMOTE, 0)), hb.report(4, 200, 0.1));
        assertEquals(List.of(new Decision(0, PRUNE, 0)), hb.report(0, 100, 0.2));
        assertEquals(0, hb.rung(0));
        assertEquals(-1, hb.rung(6));
    }

    /** A search restored from its state at any report takes the same decisions as one never interrupted. */
    @Test
    void restoredStateTakesTheSameDecisions() throws IOException {
        AshaConfig config = new AshaConfig(10, 160, 2);
        Hyperband straight = new Hyperband(config, 12, false, 0);
        Hyperband restarted = new Hyperband(config, 12, false, 0);
        Xoshiro256 rng = new Xoshiro256(7);
        long[] trained = new long[12];
        List<Decision> expected = new ArrayList<>();
        List<Decision> actual = new ArrayList<>();
        for (int step = 0; step < 400; step++) {
            int t = (int) Long.remainderUnsigned(rng.nextLong(), 12);
            OptionalLong next = straight.nextMilestone(t);
            if (next.isEmpty()) {
                continue;
            }
            trained[t] = next.getAsLong();
            double metric = rng.nextDouble();
            expected.addAll(straight.report(t, trained[t], metric));
            actual.addAll(restarted.report(t, trained[t], metric));
            if (step % 7 == 0) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                restarted.saveState(new DataOutputStream(bytes));
                restarted = new Hyperband(config, 12, false, 0);
                restarted.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            }
        }
        assertEquals(expected, actual);
        for (int t = 0; t < 12; t++) {
            assertEquals(straight.status(t), restarted.status(t));
        }
    }
}
