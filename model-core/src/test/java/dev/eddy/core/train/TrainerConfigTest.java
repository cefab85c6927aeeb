package dev.eddy.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.drift.DriftConfig;
import dev.eddy.core.monitor.Mode;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainerConfigTest {

    @Test
    void theDriftSectionDefaultsByTaskAndAllowsOnlyTheKeysThatApply() {
        TrainerConfig classifier = TrainerConfig.fromProperties(minimal());
        assertThat(classifier.drift().detector()).isEqualTo("adwin");
        assertThat(classifier.toProperties())
                .containsEntry("drift.delta", "0.002")
                .containsEntry("drift.challenger", "fresh")
                .containsEntry("drift.min-challenger-examples", "500");
        Map<String, String> regression = minimal();
        regression.put("layers", "8:relu,1:linear");
        assertThat(TrainerConfig.fromProperties(regression).drift().detector()).isEqualTo("page-hinkley");
        regression.put("drift.detector", "adwin");
        assertThatThrownBy(() -> TrainerConfig.fromProperties(regression))
                .hasMessageStartingWith("drift.detector=adwin is refused for regression");

        Map<String, String> none = minimal();
        none.put("drift.detector", "none");
        assertThat(TrainerConfig.fromProperties(none).toProperties()).doesNotContainKey("drift.challenger");
        none.put("drift.challenger", "copy");
        assertThatThrownBy(() -> TrainerConfig.fromProperties(none))
                .hasMessageStartingWith("key 'drift.challenger' does not apply");
        none.remove("drift.challenger");
        none.put("drift.lr-factor", "0.5");
        assertThatThrownBy(() -> TrainerConfig.fromProperties(none))
                .hasMessageStartingWith("key 'drift.lr-factor' does not apply");

        Map<String, String> noChallenger = minimal();
        noChallenger.put("drift.challenger", "none");
        noChallenger.put("drift.min-challenger-examples", "100");
        assertThatThrownBy(() -> TrainerConfig.fromProperties(noChallenger))
                .hasMessageStartingWith("key 'drift.min-challenger-examples' does not apply");

        Map<String, String> otherDetector = minimal();
        otherDetector.put("drift.threshold", "20");
        assertThatThrownBy(() -> TrainerConfig.fromProperties(otherDetector))
                .hasMessageContaining("'drift.threshold' does not apply with drift.detector=adwin");
        Map<String, String> badFactor = minimal();
        badFactor.put("drift.lr-factor", "0");
        assertThatThrownBy(() -> TrainerConfig.fromProperties(badFactor))
                .hasMessage("drift.lr-factor must be a number > 0, got 0.0");
        fails(
                "drift.lr-factor needs a base learning rate; schedule=piecewise has none",
                piecewiseWith("drift.lr-factor", "0.5"));
        Map<String, String> badRestart = minimal();
        badRestart.put("drift.restart-schedule", "sometimes");
        assertThatThrownBy(() -> TrainerConfig.fromProperties(badRestart))
                .hasMessage("drift.restart-schedule must be true or false, got 'sometimes'");
    }

    private static Map<String, String> minimal() {
        Map<String, String> p = new HashMap<>();
        p.put("input-size", "4");
        p.put("layers", "8:relu,1:sigmoid");
        return p;
    }

    private static TrainerConfig with(String... keyValues) {
        Map<String, String> p = minimal();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return TrainerConfig.fromProperties(p);
    }

    private static void fails(String expectedMessagePart, String... keyValues) {
        assertThatThrownBy(() -> with(keyValues))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expectedMessagePart);
    }

    /**
     * A fresh challenger of a model with frozen layers would keep them at random, one of a pruned model would train
     * dense after the pruning schedule's end: such a model's challenger is a copy by default, and an application
     * refuses fresh ({@link TrainerConfig#freshChallengerRefusal}); a stored configuration that says fresh (written
     * before this default) still reads.
     */
    @Test
    void frozenLayersAndPruningMakeTheChallengerACopy() {
        Map<String, String> frozen = minimal();
        frozen.put("layers", "8:relu,4:relu,1:sigmoid");
        frozen.put("frozen-layers", "1");
        assertThat(TrainerConfig.fromProperties(frozen).driftResponse().challenger())
                .isEqualTo("copy");
        assertThat(TrainerConfig.fromProperties(frozen).freshChallengerRefusal())
                .isNull();
        frozen.put("drift.challenger", "fresh");
        assertThat(TrainerConfig.fromProperties(frozen).freshChallengerRefusal())
                .isEqualTo("drift.challenger=fresh cannot combine with frozen-layers=1: a fresh network would keep its"
                        + " frozen layers at random; use drift.challenger=copy (the default with frozen-layers=1) or"
                        + " none");
        assertThat(TrainerConfig.fromProperties(frozen).driftResponse().challenger())
                .as("a stored configuration of before")
                .isEqualTo("fresh");
        frozen.put("drift.challenger", "none");
        assertThat(TrainerConfig.fromProperties(frozen).driftResponse().challenger())
                .isEqualTo("none");

        Map<String, String> pruned = minimal();
        pruned.put("prune.target-sparsity", "0.5");
        pruned.put("prune.end-step", "100");
        assertThat(TrainerConfig.fromProperties(pruned).driftResponse().challenger())
                .isEqualTo("copy");
        pruned.put("drift.challenger", "fresh");
        assertThat(TrainerConfig.fromProperties(pruned).freshChallengerRefusal())
                .startsWith("drift.challenger=fresh cannot combine with prune.target-sparsity: a fresh network would"
                        + " train dense");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        TrainerConfig c = with();
        assertThat(c.inputSize()).isEqualTo(4);
        assertThat(c.outputSize()).isEqualTo(1);
        assertThat(c.loss()).isEqualTo("binary_crossentropy");
        assertThat(c.optimizer()).isEqualTo("adam");
        assertThat(c.learningRate()).isEqualTo(1e-3);
        assertThat(c.optimizerSettings())
                .containsEntry("beta1", "0.9")
                .containsEntry("beta2", "0.999")
                .containsEntry("eps", "1.0E-8")
                .containsEntry("amsgrad", "false");
        assertThat(c.batchSize()).isEqualTo(32);
        assertThat(c.evalEvery()).isEqualTo(50);
        assertThat(c.standardize()).isTrue();
        assertThat(c.earlyStoppingEnabled()).isTrue();
        assertThat(c.earlyStoppingMonitor()).isEqualTo("holdout_loss");
        assertThat(c.earlyStoppingMode()).isEqualTo(Mode.MIN);
        assertThat(c.earlyStoppingPatience()).isEqualTo(10);
        assertThat(c.restoreBestWeights()).isTrue();
        assertThat(c.plateauEnabled()).isFalse();
        assertThat(c.nonFiniteLrFactor()).isEqualTo(0.5);
        assertThat(c.clipGlobalNorm()).isEmpty();
        assertThat(c.maxSteps()).isEmpty();
        assertThat(c.schedule()).isEqualTo("constant");
    }

    @Test
    void lossFollowsTheOutputActivation() {
        assertThat(with("layers", "8:relu,3:softmax").loss()).isEqualTo("categorical_crossentropy");
        assertThat(with("layers", "8:relu,1:linear").loss()).isEqualTo("mse");
        assertThat(with("layers", "8:relu,1:linear", "loss", "hinge").classification())
                .isTrue();
        assertThat(with("layers", "8:relu,1:linear").classification()).isFalse();
    }

    @Test
    void layersParseEveryOptionIntoTheCanonicalForm() {
        TrainerConfig c = with("layers", " 16 : leaky_relu : dropout=0.25 : batchnorm , 8:elu:alpha=0.5, 1:sigmoid");
        assertThat(c.layers())
                .containsExactly(
                        new LayerConfig(16, "leaky_relu", Map.of("alpha", 0.01), true, 0.25),
                        new LayerConfig(8, "elu", Map.of("alpha", 0.5), false, 0),
                        new LayerConfig(1, "sigmoid", Map.of(), false, 0));
        assertThat(c.toProperties().get("layers"))
                .isEqualTo("16:leaky_relu:alpha=0.01:batchnorm:dropout=0.25,8:elu:alpha=0.5,1:sigmoid");
    }

    @Test
    void canonicalPropertiesRoundTripAndAreComplete() {
        TrainerConfig c = with(
                "optimizer", "adamw",
                "learning-rate", "3e-4",
                "schedule", "one-cycle",
                "schedule.total-steps", "1000",
                "clip.global-norm", "1",
                "plateau.enabled", "true",
                "early-stopping.baseline", "0.5",
                "budget.max-steps", "5000");
        TrainerConfig again = TrainerConfig.fromProperties(c.toProperties());
        assertThat(again).isEqualTo(c);
        assertThat(again.toProperties()).isEqualTo(c.toProperties());
        assertThat(c.toProperties())
                .containsEntry("learning-rate", "3.0E-4")
                .containsEntry("weight-decay", "0.01")
                .containsEntry("schedule.pct-start", "0.3")
                .containsEntry("budget.max-steps", "5000");
        assertThat(c.toProperties().keySet()).isSubsetOf(TrainerConfig.KEYS);
    }

    @Test
    void everyKeyIsReachableBySomeConfiguration() {
        TreeSet<String> seen = new TreeSet<>();
        for (String optimizer : TrainerConfig.OPTIMIZERS) {
            for (String schedule : TrainerConfig.SCHEDULES) {
                Map<String, String> p = minimal();
                p.put("optimizer", optimizer);
                p.put("schedule", schedule);
                p.put("clip.global-norm", "1");
                p.put("early-stopping.baseline", "1");
                p.put("budget.max-steps", "10");
                p.put("momentum", "0.5");
                if (schedule.equals("piecewise")) {
                    p.put("schedule.boundaries", "10,20");
                    p.put("schedule.values", "0.1,0.01,0.001");
                }
                if (schedule.equals("one-cycle")) {
                    p.put("schedule.total-steps", "100");
                }
                if (!optimizer.equals("sgd")
                        && !optimizer.equals("momentum")
                        && !optimizer.equals("nesterov")
                        && !optimizer.equals("rmsprop")) {
                    p.remove("momentum");
                }
                seen.addAll(TrainerConfig.fromProperties(p).toProperties().keySet());
            }
        }
        seen.add("clip.value"); // excludes clip.global-norm, tested separately
        for (String detector : DriftConfig.DETECTORS) {
            Map<String, String> p = minimal();
            p.put("drift.detector", detector);
            seen.addAll(TrainerConfig.fromProperties(p).toProperties().keySet());
        }
        Map<String, String> ensemble = minimal();
        ensemble.put("ensemble", "bagging");
        seen.addAll(TrainerConfig.fromProperties(ensemble).toProperties().keySet());
        Map<String, String> pruned = minimal();
        pruned.put("prune.target-sparsity", "0.9");
        pruned.put("prune.end-step", "100");
        seen.addAll(TrainerConfig.fromProperties(pruned).toProperties().keySet());
        Map<String, String> regression = minimal();
        regression.put("layers", "8:relu,1:linear");
        regression.put("standardize-target", "true"); // false, the default, is left out of the canonical form
        seen.addAll(TrainerConfig.fromProperties(regression).toProperties().keySet());
        Map<String, String> float32 = minimal();
        float32.put("precision", "float32"); // float64, the default, is left out of the canonical form
        seen.addAll(TrainerConfig.fromProperties(float32).toProperties().keySet());
        assertThat(seen).containsExactlyElementsOf(TrainerConfig.KEYS);
    }

    @Test
    void unknownKeyIsNamedWithTheClosestKnownKeys() {
        assertThatThrownBy(() -> with("lerning-rate", "0.1"))
                .hasMessageContaining("unknown key 'lerning-rate'")
                .hasMessageContaining("did you mean learning-rate")
                .hasMessageContaining("known keys: ");
        assertThatThrownBy(() -> with("patience", "3")).hasMessageContaining("early-stopping.patience");
    }

    @Test
    void keyThatDoesNotApplyToTheOptimizerIsRejected() {
        fails("key 'beta1' does not apply with optimizer=sgd", "optimizer", "sgd", "beta1", "0.9");
        fails("key 'amsgrad' does not apply with optimizer=nadam", "optimizer", "nadam", "amsgrad", "true");
        fails("key 'amsgrad' does not apply with optimizer=adamax", "optimizer", "adamax", "amsgrad", "true");
        assertThat(with("optimizer", "adamw", "amsgrad", "true").optimizerSettings())
                .containsEntry("amsgrad", "true");
        fails("key 'dampening' does not apply with optimizer=sgd", "optimizer", "sgd", "dampening", "0.1");
        assertThat(with("optimizer", "sgd", "momentum", "0.5", "dampening", "0.1")
                        .optimizerSettings())
                .containsEntry("dampening", "0.1");
        fails("key 'schedule.power' does not apply with optimizer=adam, schedule=constant", "schedule.power", "2");
        fails(
                "key 'learning-rate' does not apply with optimizer=adam, schedule=piecewise",
                piecewiseWith("learning-rate", "0.1"));
    }

    /** A piecewise schedule's keys, then {@code key=value}. */
    private static String[] piecewiseWith(String key, String value) {
        return new String[] {
            "schedule", "piecewise", "schedule.boundaries", "10", "schedule.values", "0.1,0.01", key, value
        };
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "input-size|0|input-size must be an integer >= 1, got 0",
                "input-size|four|input-size must be an integer >= 1, got 'four'",
                "learning-rate|-1|learning-rate must be a number > 0, got '-1'",
                "learning-rate|NaN|learning-rate must be a number > 0, got 'NaN'",
                "learning-rate|Infinity|learning-rate must be a number > 0, got 'Infinity'",
                "beta1|1.2|beta1 must be a number in [0, 1), got '1.2'",
                "beta2|1|beta2 must be a number in [0, 1), got '1'",
                "eps|0|eps must be a number > 0, got '0'",
                "amsgrad|yes|amsgrad must be true or false, got 'yes'",
                "optimizer|adadelta|optimizer must be one of [sgd, momentum, nesterov, adagrad, rmsprop, adam,"
                        + " amsgrad, adamw, adamax, nadam], got 'adadelta'",
                "schedule|cosine|schedule must be one of [constant, exponential, power, piecewise, one-cycle],"
                        + " got 'cosine'",
                "initializer|zeros|initializer must be one of [glorot_uniform",
                "loss|mae|loss must be one of [mse, binary_crossentropy, categorical_crossentropy, hinge], got 'mae'",
                "seed|x|seed must be an integer",
                "l1|-0.1|l1 must be a number >= 0, got '-0.1'",
                "l2|abc|l2 must be a number >= 0, got 'abc'",
                "batch-size|0|batch-size must be an integer >= 1, got 0",
                "eval-every|-5|eval-every must be an integer >= 1, got -5",
                "standardize|1|standardize must be true or false, got '1'",
                "plateau.factor|1|plateau.factor must be a number in (0, 1), got '1'",
                "plateau.patience|-1|plateau.patience must be an integer >= 0, got -1",
                "plateau.min-lr|-1|plateau.min-lr must be a number >= 0",
                "plateau.mode|up|plateau.mode must be one of [auto, min, max], got 'up'",
                "plateau.monitor|holdout_mae|plateau.monitor must be one of [holdout_loss, holdout_accuracy,",
                "clip.global-norm|0|clip.global-norm must be a number > 0, got '0'",
                "clip.value|-1|clip.value must be a number > 0, got '-1'",
                "early-stopping.monitor|accuracy|early-stopping.monitor must be one of [holdout_loss,",
                "early-stopping.mode|best|early-stopping.mode must be one of [auto, min, max], got 'best'",
                "early-stopping.min-delta|-0.1|early-stopping.min-delta must be a number >= 0",
                "early-stopping.patience|1.5|early-stopping.patience must be an integer >= 0, got '1.5'",
                "early-stopping.baseline|none|early-stopping.baseline must be a number (finite), got 'none'",
                "early-stopping.start-from|-1|early-stopping.start-from must be an integer >= 0, got -1",
                "early-stopping.restore-best-weights|maybe|early-stopping.restore-best-weights must be true or"
                        + " false, got 'maybe'",
                "nonfinite.lr-factor|0|nonfinite.lr-factor must be a number in (0, 1), got '0'",
                "nonfinite.lr-factor|1|nonfinite.lr-factor must be a number in (0, 1), got '1'",
                "nonfinite.max-consecutive|0|nonfinite.max-consecutive must be an integer >= 1, got 0",
                "budget.max-steps|0|budget.max-steps must be an integer >= 1, got 0",
                "budget.max-steps|1e3|budget.max-steps must be an integer >= 1, got '1e3'",
            })
    void invalidValueNamesKeyValueAndExpectedForm(String key, String value, String message) {
        fails(message, key, value);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "8:rleu,1:sigmoid|layer 0 '8:rleu' has unknown activation 'rleu', expected one of [linear,",
                "relu,1:sigmoid|layer 0 'relu' must have the form units:activation",
                "0:relu,1:sigmoid|layer 0 '0:relu' has units '0', expected an integer >= 1",
                "8:relu:dropout=1,1:sigmoid|layer 0 '8:relu:dropout=1': dropout must be in [0, 1), got '1'",
                "8:relu:alpha=0.1,1:sigmoid|alpha applies only to leaky_relu and elu",
                "8:relu:bn,1:sigmoid|has unknown option 'bn', expected alpha=a, batchnorm or dropout=r",
                "8:softmax,1:sigmoid|softmax is only allowed in the output layer",
                "8:relu,2:sigmoid|loss=binary_crossentropy needs 1 output unit",
                "8:relu,1:softmax|loss=categorical_crossentropy needs at least 2 output units",
                "8:relu,1:sigmoid:dropout=0.5|the output layer 1:sigmoid:dropout=0.5 cannot have dropout",
            })
    void invalidLayersNameTheLayerAndTheForm(String layers, String message) {
        fails(message, "layers", layers);
    }

    @Test
    void lossAndOutputActivationMustPair() {
        fails("loss=categorical_crossentropy needs a softmax output layer", "loss", "categorical_crossentropy");
        fails("loss=hinge needs a linear output layer", "loss", "hinge");
        fails("loss=mse cannot follow a softmax output layer", "layers", "8:relu,3:softmax", "loss", "mse");
    }

    @Test
    void requiredKeysAndExclusiveClippingAreChecked() {
        Map<String, String> p = minimal();
        p.remove("layers");
        assertThatThrownBy(() -> TrainerConfig.fromProperties(p)).hasMessageContaining("layers is required");
        p.put("layers", "1:sigmoid");
        p.remove("input-size");
        assertThatThrownBy(() -> TrainerConfig.fromProperties(p)).hasMessageContaining("input-size is required");
        fails("clip.global-norm and clip.value exclude each other", "clip.global-norm", "1", "clip.value", "1");
    }

    @Test
    void schedulesValidateTheirParameters() {
        fails("schedule.boundaries is required", "schedule", "piecewise", "schedule.values", "0.1");
        fails(
                "schedule.values must have one more entry than schedule.boundaries (2), got 3",
                "schedule",
                "piecewise",
                "schedule.boundaries",
                "10",
                "schedule.values",
                "0.1,0.01,0.001");
        fails(
                "schedule.boundaries must be strictly increasing",
                "schedule",
                "piecewise",
                "schedule.boundaries",
                "20,10",
                "schedule.values",
                "0.1,0.01,0.001");
        fails("schedule.total-steps is required", "schedule", "one-cycle");
        fails(
                "schedule.decay-rate must be a number > 0, got '0'",
                "schedule",
                "exponential",
                "schedule.decay-rate",
                "0");
        TrainerConfig piecewise =
                with("schedule", "piecewise", "schedule.boundaries", "10, 20", "schedule.values", "0.1,0.01,0.001");
        assertThat(piecewise.learningRate()).isEqualTo(0.1);
        assertThat(piecewise.scheduleSettings()).containsEntry("schedule.boundaries", "10,20");
        assertThat(piecewise.optimizerSettings()).doesNotContainKey("learning-rate");
    }

    @Test
    void scheduleDefaultsAreTheDocumentedOnes() {
        assertThat(with("schedule", "exponential").scheduleSettings())
                .containsEntry("schedule.decay-rate", "0.96")
                .containsEntry("schedule.decay-steps", "1000")
                .containsEntry("schedule.staircase", "false");
        assertThat(with("schedule", "power").scheduleSettings())
                .containsEntry("schedule.decay-steps", "1000")
                .containsEntry("schedule.power", "1.0");
        assertThat(with("schedule", "one-cycle", "schedule.total-steps", "2").scheduleSettings())
                .containsEntry("schedule.pct-start", "0.3")
                .containsEntry("schedule.div-factor", "25.0")
                .containsEntry("schedule.final-div-factor", "10000.0");
        fails("schedule.total-steps must be an integer >= 2", "schedule", "one-cycle", "schedule.total-steps", "1");
        fails(
                "schedule.pct-start must be a number in (0, 0.5)",
                "schedule",
                "one-cycle",
                "schedule.total-steps",
                "100",
                "schedule.pct-start",
                "0.5");
    }

    @Test
    void earlyStoppingAndPlateauDefaultsAreTheDocumentedOnes() {
        TrainerConfig c = with("plateau.enabled", "true", "plateau.monitor", "holdout_accuracy");
        assertThat(c.toProperties())
                .containsEntry("early-stopping.mode", "auto")
                .containsEntry("plateau.mode", "auto");
        assertThat(c.earlyStoppingMode()).as("auto for holdout_loss").isEqualTo(Mode.MIN);
        assertThat(c.plateauMode()).as("auto for holdout_accuracy").isEqualTo(Mode.MAX);
        assertThat(c.earlyStoppingMinDelta()).isZero();
        assertThat(c.earlyStoppingStartFrom()).isZero();
        assertThat(c.plateauMinDelta()).isZero();
        assertThat(c.plateauCooldown()).isZero();
    }

    @Test
    void optimizerDefaultsFollowTorch() {
        assertThat(with("optimizer", "sgd").learningRate()).isEqualTo(0.01);
        assertThat(with("optimizer", "momentum").optimizerSettings()).containsEntry("momentum", "0.9");
        assertThat(with("optimizer", "nesterov").optimizerSettings()).containsEntry("momentum", "0.9");
        assertThat(with("optimizer", "nadam").optimizerSettings())
                .containsEntry("momentum-decay", "0.004")
                .containsEntry("learning-rate", "0.002");
        assertThat(with("optimizer", "adagrad").optimizerSettings()).containsEntry("eps", "1.0E-10");
        assertThat(with("optimizer", "rmsprop").optimizerSettings())
                .containsEntry("rho", "0.99")
                .containsEntry("centered", "false");
        fails("dampening must be a number 0 for optimizer=nesterov", "optimizer", "nesterov", "dampening", "0.1");
    }

    @Test
    void monitorModeAutoFollowsTheMetric() {
        assertThat(with("early-stopping.monitor", "holdout_auc").earlyStoppingMode())
                .isEqualTo(Mode.MAX);
        TrainerConfig regression = with("layers", "4:tanh,1:linear", "early-stopping.monitor", "holdout_rmse");
        assertThat(regression.earlyStoppingMode()).isEqualTo(Mode.MIN);
        assertThat(with("early-stopping.monitor", "holdout_loss", "early-stopping.mode", "max")
                        .earlyStoppingMode())
                .isEqualTo(Mode.MAX);
        fails(
                "early-stopping.monitor must be one of [holdout_loss, holdout_mae, holdout_rmse], got 'holdout_auc'",
                "layers",
                "4:tanh,1:linear",
                "early-stopping.monitor",
                "holdout_auc");
    }

    @Test
    void withValidatesTheChangedKey() {
        TrainerConfig c = with();
        assertThat(c.with("learning-rate", "0.01").learningRate()).isEqualTo(0.01);
        assertThat(c.learningRate()).isEqualTo(1e-3);
        assertThatThrownBy(() -> c.with("learning-rate", "fast"))
                .hasMessage("learning-rate must be a number > 0, got 'fast'");
    }

    /**
     * A batch size beyond the bound is refused for a configuration started or set today (its rows are allocated at
     * once: a huge one failed the stream thread at every replay), while a stored one of before still reads.
     */
    @Test
    void aBatchSizeAboveTheBoundIsRefusedAsNewButReadsAsStored() {
        TrainerConfig huge =
                TrainerConfig.fromProperties(Map.of("input-size", "2", "layers", "1:sigmoid", "batch-size", "65537"));
        assertThat(huge.newConfigurationRefusal()).isEqualTo("batch-size must be an integer in [1, 65536], got 65537");
        assertThat(huge.with("batch-size", "65536").newConfigurationRefusal()).isNull();
    }
}
