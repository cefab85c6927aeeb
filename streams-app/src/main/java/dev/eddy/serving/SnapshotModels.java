package dev.eddy.serving;

import dev.eddy.core.layer.BatchNormalization;
import dev.eddy.core.layer.Dense;
import dev.eddy.core.network.Network;
import dev.eddy.core.preprocess.Standardizer;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.NamedTensor;
import dev.eddy.schema.Standardization;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Turns a {@link ModelSnapshot} back into the model it describes: the {@link TrainerConfig} of its
 * {@code trainingConfig} text, and an {@link InferenceModel} whose weights are the snapshot's tensors
 * ({@code dense_i/kernel} [inputs, units] row-major, {@code dense_i/bias}, {@code dense_i/bn/gamma|beta|moving_mean|
 * moving_variance}; little-endian float64); for an ensemble ({@code ensemble.*} in the configuration) each member's
 * under {@code member_m/} and a weighted vote's α_m as {@code ensemble/votes}.
 *
 * <p>Precision: the snapshot's {@code precision} (float64 for a snapshot written before the field existed) must be
 * the {@code precision} of its training configuration; the model then predicts in it.
 *
 * <p>Input standardization: the snapshot's {@code standardization} (count n, means, variances) becomes the model's
 * {@link Standardizer}, so predictions apply x' = (x − mean)/√(var + ε) exactly as training did; a snapshot without
 * one gives a model that scores raw inputs.
 */
public final class SnapshotModels {

    /** The tensor of a weighted vote's member weights α_m (see {@code SnapshotBuilder}). */
    private static final String VOTES = "ensemble/votes";

    private SnapshotModels() {}

