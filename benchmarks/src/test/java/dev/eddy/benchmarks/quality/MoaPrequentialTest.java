package dev.eddy.benchmarks.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.data.LabeledRow;
import dev.eddy.core.prequential.ClassificationScore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.ObjIntConsumer;
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
    private static ClassificationScore elec2Score;

    private static synchronized MoaPrequential hoeffdingAdaptiveTreeOnElec2() throws IOException {
        Assumptions.assumeTrue(
                Files.exists(ELEC2),
                "elec2 not found at " + ELEC2.toAbsolutePath().normalize()
                        + " (the shared datasets folder beside the repository): the MOA cross-check on elec2 is skipped");
        if (elec2Run == null) {
            FileOrderStream elec2 = FileOrderStream.csv(ELEC2, null);
            elec2Score = new ClassificationScore(elec2.classes(), 1000);
            elec2Run = MoaPrequential.run(MoaPeer.HOEFFDING_ADAPTIVE_TREE, elec2, eddyScore(elec2Score));
        }
        return elec2Run;
    }

    /** Eddy's scores of each prediction against its row's class. */
    private static ObjIntConsumer<LabeledRow> eddyScore(ClassificationScore score) {
        return (row, predicted) -> score.add(row.classLabel(), predicted);
    }

    @Test
    void kappaTemporalOfHoeffdingAdaptiveTreeOnElec2MatchesMoa() throws IOException {
        MoaPrequential run = hoeffdingAdaptiveTreeOnElec2();
        ClassificationScore eddy = elec2Score;

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

        assertThat(elec2Score.kappa()).isCloseTo(run.moaFigure(MoaPrequential.KAPPA), offset(1e-9));
    }

    @Test
    void everyFigureMatchesMoaOnAShortSeaStream() throws IOException {
        FileOrderStream sea = FileOrderStream.dataset("sea", 3_000, 42, 1_000);
        ClassificationScore eddy = new ClassificationScore(sea.classes(), 1000);
        MoaPrequential run = MoaPrequential.run(MoaPeer.HOEFFDING_ADAPTIVE_TREE, sea, eddyScore(eddy));

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

        assertThatThrownBy(() -> MoaPrequential.run(MoaPeer.HOEFFDING_ADAPTIVE_TREE, diabetes, (row, p) -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("diabetes is a regression stream");
    }

    @Test
    void anUnknownPeerNameIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> MoaPeer.named("moa-nb"))
                .hasMessage("unknown MOA learner 'moa-nb'; expected one of moa-hat, moa-leveraging-bagging, moa-arf");
    }
}
