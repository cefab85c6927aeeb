package dev.eddy.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code standardize-target}: regression on a target far from 0 and wide, learned standardized and mapped back. */
class TargetStandardizationTest {

    private static final int INPUTS = 4;

    /** One hidden layer of 16 relu, plain SGD 0.05 at batch size 1: the online regression a user writes. */
    private static TrainerConfig config(boolean standardizeTarget, String... keyValues) {
        Map<String, String> p = new HashMap<>();
        p.put("input-size", Integer.toString(INPUTS));
        p.put("layers", "16:relu,1:linear");
        p.put("optimizer", "sgd");
        p.put("learning-rate", "0.05");
        p.put("batch-size", "1");
        p.put("seed", "3");
        p.put("standardize-target", Boolean.toString(standardizeTarget));
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return TrainerConfig.fromProperties(p);
    }

    /** Rows of a stream whose target y = 150 + 40·x0 − 25·x1 + noise lies around 150 with spread ~50. */
    private static final class Stream {
        final SplittableRandom random = new SplittableRandom(11);

        double[] x() {
            double[] x = new double[INPUTS];
            for (int j = 0; j < INPUTS; j++) {
                x[j] = random.nextGaussian();
            }
            return x;
        }

        double y(double[] x) {
            return 150 + 40 * x[0] - 25 * x[1] + 5 * random.nextGaussian();
        }
    }

