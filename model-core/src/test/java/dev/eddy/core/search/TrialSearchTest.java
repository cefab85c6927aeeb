package dev.eddy.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TrialSearchTest {

    private static TrialSearch of(String strategy) {
        return TrialSearch.of(
                SearchConfig.parse(Map.of("search.strategy", strategy)).orElseThrow(), true);
    }

    @Test
    void eachStrategyHasItsMachine() {
        assertInstanceOf(AllTrials.class, of("random"));
        assertEquals(192, of("grid").trials());
        assertInstanceOf(Asha.class, of("asha"));
        assertInstanceOf(Hyperband.class, of("hyperband"));
        assertInstanceOf(Zoom.class, of("zoom"));
        assertInstanceOf(Pbt.class, of("pbt"));
    }

    /**
     * asha and hyperband prune at a rung only what is at least {@code search.switch-margin} worse than the rung's
     * top: once every trial of the first rung has reported (η = 4, a closed rung's top ⌈n/η⌉: asha's 16 trials, top
     * 4; hyperband's first bracket of 11, top 3), the trial 0.004 below the top's last is promoted at the default
     * margin (0.005) and paused at margin 0.
     */
    @Test
    void ashaAndHyperbandPromoteWithinTheSwitchMargin() {
        for (String strategy : new String[] {"asha", "hyperband"}) {
            for (String margin : new String[] {"0.005", "0"}) {
                TrialSearch search = TrialSearch.of(
                        SearchConfig.parse(Map.of(
                                        "search.strategy", strategy,
                                        "search.switch-margin", margin))
                                .orElseThrow(),
                        true);
                // hyperband deals trials 0..10 into its first bracket (rungs from 1,000); asha has all 16 there
                int trials = strategy.equals("asha") ? 16 : 11;
                int top = (trials + 3) / 4;
                for (int t = 0; t < trials; t++) {
                    search.report(t, 1_000, t < top ? 0.90 : t == top ? 0.896 : 0.80);
                }
                String where = strategy + " at margin " + margin;
                assertEquals(Asha.Status.RUNNING, search.status(top - 1), where);
                assertEquals(margin.equals("0") ? Asha.Status.PAUSED : Asha.Status.RUNNING, search.status(top), where);
                assertEquals(Asha.Status.PAUSED, search.status(top + 1), where);
            }
        }
    }

    /** Grid and random: every trial trains throughout and never reports. */
    @Test
    void allTrialsRunAndNeverReport() throws IOException {
        TrialSearch all = of("random");
        for (int t = 0; t < all.trials(); t++) {
            assertTrue(all.live(t));
            assertEquals(OptionalLong.empty(), all.nextMilestone(t));
        }
        assertThrows(IllegalStateException.class, () -> all.report(0, 1_000, 0.5));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        all.saveState(new DataOutputStream(bytes));
        IOException other = assertThrows(IOException.class, () -> new AllTrials(3)
                .loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        assertEquals("the search state is of 16 trials, this search has 3", other.getMessage());
    }
}
