package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.layer.Dense;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.NamedTensor;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.serving.SnapshotModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Snapshots of a pruned model carry its kernels in the sparse form, and serve the same model. */
class SparseSnapshotTest {

    private static Trainer trained(String... pruneKeys) {
        Map<String, String> p = new HashMap<>(Map.of(
                "input-size", "10", "layers", "40:relu:batchnorm,20:relu,3:softmax", "batch-size", "8", "seed", "5"));
        for (int i = 0; i < pruneKeys.length; i += 2) {
            p.put(pruneKeys[i], pruneKeys[i + 1]);
        }
        Trainer t = Trainer.create(TrainerConfig.fromProperties(p));
        SplittableRandom random = new SplittableRandom(2);
        for (int s = 0; s < 30; s++) {
            double[][] x = new double[8][10];
            double[] y = new double[8];
            for (int r = 0; r < 8; r++) {
                for (int j = 0; j < 10; j++) {
                    x[r][j] = random.nextGaussian();
                }
                y[r] = x[r][0] > 0.4 ? 2 : x[r][0] > -0.4 ? 1 : 0;
            }
            t.step(x, y);
        }
        return t;
    }

    private static ModelSnapshot snapshot(Trainer t) {
        return SnapshotBuilder.build("m", 3, t, SnapshotReason.PERIODIC, Map.of(), null, 1_000L);
    }

    private static int bytes(ModelSnapshot s) {
        return AvroSerdes.modelSnapshots().serialize("eddy.model-snapshots", s).length;
    }

    @Test
    void prunedKernelsAreSparseAndServeTheSameModel() {
        Trainer pruned = trained("prune.target-sparsity", "0.9", "prune.end-step", "20", "prune.frequency", "10");
        ModelSnapshot s = snapshot(pruned);
        for (NamedTensor t : s.getParameters()) {
            assertThat(t.getIndices() != null)
                    .as(t.getName())
                    .isEqualTo(t.getName().endsWith("kernel"));
        }
        // 400 − round(40) = 360 of the first kernel pruned: 40 values and 40 positions stored.
        NamedTensor first = s.getParameters().get(0);
        assertThat(first.getValues().remaining()).isEqualTo(40 * Double.BYTES);
        assertThat(first.getIndices().remaining()).isEqualTo(40 * Integer.BYTES);

        ModelSnapshot decoded = AvroSerdes.modelSnapshots()
                .deserialize("eddy.model-snapshots", AvroSerdes.modelSnapshots().serialize("t", s));
        InferenceModel served = SnapshotModels.inferenceModel(decoded);
        List<Dense> expected = pruned.network().layers();
        for (int l = 0; l < expected.size(); l++) {
            Dense d = served.network().layers().get(l);
            assertThat(d.kernel().value()).isEqualTo(expected.get(l).kernel().value());
            assertThat(d.bias().value()).isEqualTo(expected.get(l).bias().value());
        }

        // The same net unpruned: every tensor dense, the snapshot larger by the kernels' zeros.
        ModelSnapshot dense = snapshot(trained());
        assertThat(dense.getParameters()).allMatch(t -> t.getIndices() == null);
        assertThat(bytes(dense)).isGreaterThan(3 * bytes(s) / 2);
    }

    @Test
    void aSparseTensorWithIndicesOutOfOrderIsRefusedNamingIt() {
        ModelSnapshot s =
                snapshot(trained("prune.target-sparsity", "0.9", "prune.end-step", "20", "prune.frequency", "10"));
        NamedTensor first = s.getParameters().get(0);
        ByteBuffer indices = ByteBuffer.allocate(first.getIndices().remaining()).order(ByteOrder.LITTLE_ENDIAN);
        indices.put(first.getIndices().duplicate()).flip();
        int i0 = indices.getInt(0);
        indices.putInt(0, indices.getInt(4)).putInt(4, i0);
        List<NamedTensor> tensors = new java.util.ArrayList<>(s.getParameters());
        tensors.set(0, new NamedTensor(first.getName(), first.getShape(), first.getValues(), indices));
        ModelSnapshot bad = ModelSnapshot.newBuilder(s).setParameters(tensors).build();
        assertThatThrownBy(() -> SnapshotModels.inferenceModel(bad))
                .hasMessageStartingWith("snapshot m v3 tensor dense_0/kernel: index " + i0 + " after");
    }
}
