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
