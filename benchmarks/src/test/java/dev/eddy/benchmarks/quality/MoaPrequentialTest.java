package dev.eddy.benchmarks.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.prequential.ClassificationScore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import moa.core.Utils;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Eddy's prequential scores ({@link ClassificationScore}) computed from a MOA learner's predictions against MOA's own
 * {@code BasicClassificationPerformanceEvaluator} on the same run: the acceptance of issue 11 on elec2 (Hoeffding
 * Adaptive Tree, about 2 s), and the same on a short SEA stream, which needs no file.
 */
class MoaPrequentialTest {

    /** elec2 is not bundled; tests read it from the shared datasets folder beside the repository. */
    private static final Path ELEC2 = Path.of("../../shared/datasets/elec2/elec2.csv.gz");

    private static MoaPrequential elec2Run;
    private static FileOrderStream elec2;

    private static synchronized MoaPrequential hoeffdingAdaptiveTreeOnElec2() throws IOException {
        Assumptions.assumeTrue(
                Files.exists(ELEC2),
                "elec2 not found at " + ELEC2.toAbsolutePath().normalize()
                        + " (the shared datasets folder beside the repository): the MOA cross-check on elec2 is skipped");
        if (elec2Run == null) {
            elec2 = FileOrderStream.csv(ELEC2, null);
            elec2Run = MoaPrequential.run(MoaPeer.HOEFFDING_ADAPTIVE_TREE, elec2);
        }
        return elec2Run;
    }

    private static ClassificationScore eddyScore(FileOrderStream stream, MoaPrequential run) {
        ClassificationScore score = new ClassificationScore(stream.classes(), 1000);
        for (int t = 0; t < stream.rows().size(); t++) {
            score.add(stream.rows().get(t).classLabel(), run.predicted(t));
        }
        return score;
    }

    @Test
    void kappaTemporalOfHoeffdingAdaptiveTreeOnElec2MatchesMoa() throws IOException {
        MoaPrequential run = hoeffdingAdaptiveTreeOnElec2();
        ClassificationScore eddy = eddyScore(elec2, run);

        assertThat(eddy.examples()).isEqualTo(45_312);
        assertThat(eddy.kappaTemporal())
                .isCloseTo(run.moaFigure(MoaPrequential.KAPPA_TEMPORAL), offset(0.005))
                .isNegative();
        assertThat(eddy.accuracy()).isCloseTo(run.moaFigure(MoaPrequential.ACCURACY), offset(1e-9));
        // Issue 11's figure for MOA 2024.07 in file order.
        assertThat(eddy.accuracy()).isCloseTo(0.833, offset(0.005));
    }

    @Test
    void kappaOfHoeffdingAdaptiveTreeOnElec2MatchesMoa() throws IOException {
        MoaPrequential run = hoeffdingAdaptiveTreeOnElec2();

        assertThat(eddyScore(elec2, run).kappa()).isCloseTo(run.moaFigure(MoaPrequential.KAPPA), offset(1e-9));
    }

    @Test
    void everyFigureMatchesMoaOnAShortSeaStream() throws IOException {
        FileOrderStream sea = FileOrderStream.dataset("sea", 3_000, 42, 1_000);
        MoaPrequential run = MoaPrequential.run(MoaPeer.HOEFFDING_ADAPTIVE_TREE, sea);
        ClassificationScore eddy = eddyScore(sea, run);

        assertThat(eddy.accuracy()).isCloseTo(run.moaFigure(MoaPrequential.ACCURACY), offset(1e-9));
        assertThat(eddy.kappa()).isCloseTo(run.moaFigure(MoaPrequential.KAPPA), offset(1e-9));
        assertThat(eddy.kappaTemporal()).isCloseTo(run.moaFigure(MoaPrequential.KAPPA_TEMPORAL), offset(1e-9));
    }

    @Test
    void moaTurnsVotesIntoTheFirstMaximumAndNoVotesIntoClassZero() {
        assertThat(Utils.maxIndex(new double[] {0.2, 0.4, 0.4})).isEqualTo(1);
        assertThat(Utils.maxIndex(new double[] {0, 0})).isZero();
        assertThat(Utils.maxIndex(new double[0])).isZero();
    }

    @Test
    void aRegressionStreamIsRefusedByName() throws IOException {
        FileOrderStream diabetes = FileOrderStream.dataset("diabetes", 1, 42, 0);

        assertThatThrownBy(() -> MoaPrequential.run(MoaPeer.HOEFFDING_ADAPTIVE_TREE, diabetes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("diabetes is a regression stream");
    }

    @Test
    void anUnknownPeerNameIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> MoaPeer.named("moa-nb"))
                .hasMessage("unknown MOA learner 'moa-nb'; expected one of moa-hat, moa-leveraging-bagging, moa-arf");
    }
}
