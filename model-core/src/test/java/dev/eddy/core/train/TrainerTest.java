package dev.eddy.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.eddy.core.optim.Parameter;
import dev.eddy.core.schedule.LrRangeTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TrainerTest {

    /** 6 inputs, dropout and batch norm on, 3 classes. */
    static TrainerConfig config(String... keyValues) {
        Map<String, String> p = new HashMap<>();
        p.put("input-size", "6");
        p.put("layers", "16:relu:batchnorm:dropout=0.3,8:tanh:dropout=0.1,3:softmax");
        p.put("batch-size", "8");
        p.put("seed", "7");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return TrainerConfig.fromProperties(p);
    }

    /**
     * A deterministic stream of mini-batches: target s = x0 − 2·x1, or for K classes s cut into K bands
     * of width 15 around 0.
     */
    static final class Batches {
        final SplittableRandom random;
        final int inputs;
        final int classes;

        Batches(long seed, int inputs, int classes) {
            this.random = new SplittableRandom(seed);
            this.inputs = inputs;
            this.classes = classes;
        }

        double[][] x;
        double[] y;

        Batches next(int rows) {
            x = new double[rows][inputs];
            y = new double[rows];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < inputs; j++) {
                    x[r][j] = 10 * random.nextGaussian() + j;
                }
                double score = x[r][0] - 2 * x[r][1];
                y[r] = classes == 0
                        ? score
                        : Math.max(0, Math.min(classes - 1, (int) Math.floor(score / 15 + classes / 2.0)));
            }
            return this;
        }
    }

    static long[] bits(Trainer t) {
        List<Long> out = new ArrayList<>();
        for (Parameter p : t.network().parameters()) {
            for (double v : p.value()) {
                out.add(Double.doubleToRawLongBits(v));
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** Steps, with an evaluation fed to early stopping every {@code evalEvery} steps. */
    static void train(Trainer t, Batches data, Batches holdout, int steps, int evalEvery) {
        for (int i = 0; i < steps && !t.stopped(); i++) {
            data.next(t.config().batchSize());
            t.step(data.x, data.y);
            if (t.steps() % evalEvery == 0) {
                holdout.next(20);
                t.onEvaluation(t.evaluate(holdout.x, holdout.y));
            }
        }
    }

    @Test
    void sameConfigGivesIdenticalParameters() {
        assertThat(bits(Trainer.create(config()))).isEqualTo(bits(Trainer.create(config())));
        assertThat(bits(Trainer.create(config("seed", "8")))).isNotEqualTo(bits(Trainer.create(config())));
    }

    static List<String> optimizers() {
        return TrainerConfig.OPTIMIZERS;
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void saveRestoreContinueIsBitIdenticalToNeverStopping(String optimizer) {
        TrainerConfig c = config(
                "optimizer", optimizer,
                "plateau.enabled", "true",
                "plateau.patience", "1",
                "early-stopping.patience", "50",
                "clip.global-norm", "5");
        Trainer uninterrupted = Trainer.create(c);
        train(uninterrupted, new Batches(1, 6, 3), new Batches(2, 6, 3), 60, 7);

        Batches data = new Batches(1, 6, 3);
        Batches holdout = new Batches(2, 6, 3);
        Trainer first = Trainer.create(c);
        train(first, data, holdout, 25, 7);
        byte[] state = first.state();
        Trainer resumed = Trainer.restore(state);
        assertThat(resumed.state()).isEqualTo(state);
        // continue with the same streams: the holdout stream continues after 3 evaluations
        train(resumed, data, holdout, 35, 7);

        assertThat(resumed.steps()).isEqualTo(60);
        assertThat(bits(resumed)).isEqualTo(bits(uninterrupted));
        assertThat(resumed.state()).isEqualTo(uninterrupted.state());
    }

    @Test
    void stateRefusesOtherFormatVersionsAndForeignBytes() {
        byte[] state = Trainer.create(config()).state();
        state[7] = 99;
        assertThatThrownBy(() -> Trainer.restore(state))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("training state format version 99 is not supported; this build reads versions 1 to 5");
        assertThatThrownBy(() -> Trainer.restore(new byte[] {1, 2, 3, 4, 0, 0, 0, 1}))
                .hasMessageContaining("not an Eddy training state: starts with 0x01020304");
        byte[] truncated = Arrays.copyOf(Trainer.create(config()).state(), 100);
        assertThatThrownBy(() -> Trainer.restore(truncated)).hasMessageStartingWith("corrupt training state");
    }

    @Test
    void restoreWithConfigChecksTheArchitecture() {
        Trainer t = Trainer.create(config());
        t.set("learning-rate", "0.01");
        byte[] state = t.state();
        assertThat(Trainer.restore(config(), state).learningRate()).isEqualTo(0.01);
        assertThatThrownBy(() -> Trainer.restore(config("layers", "4:relu,3:softmax"), state))
                .hasMessageContaining("training state was written with another configuration")
                .hasMessageContaining("layers=state has 16:relu:batchnorm:dropout=0.3,8:tanh:dropout=0.1,3:softmax");
    }

    @Test
    void nonFiniteLossKeepsTheLastGoodStateAndHalvesTheRate() {
        Trainer t = Trainer.create(config("layers", "8:relu:batchnorm,1:linear", "standardize", "false"));
        Batches data = new Batches(3, 6, 0);
        for (int i = 0; i < 5; i++) {
            data.next(8);
            t.step(data.x, data.y);
        }
        byte[] before = t.state();
        data.next(8);
        data.y[3] = 1e300; // (ŷ − y)² overflows: the loss is +Infinity
        StepResult result = t.step(data.x, data.y);

        assertThat(result.nonFinite()).isTrue();
        assertThat(result.loss()).isInfinite();
        assertThat(result.step()).isEqualTo(5);
        assertThat(result.learningRate()).isEqualTo(0.5e-3);
        assertThat(t.learningRate()).isEqualTo(0.5e-3);
        assertThat(t.nonFiniteSteps()).isEqualTo(1);
        Trainer good = Trainer.restore(before);
        assertThat(bits(t)).isEqualTo(bits(good));
        // batch-norm running statistics are back too: inference outputs are unchanged
        assertThat(t.predict(data.x)).isDeepEqualTo(good.predict(data.x));
        for (Parameter p : t.network().parameters()) {
            for (double v : p.value()) {
                assertThat(v).isFinite();
            }
        }
        data.next(8);
        assertThat(t.step(data.x, data.y).nonFinite()).isFalse();
        assertThat(t.steps()).isEqualTo(6);
    }

    @Test
    void givingUpOnNonFiniteStepsRestoresTheBestWeights() {
        Trainer t = Trainer.create(
                config("layers", "4:relu,1:linear", "standardize", "false", "nonfinite.max-consecutive", "2"));
        Batches data = new Batches(3, 6, 0);
        Batches holdout = new Batches(4, 6, 0).next(16);
        t.step(data.next(4).x, data.y);
        t.onEvaluation(t.evaluate(holdout.x, holdout.y));
        long[] best = bits(t);
        t.step(data.next(4).x, data.y);
        assertThat(bits(t)).isNotEqualTo(best);
        for (int i = 0; i < 3; i++) {
            data.next(4);
            data.y[0] = -1e300;
            assertThat(t.step(data.x, data.y).nonFinite()).isTrue();
        }
        assertThat(t.stopReason()).contains(StopReason.NON_FINITE);
        assertThat(bits(t)).isEqualTo(best);
    }

    @Test
    void tooManyNonFiniteStepsInARowStopTraining() {
        Trainer t = Trainer.create(
                config("layers", "4:relu,1:linear", "standardize", "false", "nonfinite.max-consecutive", "2"));
        Batches data = new Batches(3, 6, 0);
        for (int i = 0; i < 3; i++) {
            data.next(4);
            data.y[0] = -1e300;
            assertThat(t.step(data.x, data.y).nonFinite()).isTrue();
        }
        assertThat(t.stopReason()).contains(StopReason.NON_FINITE);
        assertThatThrownBy(() -> t.step(data.x, data.y))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("call resume()");
    }

    @Test
    void evaluateAndPredictChangeNoState() {
        Trainer t = Trainer.create(config());
        Batches data = new Batches(4, 6, 3);
        train(t, data, new Batches(5, 6, 3), 10, 100);
        byte[] before = t.state();
        data.next(30);
        Evaluation e = t.evaluate(data.x, data.y);
        t.predict(data.x);
        assertThat(t.state()).isEqualTo(before);
        assertThat(e.examples()).isEqualTo(30);
        assertThat(e.metrics()).containsOnlyKeys("accuracy", "precision", "recall", "f1", "auc");
        assertThat(e.metrics().get("accuracy")).isBetween(0.0, 1.0);
        assertThat(e.loss()).isPositive();
        assertThat(t.evaluate(data.x, data.y)).isEqualTo(e);
        double[][] p = t.predict(data.x);
        assertThat(p[0]).hasSize(3);
        assertThat(p[0][0] + p[0][1] + p[0][2]).isCloseTo(1.0, offset(1e-12));
    }

    @Test
    void hingeLearnsFromZeroOneLabels() {
        Trainer t = Trainer.create(config("layers", "8:relu,1:linear", "loss", "hinge", "learning-rate", "0.01"));
        Batches data = new Batches(11, 6, 2);
        double before = t.evaluate(data.next(200).x, data.y).metrics().get("accuracy");
        double[][] probeX = data.x;
        double[] probeY = data.y;
        for (int i = 0; i < 300; i++) {
            t.step(data.next(16).x, data.y);
        }
        Evaluation after = t.evaluate(probeX, probeY);
        assertThat(after.metrics().get("accuracy")).isGreaterThan(Math.max(before, 0.8));
        assertThat(after.metrics().get("auc")).isGreaterThan(0.85);
    }

    @Test
    void regressionEvaluationHasMaeAndRmse() {
        Trainer t = Trainer.create(config("layers", "8:relu,1:linear"));
        Batches data = new Batches(4, 6, 0).next(40);
        Evaluation e = t.evaluate(data.x, data.y);
        assertThat(e.metrics()).containsOnlyKeys("mae", "rmse");
        assertThat(e.metrics().get("rmse")).isGreaterThanOrEqualTo(e.metrics().get("mae"));
        assertThat(e.loss()).isCloseTo(e.metrics().get("rmse") * e.metrics().get("rmse"), offset(1e-9));
    }

    @Test
    void earlyStoppingStopsAfterPatienceAndRestoresTheBestWeights() {
        Trainer t = Trainer.create(config("early-stopping.patience", "2"));
        Batches data = new Batches(6, 6, 3);
        double[] losses = {1.0, 0.5, 0.6, 0.7};
        long[] bestBits = null;
        List<EvaluationOutcome> outcomes = new ArrayList<>();
        for (double loss : losses) {
            data.next(8);
            t.step(data.x, data.y);
            outcomes.add(t.onEvaluation(new Evaluation(loss, Map.of(), 1)));
            if (loss == 0.5) {
                bestBits = bits(t);
            }
        }
        assertThat(outcomes.get(1).improved()).isTrue();
        assertThat(outcomes.get(2).stopped()).isFalse();
        assertThat(outcomes.get(3).stopped()).isTrue();
        assertThat(outcomes.get(3).restoredBestWeights()).isTrue();
        assertThat(outcomes.get(3).evaluation()).isEqualTo(3);
        assertThat(t.stopReason()).contains(StopReason.EARLY_STOPPING);
        assertThat(t.best()).contains(Map.entry(1, 0.5));
        assertThat(bits(t)).isEqualTo(bestBits);
        // the stop and the best weights survive a restore
        Trainer restored = Trainer.restore(t.state());
        assertThat(restored.stopped()).isTrue();
        assertThat(bits(restored)).isEqualTo(bestBits);

        t.resume();
        assertThat(t.stopped()).isFalse();
        t.step(data.x, data.y);
        assertThat(t.onEvaluation(new Evaluation(0.9, Map.of(), 1)).evaluation())
                .isEqualTo(0);
    }

    @Test
    void reduceOnPlateauScalesTheRateAfterPatienceEvaluations() {
        Trainer t = Trainer.create(config(
                "plateau.enabled", "true",
                "plateau.patience", "1",
                "plateau.factor", "0.1",
                "early-stopping.enabled", "false",
                "learning-rate", "0.01"));
        assertThat(t.onEvaluation(new Evaluation(1.0, Map.of(), 1)).learningRate())
                .isEqualTo(0.01);
        assertThat(t.onEvaluation(new Evaluation(1.0, Map.of(), 1)).learningRate())
                .isCloseTo(0.001, offset(1e-15));
        assertThat(t.learningRate()).isCloseTo(0.001, offset(1e-15));
        // a live base-rate change keeps the reduction made so far, also across a restore
        t.set("learning-rate", "0.02");
        assertThat(t.learningRate()).isCloseTo(0.002, offset(1e-15));
        assertThat(Trainer.restore(t.state()).learningRate()).isEqualTo(t.learningRate());
    }

    @Test
    void stepBudgetStopsAndResumeGrantsItAgain() {
        Trainer t = Trainer.create(config("budget.max-steps", "3"));
        Batches data = new Batches(7, 6, 3);
        for (int i = 0; i < 3; i++) {
            t.step(data.next(8).x, data.y);
        }
        assertThat(t.stopReason()).contains(StopReason.BUDGET);
        t.resume();
        for (int i = 0; i < 3; i++) {
            t.step(data.next(8).x, data.y);
        }
        assertThat(t.steps()).isEqualTo(6);
        assertThat(t.stopped()).isTrue();
    }

    @Test
    void setChangesLiveKeysOnlyAndValidates() {
        Trainer t = Trainer.create(config());
        t.set("learning-rate", "0.05");
        assertThat(t.learningRate()).isEqualTo(0.05);
        assertThat(t.config().learningRate()).isEqualTo(0.05);
        assertThatThrownBy(() -> t.set("learning-rate", "-1"))
                .hasMessage("learning-rate must be a number > 0, got '-1'");
        assertThatThrownBy(() -> t.set("layers", "4:relu,3:softmax"))
                .hasMessageStartingWith("key 'layers' cannot be changed while training; live keys: [batch-size,");
        assertThat(t.learningRate()).isEqualTo(0.05);
    }

    @Test
    void labelsAndFeaturesAreValidated() {
        Trainer t = Trainer.create(config());
        double[][] x = new Batches(1, 6, 3).next(2).x;
        assertThatThrownBy(() -> t.step(x, new double[] {0, 3}))
                .hasMessage("label 1 must be a class index 0..2, got 3.0");
        assertThatThrownBy(() -> t.step(x, new double[] {0.5, 1}))
                .hasMessage("label 0 must be a class index 0..2, got 0.5");
        assertThatThrownBy(() -> t.step(new double[][] {{1, 2}}, new double[] {0}))
                .hasMessage("row 0 has 2 features, expected input-size 6");
        x[1][2] = Double.NaN;
        assertThatThrownBy(() -> t.step(x, new double[] {0, 1})).hasMessage("row 1 feature 2 must be finite, got NaN");
        assertThat(t.steps()).isZero();
        assertThat(t.examplesSeen()).isZero();
    }

    @Test
    void inferenceModelPredictsLikeTheTrainerAndRoundTrips() {
        Trainer t = Trainer.create(config());
        Batches data = new Batches(8, 6, 3);
        train(t, data, new Batches(9, 6, 3), 20, 100);
        data.next(10);
        InferenceModel model = t.inferenceModel();
        assertThat(model.predict(data.x)).isDeepEqualTo(t.predict(data.x));
        InferenceModel copy = InferenceModel.fromBytes(model.toBytes());
        assertThat(copy.predict(data.x)).isDeepEqualTo(t.predict(data.x));
        assertThat(copy.toBytes()).isEqualTo(model.toBytes());
        assertThat(copy.inputSize()).isEqualTo(6);
        assertThat(copy.outputSize()).isEqualTo(3);
        assertThat(copy.layers()).isEqualTo("16:relu:batchnorm:dropout=0.3,8:tanh:dropout=0.1,3:softmax");
        assertThat(copy.loss()).isEqualTo("categorical_crossentropy");

        // a snapshot does not follow further training
        double[][] probe = data.x;
        double[][] before = model.predict(probe);
        train(t, data, new Batches(9, 6, 3), 5, 100);
        assertThat(t.predict(probe)[0][0]).isNotEqualTo(before[0][0]);
        assertThat(model.predict(probe)).isDeepEqualTo(before);

        byte[] bytes = model.toBytes();
        bytes[7] = 5;
        assertThatThrownBy(() -> InferenceModel.fromBytes(bytes))
                .hasMessage("model format version 5 is not supported; this build reads versions 1 to 4");
    }

    @Test
    void lrRangeTestLeavesTheTrainerUntouched() {
        Trainer t = Trainer.create(config("layers", "16:relu,3:softmax"));
        Batches data = new Batches(10, 6, 3).next(256);
        byte[] before = t.state();
        LrRangeTest.Result result = t.lrRangeTest(data.x, data.y, 1e-5, 10, 60);
        assertThat(t.state()).isEqualTo(before);
        assertThat(result.length()).isBetween(2, 60);
        assertThat(result.rates()[0]).isEqualTo(1e-5);
        assertThat(result.suggestedRate()).isBetween(1e-6, 1.0);
    }
}
