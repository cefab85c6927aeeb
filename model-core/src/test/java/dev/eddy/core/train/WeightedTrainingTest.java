package dev.eddy.core.train;

import static dev.eddy.core.train.TrainerTest.bits;
import static dev.eddy.core.train.TrainerTest.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.eddy.core.optim.Parameter;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Example weights in {@link Trainer#step(double[][], double[], double[])}: Σ w·ℓ / Σ w, zero sums skipped. */
class WeightedTrainingTest {

    /**
     * The identity: for a loss that is a mean over the batch of per-example losses (all four here: mse, hinge and
     * binary cross-entropy average over the outputs, then over the batch; categorical cross-entropy sums over the
     * classes, then averages over the batch), Σ w·ℓ / Σ w with w_a = 2 is the plain mean over a batch holding a twice:
     * (2ℓ_a + Σ_{b≠a} ℓ_b) / (B + 1). It holds for the whole step, not only the loss, when nothing else in the step
     * sees the batch as rows: no standardization (a row counts once in the statistics whatever its weight), no batch
     * normalization (batch statistics) and no dropout (one mask per row); penalties are once per batch either way. Up
     * to rounding: the sums run in another order.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mse", "binary_crossentropy", "categorical_crossentropy", "hinge"})
    void aWeightOfTwoIsTheExampleTwiceInTheBatch(String loss) {
        String output =
                switch (loss) {
                    case "mse", "hinge" -> "1:linear";
                    case "binary_crossentropy" -> "1:sigmoid";
                    default -> "3:softmax";
                };
        TrainerConfig c = config(
                "layers", "5:tanh," + output,
                "loss", loss,
                "standardize", "false",
                "optimizer", "adam",
                "learning-rate", "0.05");
        Trainer weighted = Trainer.create(c);
        Trainer repeated = Trainer.create(c);
        TrainerTest.Batches data =
                new TrainerTest.Batches(3, 6, loss.equals("mse") ? 0 : loss.equals("categorical_crossentropy") ? 3 : 2);
        for (int s = 0; s < 5; s++) {
            data.next(4);
            for (double[] row : data.x) {
                for (int j = 0; j < row.length; j++) {
                    row[j] /= 10; // keep tanh out of saturation so the steps move the weights
                }
            }
            StepResult a = weighted.step(data.x, data.y, new double[] {2, 1, 1, 1});
            double[][] x = new double[5][];
            x[0] = data.x[0];
            System.arraycopy(data.x, 0, x, 1, 4);
            double[] y = new double[5];
            y[0] = data.y[0];
            System.arraycopy(data.y, 0, y, 1, 4);
            StepResult b = repeated.step(x, y);
            assertThat(a.loss()).as("step %d loss", s).isCloseTo(b.loss(), within(1e-14 * Math.abs(b.loss()) + 1e-15));
            assertThat(a.gradientNorm()).isCloseTo(b.gradientNorm(), within(1e-12 * b.gradientNorm()));
        }
        List<Parameter> pa = weighted.network().parameters();
        List<Parameter> pb = repeated.network().parameters();
        for (int i = 0; i < pa.size(); i++) {
            assertThat(pa.get(i).value())
                    .as(pa.get(i).name())
                    .containsExactly(pb.get(i).value(), within(1e-12));
        }
        assertThat(bits(weighted)).isNotEqualTo(bits(Trainer.create(c))); // it did train
    }

    @Test
    void unitWeightsAreBitIdenticalToNoWeights() {
        Trainer plain = Trainer.create(config());
        Trainer unit = Trainer.create(config());
        TrainerTest.Batches a = new TrainerTest.Batches(5, 6, 3);
        TrainerTest.Batches b = new TrainerTest.Batches(5, 6, 3);
        double[] ones = new double[8];
        Arrays.fill(ones, 1.0);
        for (int s = 0; s < 6; s++) {
            plain.step(a.next(8).x, a.y);
            unit.step(b.next(8).x, b.y, ones);
        }
        assertThat(unit.state()).isEqualTo(plain.state());
    }

    @Test
    void zeroWeightsAreASkippedStepNotANonFiniteOne() {
        Trainer t = Trainer.create(config("batch-size", "4"));
        TrainerTest.Batches data = new TrainerTest.Batches(9, 6, 3);
        t.step(data.next(4).x, data.y);
        long[] before = bits(t);
        double lr = t.learningRate();

        StepResult r = t.step(data.next(4).x, data.y, new double[4]);

        assertThat(r.skipped()).isTrue();
        assertThat(r.nonFinite()).isFalse();
        assertThat(r.step()).isEqualTo(1);
        assertThat(r.learningRate()).isEqualTo(lr);
        assertThat(t.steps()).isEqualTo(1);
        assertThat(t.skippedSteps()).isEqualTo(1);
        assertThat(t.nonFiniteSteps()).isZero();
        assertThat(t.examplesSeen()).isEqualTo(8);
        assertThat(bits(t)).isEqualTo(before);
        assertThat(t.learningRate()).isEqualTo(lr);

        Trainer restored = Trainer.restore(t.state());
        assertThat(restored.skippedSteps()).isEqualTo(1);
        assertThat(restored.state()).isEqualTo(t.state());
        // One zero among positive weights is an ordinary step.
        StepResult next = t.step(data.next(4).x, data.y, new double[] {0, 1, 1, 1});
        assertThat(next.skipped()).isFalse();
        assertThat(t.steps()).isEqualTo(2);
    }

    /**
     * Weights do not change the standardization statistics: a zero-weight batch counts in them as the same batch with
     * weight 1 would, and a weighted batch counts each row once.
     */
    @Test
    void weightsDoNotChangeTheStandardizationStatistics() {
        Trainer skipped = Trainer.create(config("batch-size", "4"));
        Trainer weighted = Trainer.create(config("batch-size", "4"));
        Trainer plain = Trainer.create(config("batch-size", "4"));
        TrainerTest.Batches data = new TrainerTest.Batches(9, 6, 3);
        data.next(4);
        skipped.step(data.x, data.y, new double[4]);
        weighted.step(data.x, data.y, new double[] {3, 0.5, 0, 1});
        plain.step(data.x, data.y);
        double[] fromPlain = standardized(plain);
        assertThat(standardized(skipped)).containsExactly(fromPlain);
        assertThat(standardized(weighted)).containsExactly(fromPlain);
    }

    private static double[] standardized(Trainer t) {
        double[] out = new double[6];
        t.inferenceModel().standardizer().orElseThrow().transform(new double[] {1, 2, 3, 4, 5, 6}, out);
        return out;
    }

    @Test
    void badWeightsAreRefusedBeforeAnythingChanges() {
        Trainer t = Trainer.create(config("batch-size", "2"));
        byte[] state = t.state();
        double[][] x = {{1, 2, 3, 4, 5, 6}, {6, 5, 4, 3, 2, 1}};
        double[] y = {0, 2};
        assertThatThrownBy(() -> t.step(x, y, new double[] {1, -1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weights: weight 1 must be 0 or in [1e-100, 1e100], got -1.0");
        assertThatThrownBy(() -> t.step(x, y, new double[] {Double.NaN, 1}))
                .hasMessage("weights: weight 0 must be 0 or in [1e-100, 1e100], got NaN");
        assertThatThrownBy(() -> t.step(x, y, new double[] {1, Double.POSITIVE_INFINITY}))
                .hasMessage("weights: weight 1 must be 0 or in [1e-100, 1e100], got Infinity");
        // finite, but Σ w overflows: w/Σ w = 0 made the step change nothing
        assertThatThrownBy(() -> t.step(x, y, new double[] {1e308, 1e308}))
                .hasMessage("weights: weight 0 must be 0 or in [1e-100, 1e100], got 1.0E308");
        assertThatThrownBy(() -> t.step(x, y, new double[] {1, Double.MIN_VALUE}))
                .hasMessage("weights: weight 1 must be 0 or in [1e-100, 1e100], got 4.9E-324");
        assertThatThrownBy(() -> t.step(x, y, new double[] {1}))
                .hasMessage("weights: got 1 weights for 2 rows; expected one per row");
        assertThat(t.state()).isEqualTo(state);
    }

    /** A state of format version 1 (before skipped steps were counted) restores with no skipped step. */
    @Test
    void aVersionOneStateStillRestores() throws IOException {
        Trainer t = Trainer.create(config());
        TrainerTest.Batches data = new TrainerTest.Batches(4, 6, 3);
        for (int s = 0; s < 3; s++) {
            t.step(data.next(8).x, data.y);
        }
        byte[] v2 = t.state();
        byte[] v1 = asVersionOne(v2);
        Trainer restored = Trainer.restore(v1);
        assertThat(restored.skippedSteps()).isZero();
        assertThat(restored.steps()).isEqualTo(3);
        assertThat(restored.state()).isEqualTo(v2);
    }

    /**
     * The version 1 layout of a current state whose skipped-step counter and schedule start are 0: both removed (the
     * layout is otherwise the same up to the masks).
     */
    private static byte[] asVersionOne(byte[] current) throws IOException {
        StateLayout layout = StateLayout.of(current);
        assertThat(layout.version()).isEqualTo(Trainer.STATE_VERSION);
        assertThat(layout.counters()[3]).as("skipped steps").isZero();
        assertThat(layout.counters()[4]).as("schedule start").isZero();
        return layout.asVersion(1).toBytes();
    }
}
