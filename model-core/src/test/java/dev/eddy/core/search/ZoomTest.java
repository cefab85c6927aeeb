package dev.eddy.core.search;

import static dev.eddy.core.search.Asha.Action.CONTINUE;
import static dev.eddy.core.search.Asha.Action.RESAMPLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.eddy.core.search.Asha.Decision;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class ZoomTest {

    private static final SearchSpace SPACE = SearchSpace.parse(Map.of(
            "search.space.learning-rate", "loguniform(0.001,0.1)",
            "search.space.batch-size", "1|4|8|32",
            "search.space.l2", "uniform(0,0.01)",
            "search.space.eval-every", "int(10,50)"));

    private static Zoom zoom() {
        return new Zoom(new ZoomConfig(10), SPACE, SPACE.sample(42, 8), 42, true);
    }

    /**
     * 8 trials, reports in index order with metric t: the last report closes round 1, the top ⌈8/4⌉ = 2 (trials 7
     * and 6) keep training, the others in rank order (5, 4, …, 0) take a configuration around trial 7, 6, 7, 6, …
     */
    @Test
    void theBottomOfARoundIsResampledAroundTheTop() {
        Zoom zoom = zoom();
        List<SortedMap<String, String>> before = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            before.add(zoom.config(t));
        }
        for (int t = 0; t < 7; t++) {
            assertEquals(OptionalLong.of(10), zoom.nextMilestone(t));
            assertEquals(List.of(new Decision(t, CONTINUE, 0)), zoom.report(t, 10, t));
            assertEquals(OptionalLong.empty(), zoom.nextMilestone(t));
        }
        List<Decision> decisions = zoom.report(7, 10, 7);
        List<Decision> expected = new ArrayList<>(List.of(new Decision(7, CONTINUE, 0)));
        for (int t = 5; t >= 0; t--) {
            expected.add(new Decision(t, RESAMPLE, 0));
        }
        assertEquals(expected, decisions);
        assertEquals(2, zoom.round());
        assertEquals(before.get(7), zoom.config(7));
        assertEquals(before.get(6), zoom.config(6));
        for (int t = 0; t < 6; t++) {
            SortedMap<String, String> c = zoom.config(t);
            assertNotEquals(before.get(t), c, "trial " + t);
            double rate = Double.parseDouble(c.get("learning-rate"));
            assertTrue(rate >= 0.001 && rate <= 0.1, c.toString());
            assertTrue(List.of("1", "4", "8", "32").contains(c.get("batch-size")), c.toString());
            long every = Long.parseLong(c.get("eval-every"));
            assertTrue(every >= 10 && every <= 50, c.toString());
            assertEquals(OptionalLong.of(10), zoom.nextMilestone(t), "a resampled trial counts afresh");
        }
        assertEquals(OptionalLong.of(20), zoom.nextMilestone(7));
        assertThrows(IllegalStateException.class, () -> {
            Zoom z = zoom();
            z.report(0, 10, 1);
            z.report(0, 10, 1);
        });
    }

    /** Restored from its state after every report, the search takes the same decisions and configurations. */
    @Test
    void restoredStateTakesTheSameDecisions() throws IOException {
        Zoom straight = zoom();
        Zoom restarted = zoom();
        long[] examples = new long[8];
        for (int step = 0; step < 40; step++) {
            int t = step % 8;
            examples[t] = straight.nextMilestone(t).orElseThrow();
            double metric = Math.sin(step * 1.7);
            List<Decision> a = straight.report(t, examples[t], metric);
            List<Decision> b = restarted.report(t, examples[t], metric);
            assertEquals(a, b);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            restarted.saveState(new DataOutputStream(bytes));
            restarted = zoom();
            restarted.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            for (int i = 0; i < 8; i++) {
                assertEquals(straight.config(i), restarted.config(i));
                assertEquals(straight.nextMilestone(i), restarted.nextMilestone(i));
            }
        }
        assertEquals(6, straight.round());
    }
}
