package dev.eddy.core.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each detector at its defaults on the replayed abrupt sequence ({@link Sequences#abrupt}, seed 2: error rate
 * 0.1, 0.4 from 5,000, 0.1 from 10,000, 0.6 from 15,000): the indices of its outputs, pinned (the same as MOA's
 * for ADWIN, Page-Hinkley and DDM, see {@link MoaConformanceTest}). None reacts to the fall at 10,000.
 */
class ReplayTest {

    private static final double[] ABRUPT = Sequences.abrupt(2);

    private static List<Integer> indices(DriftDetector detector, DriftState state) {
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < ABRUPT.length; i++) {
            if (detector.update(ABRUPT[i]) == state) {
                found.add(i);
            }
        }
        return found;
    }

    @Test
    void adwinCutsRepeatedlyAfterEachRise() {
        // A cut drops the oldest bucket only; the next checks (every 32 examples) drop more of the old concept.
        assertThat(indices(AdwinConfig.defaults().newDetector(), DriftState.DRIFT))
                .containsExactly(5_055, 5_087, 5_119, 5_247, 15_039, 15_071, 15_583);
        assertThat(indices(AdwinConfig.defaults().newDetector(), DriftState.WARNING))
                .containsExactly(5_407, 15_103, 15_391);
    }

    @Test
    void pageHinkleyDetectsOnceAfterEachRiseWarningFirst() {
        // m_t fell through the stretch of rate 0.1 after 10,000 (the mean since the detection at 5,104 stayed
        // above 0.1), so the rise at 15,000 must first lift it back: a longer delay.
        assertThat(indices(PageHinkleyConfig.defaults().newDetector(), DriftState.DRIFT))
                .containsExactly(5_104, 17_684);
        assertThat(indices(PageHinkleyConfig.defaults().newDetector(), DriftState.WARNING))
                .containsExactly(5_038, 17_660);
    }

    @Test
    void ddmDetectsBothRisesAndTwiceInItsFirstExamples() {
        // 36 and 69: DDM's minimum p + s right after its warm-up of 30 rests on few examples (a known weakness).
        assertThat(indices(DdmConfig.defaults().newDetector(), DriftState.DRIFT))
                .containsExactly(36, 69, 5_380, 15_274);
    }

    @Test
    void kswinDetectsBothRises() {
        assertThat(indices(KswinConfig.defaults().newDetector(), DriftState.DRIFT))
                .containsExactly(5_032, 15_023, 15_910);
    }
}