    /** Prequential mean absolute error over the last {@code window} of {@code rows} examples (score, then train). */
    private static double prequentialMae(Trainer trainer, int rows, int window) {
        Stream stream = new Stream();
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            double[] x = stream.x();
            double y = stream.y(x);
            double predicted = trainer.predictions(new double[][] {x})[0];
            if (r >= rows - window) {
                sum += Math.abs(predicted - y);
            }
            trainer.step(new double[][] {x}, new double[] {y});
        }
        return sum / window;
    }

    @Test
    void aWideTargetFarFromZeroIsLearnedStandardizedWhereRawSgdDiverges() {
        double with = prequentialMae(Trainer.create(config(true)), 3000, 1000);
        double without = prequentialMae(Trainer.create(config(false)), 3000, 1000);
        // noise alone costs 5·√(2/π) ≈ 4 in MAE; predicting the mean would cost about 38
        assertThat(with).isLessThan(8);
        assertThat(without)
                .as("raw targets: SGD 0.05 at batch 1 on a target of spread ~50")
                .isGreaterThan(40);
    }

    @Test
    void beforeAnyExampleTheNetworkOutputIsThePrediction() {
        double[][] x = {new Stream().x()};
        Trainer standardized = Trainer.create(config(true));
        Trainer raw = Trainer.create(config(false));
        assertThat(standardized.predictions(x)).containsExactly(raw.predictions(x));
    }

    @Test
    void predictionsAndEvaluationsAreInTargetUnits() {
        Trainer trainer = Trainer.create(config(true));
        prequentialMae(trainer, 2000, 1);
        Stream stream = new Stream();
        double[][] x = new double[200][];
        double[] y = new double[200];
        for (int r = 0; r < x.length; r++) {
            x[r] = stream.x();
            y[r] = stream.y(x[r]);
        }
        double[] predicted = trainer.predictions(x);
        double mae = 0;
        for (int r = 0; r < x.length; r++) {
            mae += Math.abs(predicted[r] - y[r]) / x.length;
            assertThat(trainer.predict(new double[][] {x[r]})[0][0]).isEqualTo(predicted[r]);
        }
        Evaluation evaluation = trainer.evaluate(x, y);
        assertThat(evaluation.metrics().get("mae")).isCloseTo(mae, within(1e-9));
        assertThat(mae).isLessThan(8);
    }

    @Test
    void theServedModelFoldsTheInverseIntoItsOutputLayer() {
        Trainer trainer = Trainer.create(config(true));
        prequentialMae(trainer, 1500, 1);
        InferenceModel served = trainer.inferenceModel();
        Stream stream = new Stream();
        for (int r = 0; r < 50; r++) {
            double[][] x = {stream.x()};
            double expected = trainer.predictions(x)[0];
            assertThat(served.predict(x)[0][0]).isCloseTo(expected, within(1e-9 * Math.abs(expected)));
        }
        assertThat(InferenceModel.fromBytes(served.toBytes()).predict(new double[][] {new double[INPUTS]}))
                .isDeepEqualTo(served.predict(new double[][] {new double[INPUTS]}));
    }

    @Test
    void theStatisticsArePartOfTheStateAndOfAnExploitsCopy() {
        Trainer trainer = Trainer.create(config(true));
        prequentialMae(trainer, 700, 1);
        Trainer restored = Trainer.restore(trainer.state());
        Trainer copy = Trainer.copyOf(trainer.config(), trainer);
        double[][] x = {new Stream().x()};
        assertThat(restored.predictions(x)).containsExactly(trainer.predictions(x));
        assertThat(copy.predictions(x)).containsExactly(trainer.predictions(x));
        prequentialMae(trainer, 300, 1);
        prequentialMae(restored, 300, 1);
        assertThat(restored.state()).isEqualTo(trainer.state());
    }

    @Test
    void theTrainingLossIsInTargetUnitsAsTheHoldoutLossIs() {
        // a rate so small that the step leaves the weights as they were: the step's loss is then the evaluation's
        Trainer trainer = Trainer.create(config(true, "learning-rate", "1e-12"));
        Stream stream = new Stream();
        double[][] x = new double[32][];
        double[] y = new double[32];
        for (int batch = 0; batch < 5; batch++) {
            for (int r = 0; r < x.length; r++) {
                x[r] = stream.x();
                y[r] = stream.y(x[r]);
            }
            StepResult step = trainer.step(x, y);
            double holdoutLoss = trainer.evaluate(x, y).loss();
            assertThat(holdoutLoss).as("mse of a target of spread ~50").isGreaterThan(1000);
            assertThat(step.loss()).isCloseTo(holdoutLoss, within(1e-9 * holdoutLoss));
        }
    }

    @Test
    void newModelsGetItWhereItAppliesAndStoredConfigurationsKeepTheirs() {
        Map<String, String> regression = Map.of("input-size", "4", "layers", "8:relu,1:linear");
        assertThat(TrainerConfig.withNewModelDefaults(regression)).containsEntry("standardize-target", "true");
        assertThat(TrainerConfig.fromProperties(TrainerConfig.withNewModelDefaults(regression))
                        .standardizeTarget())
                .isTrue();
        assertThat(TrainerConfig.fromProperties(regression).standardizeTarget())
                .as("a stored configuration without the key: a state written before the default")
                .isFalse();
        Map<String, String> off = new HashMap<>(regression);
        off.put("standardize-target", "false");
        for (Map<String, String> untouched : List.of(
                off,
                Map.of("input-size", "4", "layers", "8:relu,1:sigmoid"),
                Map.of("input-size", "4", "layers", "8:relu,1:softplus"),
                Map.of("input-size", "4", "layers", "8:relu,1:linear", "ensemble", "bagging"),
                Map.of("input-size", "4", "layers", "8:relu,1:linear", "loss", "hinge"))) {
            assertThat(TrainerConfig.withNewModelDefaults(untouched)).isEqualTo(untouched);
        }
        assertThatThrownBy(() -> TrainerConfig.withNewModelDefaults(Map.of("layers", "1:linear")))
                .hasMessageContaining("input-size");
    }

    @Test
    void offIsTheDefaultAndLeavesTheCanonicalFormAsBefore() {
        TrainerConfig off = config(false);
        assertThat(off.standardizeTarget()).isFalse();
        assertThat(off.toProperties()).doesNotContainKey("standardize-target");
        assertThat(config(true).toProperties()).containsEntry("standardize-target", "true");
    }

    @Test
    void refusedWhereItCannotApply() {
        Map<String, String> classification =
                new HashMap<>(Map.of("input-size", "4", "layers", "8:relu,1:sigmoid", "standardize-target", "true"));
        assertThatThrownBy(() -> TrainerConfig.fromProperties(classification))
                .hasMessage("standardize-target=true applies to regression (loss=mse), got loss=binary_crossentropy");
        assertThatThrownBy(() -> config(true, "layers", "16:relu,1:softplus"))
                .hasMessageStartingWith("standardize-target=true needs a linear output layer")
                .hasMessageContaining("1:softplus");
        assertThatThrownBy(() -> config(true, "ensemble", "bagging"))
                .hasMessageStartingWith("standardize-target=true cannot combine with ensemble=bagging");
        assertThatThrownBy(() -> config(false, "standardize-target", "yes"))
                .hasMessage("standardize-target must be true or false, got 'yes'");
    }

    /**
     * A float32 output layer that held μ would round every served prediction to float32's spacing at μ (2 at 3e7),
     * while the trainer's holdout metrics map the output back in double: refused, even as the regression default, with
     * what to write instead.
     */
    @Test
    void refusedWithFloat32ForANewConfigurationSayingToWriteFalseButAStoredOneStillReads() {
        String refusal = "standardize-target=true (the default of a new regression model) cannot combine with"
                + " precision=float32";
        assertThat(config(true, "precision", "float32").newConfigurationRefusal())
                .startsWith(refusal)
                .contains("write standardize-target=false to train in float32");
        Map<String, String> regression =
                Map.of("input-size", "4", "layers", "16:relu,1:linear", "precision", "float32");
        assertThat(TrainerConfig.fromProperties(TrainerConfig.withNewModelDefaults(regression))
                        .newConfigurationRefusal())
                .startsWith(refusal);
        assertThat(config(false, "precision", "float32").newConfigurationRefusal())
                .isNull();
        // a state or snapshot written before the refusal holds such a configuration: it still reads
        Trainer stored = Trainer.create(config(true, "precision", "float32"));
        assertThat(Trainer.restore(stored.state()).config().standardizeTarget()).isTrue();
    }

    @Test
    void aCopyNeedsTheSameSetting() {
        Trainer donor = Trainer.create(config(true));
        assertThatThrownBy(() -> Trainer.copyOf(config(false), donor)).hasMessageContaining("standardize-target");
    }
}
