package dev.eddy.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.layer.BatchNormalization;
import dev.eddy.core.layer.Dense;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.NamedTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmStartTest {

    @TempDir
    Path stateDir;

    /** A snapshot published by the training topology after two steps of a batch-normalized softmax network. */
    private ModelSnapshot trainedSnapshot() {
        try (ServingFixture f = new ServingFixture(
                ServingFixture.network("8:relu:batchnorm,3:softmax", "categorical_crossentropy", "src"), stateDir)) {
            f.trainStep("src", 1);
            return f.trainStep("src", 2);
        }
    }

    private static Map<String, String> target(String layers) {
        Map<String, String> p = new HashMap<>();
        p.put("input-size", "2");
        p.put("layers", layers);
        p.put("loss", "categorical_crossentropy");
        p.put("optimizer", "adam"); // another optimizer and seed than the source: only the shapes must match
        p.put("learning-rate", "0.001");
        p.put("seed", "99");
        p.put("standardize", "false");
        return p;
    }

    @Test
    void aWarmStartedTrainerHasExactlyTheSnapshotsParametersAtStepZero() {
        ModelSnapshot source = trainedSnapshot();
        Trainer warm = Trainer.warmStart(
                TrainerConfig.fromProperties(target("8:relu:batchnorm,3:softmax")),
                SnapshotModels.inferenceModel(source));
        assertThat(warm.steps()).isZero();
        Map<String, double[]> expected = new HashMap<>();
        for (NamedTensor t : source.getParameters()) {
            ByteBuffer b = t.getValues().duplicate().order(ByteOrder.LITTLE_ENDIAN);
            double[] v = new double[b.remaining() / Double.BYTES];
            b.asDoubleBuffer().get(v);
            expected.put(t.getName(), v);
        }
        List<Dense> layers = warm.network().layers();
        assertThat(expected).hasSize(2 + 4 + 2);
        for (int i = 0; i < layers.size(); i++) {
            Dense d = layers.get(i);
            assertThat(d.kernel().value()).isEqualTo(expected.get("dense_" + i + "/kernel"));
            assertThat(d.bias().value()).isEqualTo(expected.get("dense_" + i + "/bias"));
            BatchNormalization bn = d.batchNormalization();
            if (bn != null) {
                assertThat(bn.parameters().get(0).value()).isEqualTo(expected.get("dense_" + i + "/bn/gamma"));
                assertThat(bn.parameters().get(1).value()).isEqualTo(expected.get("dense_" + i + "/bn/beta"));
                assertThat(bn.runningMean()).isEqualTo(expected.get("dense_" + i + "/bn/moving_mean"));
                assertThat(bn.runningVariance()).isEqualTo(expected.get("dense_" + i + "/bn/moving_variance"));
            }
        }
        // The moving statistics moved during training, so this is not a comparison of two fresh initializations.
        assertThat(expected.get("dense_0/bn/moving_mean")).isNotEqualTo(new double[8]);
        // And it scores as the served snapshot does.
        double[][] probe = {{0.3, -0.7}};
        assertThat(warm.predict(probe)[0])
                .isEqualTo(SnapshotModels.inferenceModel(source).predict(probe)[0]);
    }

    @Test
    void frozenLayersKeepTheTransferredWeightsWhileTheLaterLayersTrain() {
        ModelSnapshot source = trainedSnapshot();
        Map<String, String> p = target("8:relu:batchnorm,3:softmax");
        p.put("frozen-layers", "1");
        Trainer warm = Trainer.warmStart(TrainerConfig.fromProperties(p), SnapshotModels.inferenceModel(source));
        double[] kernel0 = warm.network().layers().get(0).kernel().value().clone();
        double[] kernel1 = warm.network().layers().get(1).kernel().value().clone();
        warm.step(new double[][] {{1, 2}, {-1, 0.5}, {0.3, -2}}, new double[] {0, 1, 2});
        assertThat(warm.network().layers().get(0).kernel().value()).isEqualTo(kernel0);
        assertThat(warm.network().layers().get(1).kernel().value()).isNotEqualTo(kernel1);
    }

    @Test
    void anIncompatibleArchitectureIsRefusedNamingBoth() {
        ModelSnapshot source = trainedSnapshot();
        assertThatThrownBy(() -> Trainer.warmStart(
                        TrainerConfig.fromProperties(target("16:relu,3:softmax")),
                        SnapshotModels.inferenceModel(source)))
                .hasMessageStartingWith("cannot warm-start from a model with input size 2 and layers"
                        + " 8:relu:batchnorm,3:softmax into input size 2 and layers 16:relu,3:softmax");
    }
}