    /** The training configuration the snapshot carries. */
    public static TrainerConfig trainerConfig(ModelSnapshot snapshot) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(snapshot.getTrainingConfig()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> props = new HashMap<>();
        p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k)));
        try {
            return TrainerConfig.fromProperties(props);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "snapshot " + name(snapshot) + " has an unusable trainingConfig: " + e.getMessage(), e);
        }
    }

    /**
     * The snapshot's model, ready to predict and to export ({@link InferenceModel#toBytes()}).
     *
     * @throws IllegalArgumentException if a tensor is missing, superfluous or of the wrong length, or the
     *     standardization does not fit the input size
     */
    public static InferenceModel inferenceModel(ModelSnapshot snapshot) {
        TrainerConfig config = trainerConfig(snapshot);
        if (!config.precision().spelling().equals(snapshot.getPrecision())) {
            throw new IllegalArgumentException("snapshot " + name(snapshot) + " has precision '"
                    + snapshot.getPrecision() + "' but its trainingConfig says precision="
                    + config.precision().spelling() + "; expected the same (float64 or float32) in both");
        }
        Map<String, NamedTensor> tensors = tensors(snapshot);
        int members = config.ensemble().enabled() ? config.ensemble().size() : 1;
        List<Network> networks = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            // A fresh trainer gives a network of the snapshot's architecture; its weights are then overwritten.
            Network network = Trainer.create(config).network();
            copyWeights(snapshot, tensors, members == 1 ? "" : "member_" + m + "/", network);
            networks.add(network);
        }
        double[] votes = null;
        if (tensors.containsKey(VOTES)) {
            votes = new double[members];
            copy(snapshot, tensors, VOTES, votes);
        }
        if (!tensors.isEmpty()) {
            throw new IllegalArgumentException(
                    "snapshot " + name(snapshot) + " has tensors the architecture does not use: " + tensors.keySet());
        }
        Standardization st = snapshot.getStandardization();
        Standardizer standardizer = null;
        if (st != null) {
            try {
                standardizer = Standardizer.of(st.getCount(), doubles(st.getMean()), doubles(st.getVariance()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "snapshot " + name(snapshot) + " has an unusable standardization: " + e.getMessage(), e);
            }
        }
        return members == 1
                ? InferenceModel.of(config, networks.get(0), standardizer)
                : InferenceModel.ensemble(config, networks, votes, standardizer);
    }

    private static double[] doubles(List<Double> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /**
     * Overwrites every weight array of {@code network} (kernels, biases, batch-norm γ, β, moving mean and variance)
     * with the snapshot's tensor of the same name.
     *
     * @throws IllegalArgumentException if the network's architecture is not the snapshot's: a tensor is missing,
     *     superfluous or of another length
     */
    public static void copyWeights(ModelSnapshot snapshot, Network network) {
        Map<String, NamedTensor> tensors = tensors(snapshot);
        copyWeights(snapshot, tensors, "", network);
        if (!tensors.isEmpty()) {
            throw new IllegalArgumentException(
                    "snapshot " + name(snapshot) + " has tensors the architecture does not use: " + tensors.keySet());
        }
    }

    private static Map<String, NamedTensor> tensors(ModelSnapshot snapshot) {
        Map<String, NamedTensor> tensors = new HashMap<>();
        for (NamedTensor t : snapshot.getParameters()) {
            tensors.put(t.getName(), t);
        }
        return tensors;
    }

    /** Takes the network's arrays out of {@code tensors}, named under {@code member} ("" or "member_m/"). */
    private static void copyWeights(
            ModelSnapshot snapshot, Map<String, NamedTensor> tensors, String member, Network network) {
        List<Dense> layers = network.layers();
        for (int i = 0; i < layers.size(); i++) {
            Dense d = layers.get(i);
            String prefix = member + "dense_" + i + "/";
            copy(snapshot, tensors, prefix + "kernel", d.kernel().value());
            copy(snapshot, tensors, prefix + "bias", d.bias().value());
            BatchNormalization bn = d.batchNormalization();
            if (bn != null) {
                copy(
                        snapshot,
                        tensors,
                        prefix + "bn/gamma",
                        bn.parameters().get(0).value());
                copy(
                        snapshot,
                        tensors,
                        prefix + "bn/beta",
                        bn.parameters().get(1).value());
                copy(snapshot, tensors, prefix + "bn/moving_mean", bn.runningMean());
                copy(snapshot, tensors, prefix + "bn/moving_variance", bn.runningVariance());
            }
        }
    }

    /** The snapshot's model for serving. */
    public static ServingModel servingModel(ModelSnapshot snapshot) {
        return new ServingModel(
                snapshot.getModelId(), snapshot.getVersion(), snapshot.getTrial(), inferenceModel(snapshot));
    }

    private static void copy(ModelSnapshot snapshot, Map<String, NamedTensor> tensors, String name, double[] target) {
        NamedTensor t = tensors.remove(name);
        if (t == null) {
            throw new IllegalArgumentException("snapshot " + name(snapshot) + " has no tensor " + name);
        }
        ByteBuffer bytes = t.getValues().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (t.getIndices() != null) {
            copySparse(snapshot, name, bytes, t.getIndices().duplicate().order(ByteOrder.LITTLE_ENDIAN), target);
            return;
        }
        if (bytes.remaining() != target.length * Double.BYTES) {
            throw new IllegalArgumentException("snapshot " + name(snapshot) + " tensor " + name + " has "
                    + bytes.remaining() + " bytes, expected " + target.length + " float64 values ("
                    + target.length * Double.BYTES + " bytes)");
        }
        bytes.asDoubleBuffer().get(target);
    }

    /** The sparse form: target_i = values_e at i = indices_e, 0 elsewhere. */
    private static void copySparse(
            ModelSnapshot snapshot, String name, ByteBuffer values, ByteBuffer indices, double[] target) {
        int k = indices.remaining() / Integer.BYTES;
        if (indices.remaining() != k * Integer.BYTES || values.remaining() != k * Double.BYTES || k > target.length) {
            throw new IllegalArgumentException("snapshot " + name(snapshot) + " tensor " + name + " has "
                    + indices.remaining() + " bytes of indices and " + values.remaining()
                    + " bytes of values, expected 4 and 8 bytes per stored element, at most " + target.length);
        }
        Arrays.fill(target, 0.0);
        int previous = -1;
        for (int e = 0; e < k; e++) {
            int i = indices.getInt();
            if (i <= previous || i >= target.length) {
                throw new IllegalArgumentException("snapshot " + name(snapshot) + " tensor " + name + ": index " + i
                        + " after " + previous + " is not ascending in [0, " + target.length + ")");
            }
            target[i] = values.getDouble();
            previous = i;
        }
    }

    private static String name(ModelSnapshot snapshot) {
        return snapshot.getModelId() + " v" + snapshot.getVersion();
    }
}
