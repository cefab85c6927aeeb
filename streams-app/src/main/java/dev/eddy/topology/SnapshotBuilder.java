package dev.eddy.topology;

import dev.eddy.core.layer.BatchNormalization;
import dev.eddy.core.layer.Dense;
import dev.eddy.core.network.Network;
import dev.eddy.core.optim.Parameter;
import dev.eddy.core.preprocess.Standardizer;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.core.train.LayerConfig;
import dev.eddy.core.train.Learner;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Architecture;
import dev.eddy.schema.LayerSpec;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.NamedTensor;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.schema.Standardization;
import dev.eddy.schema.WarmStartLineage;
import dev.eddy.state.WarmStartSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link ModelSnapshot} from the learner's {@link InferenceModel}: the architecture, every weight array (per
 * layer {@code dense_i/kernel} [inputs, units] row-major, {@code dense_i/bias}, and with batch normalization
 * {@code dense_i/bn/gamma}, {@code beta}, {@code moving_mean}, {@code moving_variance}) as little-endian float64 bulk
 * copies, a pruned one as its non-zeros and their int32 positions ({@code indices}), the input standardization (count n, mean μ_j, population variance σ²_j) when the model standardizes, and
 * the training configuration as properties text, and the warm-start lineage (null for a cold start). An ensemble's
 * member m has its arrays under {@code member_m/} ({@code member_0/dense_0/kernel}, ...) and a weighted vote its
 * weights α_m as {@code ensemble/votes} [K]; the architecture's layers are one member's.
 */
final class SnapshotBuilder {

    /** The tensor of a weighted vote's member weights α_m. */
    static final String VOTES = "ensemble/votes";

    private SnapshotBuilder() {}

    static ModelSnapshot build(
            String modelId,
            long version,
            Learner trainer,
            SnapshotReason reason,
            Map<String, Double> holdoutMetrics,
            WarmStartSource warmStart,
            long createdAt) {
        TrainerConfig config = trainer.config();
        InferenceModel model = trainer.inferenceModel();
        List<LayerSpec> layers = new ArrayList<>();
        List<NamedTensor> tensors = new ArrayList<>();
        List<Network> networks = model.networks();
        for (int m = 0; m < networks.size(); m++) {
            String member = networks.size() == 1 ? "" : "member_" + m + "/";
            List<Dense> dense = networks.get(m).layers();
            for (int i = 0; i < dense.size(); i++) {
                Dense d = dense.get(i);
                if (m == 0) {
                    LayerConfig c = config.layers().get(i);
                    long count = 0;
                    for (Parameter p : d.parameters()) {
                        count += p.size();
                    }
                    layers.add(new LayerSpec(d.units(), c.activation(), new HashMap<>(c.activationParams()), count));
                }
                String name = member + "dense_" + i + "/";
                tensors.add(kernel(
                        name + "kernel",
                        List.of(d.inputs(), d.units()),
                        d.kernel().value()));
                tensors.add(tensor(name + "bias", List.of(d.units()), d.bias().value()));
                BatchNormalization bn = d.batchNormalization();
                if (bn != null) {
                    List<Parameter> gammaBeta = bn.parameters();
                    tensors.add(tensor(
                            name + "bn/gamma",
                            List.of(d.units()),
                            gammaBeta.get(0).value()));
                    tensors.add(tensor(
                            name + "bn/beta",
                            List.of(d.units()),
                            gammaBeta.get(1).value()));
                    tensors.add(tensor(name + "bn/moving_mean", List.of(d.units()), bn.runningMean()));
                    tensors.add(tensor(name + "bn/moving_variance", List.of(d.units()), bn.runningVariance()));
                }
            }
        }
        model.votes().ifPresent(votes -> tensors.add(tensor(VOTES, List.of(votes.length), votes)));
        StringBuilder properties = new StringBuilder();
        config.toProperties()
                .forEach((k, v) -> properties.append(k).append('=').append(v).append('\n'));
        return ModelSnapshot.newBuilder()
                .setModelId(modelId)
                .setVersion(version)
                .setArchitecture(new Architecture(config.inputSize(), layers, config.loss()))
                .setParameters(tensors)
                .setStandardization(model.standardizer()
                        .map(SnapshotBuilder::standardization)
                        .orElse(null))
                .setExamplesSeen(trainer.examplesSeen())
                .setStepsSeen(trainer.steps())
                .setHoldoutMetrics(new HashMap<>(holdoutMetrics))
                .setReason(reason)
                .setAccepted(true)
                .setRefusalReason(null)
                .setTrainingConfig(properties.toString())
                .setCreatedAt(Instant.ofEpochMilli(createdAt))
                .setWarmStart(warmStart == null ? null : lineage(warmStart))
                .setPrecision(config.precision().spelling())
                .build();
    }

    private static WarmStartLineage lineage(WarmStartSource source) {
        return source.isSnapshot()
                ? WarmStartLineage.newBuilder()
                        .setModel(source.model())
                        .setVersion(source.version())
                        .build()
                : WarmStartLineage.newBuilder()
                        .setFile(source.file())
                        .setSha256(source.sha256())
                        .build();
    }

    private static Standardization standardization(Standardizer s) {
        List<Double> mean = new ArrayList<>(s.features());
        List<Double> variance = new ArrayList<>(s.features());
        for (int j = 0; j < s.features(); j++) {
            mean.add(s.mean(j));
            variance.add(s.variance(j));
        }
        return new Standardization(mean, variance, s.count());
    }

    private static NamedTensor tensor(String name, List<Integer> shape, double[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asDoubleBuffer().put(values);
        return new NamedTensor(name, shape, bytes, null);
    }

    /**
     * A kernel dense, or sparse when that is smaller (a pruned kernel): the positions of the elements whose bits are
     * not +0.0 in {@code indices}, their values in {@code values}, when 12·k &lt; 8·n for k such elements of n. Other
     * tensors (biases, batch norm) are always dense.
     */
    private static NamedTensor kernel(String name, List<Integer> shape, double[] values) {
        int k = 0;
        for (double v : values) {
            if (Double.doubleToRawLongBits(v) != 0L) {
                k++;
            }
        }
        if (12L * k >= 8L * values.length) {
            return tensor(name, shape, values);
        }
        ByteBuffer nonZeros = ByteBuffer.allocate(k * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer indices = ByteBuffer.allocate(k * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            if (Double.doubleToRawLongBits(values[i]) != 0L) {
                nonZeros.putDouble(values[i]);
                indices.putInt(i);
            }
        }
        return new NamedTensor(name, shape, nonZeros.flip(), indices.flip());
    }
}
