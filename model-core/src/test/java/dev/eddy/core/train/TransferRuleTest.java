package dev.eddy.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.layer.Dense;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransferRuleTest {

    /** A source trained 20 steps: "16:relu:batchnorm:dropout=0.3,8:tanh:dropout=0.1,3:softmax" on 6 inputs. */
    private static InferenceModel source() {
        return WarmStartTest.trained().inferenceModel();
    }

    @Test
    void copiesTheLongestMatchingPrefixAndLeavesTheNewHeadFresh() {
        InferenceModel source = source();
        // Same two hidden layers (dropout differs: no weights), a new head of 2 classes.
        TrainerConfig target =
                TrainerTest.config("layers", "16:relu:batchnorm,8:tanh:dropout=0.2,2:softmax", "seed", "5");
        assertThat(TransferRule.between(source, target).copiedLayers()).isEqualTo(2);

        Trainer warm = Trainer.warmStart(target, source);
        Trainer cold = Trainer.create(target);
        List<Dense> from = source.network().layers();
        List<Dense> to = warm.network().layers();
        for (int i = 0; i < 2; i++) {
            for (int p = 0; p < to.get(i).parameters().size(); p++) {
                assertThat(to.get(i).parameters().get(p).value())
                        .as("layer %d parameter %d", i, p)
                        .isEqualTo(from.get(i).parameters().get(p).value());
            }
        }
        assertThat(to.get(0).batchNormalization().runningMean())
                .isEqualTo(from.get(0).batchNormalization().runningMean())
                .isNotEqualTo(new double[16]);
        assertThat(to.get(0).batchNormalization().runningVariance())
                .isEqualTo(from.get(0).batchNormalization().runningVariance());
        // The head is the fresh initialization of the target's seed, not anything of the source.
        assertThat(to.get(2).kernel().value())
                .isEqualTo(cold.network().layers().get(2).kernel().value());
        assertThat(to.get(2).bias().value())
                .isEqualTo(cold.network().layers().get(2).bias().value());
        assertThat(warm.steps()).isZero();
    }

    @Test
    void theWholeNetworkTransfersWhenEveryLayerMatches() {
        InferenceModel source = source();
        assertThat(TransferRule.between(source, TrainerTest.config()).copiedLayers())
                .isEqualTo(3);
        double[][] probe = new TrainerTest.Batches(5, 6, 3).next(4).x;
        assertThat(Trainer.warmStart(TrainerTest.config("seed", "99"), source)
                        .inferenceModel()
                        .predict(probe))
                .isEqualTo(source.predict(probe));
    }

    @Test
    void aLayerMatchesOnlyWithTheSameActivationAndBatchNormalization() {
        InferenceModel source = source();
        assertThat(TransferRule.between(source, TrainerTest.config("layers", "16:relu:batchnorm,8:relu,3:softmax"))
                        .copiedLayers())
                .isEqualTo(1);
        assertThat(TransferRule.between(
                                source, TrainerTest.config("layers", "16:relu:batchnorm,8:tanh:batchnorm,3:softmax"))
                        .copiedLayers())
                .isEqualTo(1);
        assertThatThrownBy(() -> TransferRule.between(source, TrainerTest.config("layers", "16:relu,8:tanh,3:softmax")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no layer would transfer")
                .hasMessageContaining("16:relu:batchnorm:dropout=0.3 and 16:relu");
    }

    @Test
    void aDifferentInputSizeIsRefusedNamingBothShapes() {
        InferenceModel source = source();
        assertThatThrownBy(() -> TransferRule.between(source, TrainerTest.config("input-size", "5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "input size 6 and layers 16:relu:batchnorm:dropout=0.3,8:tanh:dropout=0.1,3:softmax")
                .hasMessageContaining("into input size 5 and layers 16:relu:batchnorm:dropout=0.3")
                .hasMessageEndingWith("the input sizes differ");
    }

    @Test
    void frozenLayersLongerThanTheCopiedPrefixAreRefused() {
        InferenceModel source = source();
        TrainerConfig target = TrainerTest.config("layers", "16:relu:batchnorm,4:tanh,3:softmax", "frozen-layers", "2");
        assertThatThrownBy(() -> Trainer.warmStart(target, source))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("into input size 6 and layers 16:relu:batchnorm,4:tanh,3:softmax")
                .hasMessageContaining("frozen-layers=2 is longer than the 1 matching layer copied");
        assertThat(TransferRule.between(
                                source,
                                TrainerTest.config(
                                        "layers", "16:relu:batchnorm,4:tanh,3:softmax", "frozen-layers", "1"))
                        .copiedLayers())
                .isEqualTo(1);
    }

    @Test
    void theStandardizerIsCopiedOrStartsFresh() {
        InferenceModel source = source();
        double[][] probe = {{1, 2, 3, 4, 5, 6}};
        Trainer copied = Trainer.warmStart(TrainerTest.config(), source, true);
        Trainer fresh = Trainer.warmStart(TrainerTest.config(), source, false);
        assertThat(copied.inferenceModel().standardizer().orElseThrow().count())
                .isEqualTo(source.standardizer().orElseThrow().count())
                .isPositive();
        assertThat(fresh.inferenceModel().standardizer().orElseThrow().count()).isZero();
        assertThat(copied.inferenceModel().predict(probe)).isEqualTo(source.predict(probe));
        assertThat(fresh.inferenceModel().predict(probe)[0]).isNotEqualTo(source.predict(probe)[0]);
    }

    @Test
    void frozenCopiedLayersKeepTheSourceWeightsWhileTheNewHeadTrains() {
        InferenceModel source = source();
        Trainer warm = Trainer.warmStart(
                TrainerTest.config("layers", "16:relu:batchnorm,8:tanh,2:softmax", "frozen-layers", "2"), source);
        double[] head = warm.network().layers().get(2).kernel().value().clone();
        TrainerTest.Batches data = new TrainerTest.Batches(4, 6, 2);
        for (int i = 0; i < 5; i++) {
            warm.step(data.next(8).x, data.y);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(warm.network().layers().get(i).kernel().value())
                    .isEqualTo(source.network().layers().get(i).kernel().value());
        }
        assertThat(warm.network().layers().get(2).kernel().value()).isNotEqualTo(head);
    }

    @Test
    void aRegressionModelWithStandardizedTargetsDoesNotTakeAServedOutputLayer() {
        Map<String, String> regression = Map.of("input-size", "3", "layers", "4:relu,1:linear", "seed", "2");
        InferenceModel source =
                Trainer.create(TrainerConfig.fromProperties(regression)).inferenceModel();
        TrainerConfig standardized = TrainerConfig.fromProperties(TrainerConfig.withNewModelDefaults(regression));
        assertThatThrownBy(() -> TransferRule.between(source, standardized))
                .hasMessageContaining("the output layer would be copied")
                .hasMessageEndingWith("set standardize-target=false");
        assertThat(TransferRule.between(source, TrainerConfig.fromProperties(regression))
                        .copiedLayers())
                .isEqualTo(2);
        TrainerConfig newHead = standardized.with("layers", "4:relu,2:relu,1:linear");
        assertThat(TransferRule.between(source, newHead).copiedLayers()).isEqualTo(1);
    }
}
