package dev.eddy.core.train;

import dev.eddy.core.kernel.Precision;
import dev.eddy.core.kernel.SparseKernel;
import dev.eddy.core.layer.Dense;
import dev.eddy.core.network.Network;
import dev.eddy.core.optim.StateIo;
import dev.eddy.core.preprocess.Standardizer;
import dev.eddy.core.prune.Sparsity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;

/**
 * A trained model for serving: architecture, weights and input standardization, nothing of the
 * training state; one network or an ensemble of networks of the same architecture. Its bytes are the export format
 * (also the payload of a model snapshot):
 *
 * <pre>
 * int    magic "EDDM" (0x4544444D)
 * int    format version ({@value #FORMAT_VERSION})
 * int    input size
 * UTF    layers, canonical {@link TrainerConfig} form, e.g. "64:relu:batchnorm,10:softmax"
 * UTF    loss the model was trained with (tells how to read the outputs)
 * UTF    precision, "float64" or "float32" (since version 2; version 1 is float64): the network predicts in it
 * bool   standardized; if true the standardizer state (count, means, M2 sums)
 * since version 4:
 *   int    networks K ≥ 1 (K ≥ 2: an ensemble's members, in member order)
 *   bool   voted; if true K doubles, the members' vote weights α_m (boosting)
 * then per network (one before version 4):
 * int    number of weight arrays, then each array: per layer kernel [inputs×units] row-major, bias, then
 *        batch-norm γ, β; then per batch-norm layer its running mean and running variance (a float32 model's
 *        values are floats, written as the doubles they equal). Version 3: each array dense or sparse,
 *        whichever is smaller ({@link TensorEncoding}: a pruned kernel is stored as its non-zeros and their
 *        positions; also in version 4); versions 1 and 2: each array dense (length + IEEE-754 doubles, big-endian,
 *        bulk).
 * </pre>
 *
 * {@link #predict} computes ŷ = net((x − mean)/√(var + ε)) in inference mode; an ensemble serves its members'
 * combination ({@link MemberOutputs}: the mean of their outputs, or their weighted vote). Calls are serialized. A layer whose
 * kernel is sparse enough computes h·W over its non-zeros ({@link SparseKernel}, exactly the dense result): at batch
 * 1 from sparsity {@value SparseKernel#SINGLE_ROW_THRESHOLD}, for larger batches from {@value
 * SparseKernel#BATCH_THRESHOLD} (thresholds measured by {@code SparseServingBenchmark}).
 */
public final class InferenceModel {

    /** "EDDM": first four bytes of a serialized model. */
    static final FormatHeader HEADER = new FormatHeader("EDDM", "model", InferenceModel.FORMAT_VERSION);
    /**
     * Format version of {@link #toBytes()}: 2 added the precision, 3 stores sparse weight arrays compactly, 4 holds
     * an ensemble's networks and vote weights. {@link #fromBytes} also reads versions 1 (a float64 model), 2 and 3,
     * and refuses any other.
     */
    public static final int FORMAT_VERSION = 4;

    /** Which kernel the layers compute h·W with. */
    public enum ServingKernel {
        /** Per layer and call, the sparse kernel when the layer's sparsity pays for the batch size (the default). */
        AUTO,
        /** Every layer dense. */
        DENSE,
        /** Every layer sparse, whatever its sparsity. */
        SPARSE
    }

    private final int inputSize;
    private final String layers;
    private final String loss;
    private final Precision precision;
    private final Standardizer standardizer;
    private final List<Network> networks;
    /** α_m of a weighted vote, or null: the mean of the outputs (or the one network's). */
    private final double[] votes;
    /** Per network and layer: its kernel's sparsity, and its compressed kernel (built when first needed, or null). */
    private final double[][] kernelSparsity;

    private final SparseKernel[][] sparseKernels;
    private ServingKernel servingKernel = ServingKernel.AUTO;

    private InferenceModel(
            int inputSize,
            String layers,
            String loss,
            Precision precision,
            Standardizer standardizer,
            List<Network> networks,
            double[] votes) {
        this.inputSize = inputSize;
        this.layers = layers;
        this.loss = loss;
        this.precision = precision;
        this.standardizer = standardizer;
        this.networks = List.copyOf(networks);
        this.votes = votes;
        this.kernelSparsity = new double[networks.size()][];
        this.sparseKernels = new SparseKernel[networks.size()][];
        for (int m = 0; m < networks.size(); m++) {
            kernelSparsity[m] = Sparsity.perLayer(networks.get(m));
            sparseKernels[m] = new SparseKernel[kernelSparsity[m].length];
        }
    }

    /**
     * A copy of {@code network}'s weights and of the standardization statistics (nullable),
     * independent of further training.
     */
    public static InferenceModel of(TrainerConfig config, Network network, Standardizer standardizer) {
        return fromBytes(write(
                config.inputSize(),
                config.toProperties().get("layers"),
                config.loss(),
                config.precision(),
                standardizer,
                List.of(network),
                null));
    }

    /**
     * An ensemble: copies of the members' weights (all of {@code config}'s layers) and of the standardization
     * statistics (nullable), served as the mean of their outputs or, with {@code votes}, their weighted vote.
     *
     * @param votes α_m ≥ 0 per member (finite), or null for the mean
     * @throws IllegalArgumentException with fewer than 2 members, or votes that do not fit them
     */
    public static InferenceModel ensemble(
            TrainerConfig config, List<Network> members, double[] votes, Standardizer standardizer) {
        if (members.size() < 2) {
            throw new IllegalArgumentException("an ensemble needs at least 2 members, got " + members.size());
        }
        if (votes != null && votes.length != members.size()) {
            throw new IllegalArgumentException(
                    "got " + votes.length + " vote weights for " + members.size() + " members");
        }
        return fromBytes(write(
                config.inputSize(),
                config.toProperties().get("layers"),
                config.loss(),
                config.precision(),
                standardizer,
                members,
                votes));
    }

    /** The export form described in the class documentation. */
    public byte[] toBytes() {
        return write(inputSize, layers, loss, precision, standardizer, networks, votes);
    }

    /**
     * Reads {@link #toBytes()} output.
     *
     * @throws IllegalArgumentException if the bytes are not a model, have a format version other than 1 and {@value
     *     #FORMAT_VERSION}, or are truncated or corrupt
     */
    public static InferenceModel fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = HEADER.read(in);
            int inputSize = in.readInt();
            if (inputSize < 1) {
                throw new IOException("input size " + inputSize + ", expected at least 1");
            }
            String layers = in.readUTF();
            String loss = in.readUTF();
            Precision precision = version == 1 ? Precision.FLOAT64 : Precision.parse("precision", in.readUTF());
            Standardizer standardizer = null;
            if (in.readBoolean()) {
                // its mean and M2 are stored dense: a corrupt input size is refused before they are allocated
                if (in.available() < 16L * inputSize) {
                    throw new IOException("the input standardization of " + inputSize + " inputs needs "
                            + 16L * inputSize + " bytes, " + in.available() + " remain");
                }
                standardizer = new Standardizer(inputSize);
                standardizer.loadState(in);
            }
            int count = 1;
            double[] votes = null;
            if (version >= 4) {
                count = in.readInt();
                if (count < 1 || count > 1 << 16) {
                    throw new IOException("the model says it has " + count + " networks, expected at least 1");
                }
                if (in.readBoolean()) {
                    votes = StateIo.readDoubles(in, count, "vote weights");
                }
            }
            List<Network> networks = new ArrayList<>(count);
            for (int m = 0; m < count; m++) {
                networks.add(readNetwork(in, version, inputSize, layers, precision));
            }
            if (in.available() != 0) {
                throw new IOException(in.available() + " unread bytes after the model");
            }
            return new InferenceModel(inputSize, layers, loss, precision, standardizer, networks, votes);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt model: " + e.getMessage(), e);
        }
    }

    /**
     * Reads one network's weight arrays, each checked against the length its layers give it before it is allocated,
     * then builds the network: a corrupt input size or layer is refused, not allocated.
     */
    private static Network readNetwork(
            DataInputStream in, int version, int inputSize, String layers, Precision precision) throws IOException {
        List<LayerConfig> layerConfigs = TrainerConfig.parseLayers(layers);
        long[] lengths = Architecture.weightLengths(inputSize, layerConfigs);
        int count = in.readInt();
        if (count != lengths.length) {
            throw new IOException(
                    "model has " + count + " weight arrays, layers " + layers + " need " + lengths.length);
        }
        List<double[]> stored = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String what = "weight array " + i;
            if (lengths[i] > Dense.MAX_KERNEL) {
                throw new IOException(what + " of layers " + layers + " on input size " + inputSize + " would hold "
                        + lengths[i] + " values, more than a Java array holds (" + Dense.MAX_KERNEL + ")");
            }
            int length = (int) lengths[i];
            stored.add(version < 3 ? StateIo.readDoubles(in, length, what) : TensorEncoding.read(in, length, what));
        }
        Network network =
                Network.build(Architecture.spec(inputSize, layerConfigs, "glorot_uniform", 0, 0, precision), 0);
        List<double[]> weights = Architecture.weights(network);
        for (int i = 0; i < count; i++) {
            System.arraycopy(stored.get(i), 0, weights.get(i), 0, weights.get(i).length);
        }
        return network;
    }

    private static byte[] write(
            int inputSize,
            String layers,
            String loss,
            Precision precision,
            Standardizer standardizer,
            List<Network> networks,
            double[] votes) {
        long parameters = networks.get(0).parameterCount() * networks.size();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + 8 * (int) Math.min(parameters, 1 << 27));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            HEADER.write(out);
            out.writeInt(inputSize);
            out.writeUTF(layers);
            out.writeUTF(loss);
            out.writeUTF(precision.spelling());
            out.writeBoolean(standardizer != null);
            if (standardizer != null) {
                standardizer.saveState(out);
            }
            out.writeInt(networks.size());
            out.writeBoolean(votes != null);
            if (votes != null) {
                StateIo.writeDoubles(out, votes);
            }
            for (Network network : networks) {
                List<double[]> weights = Architecture.weights(network);
                out.writeInt(weights.size());
                for (double[] w : weights) {
                    TensorEncoding.write(out, w);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** ŷ for each row of {@code input-size} features (probabilities for sigmoid/softmax outputs). */
    public synchronized double[][] predict(double[][] features) {
        DMatrixRMaj x = new DMatrixRMaj(features.length, inputSize);
        for (int r = 0; r < features.length; r++) {
            if (features[r].length != inputSize) {
                throw new IllegalArgumentException(
                        "row " + r + " has " + features[r].length + " features, expected " + inputSize);
            }
            System.arraycopy(features[r], 0, x.data, r * inputSize, inputSize);
        }
        if (standardizer != null) {
            standardizer.transformBatch(x.data, x.data, features.length);
        }
        for (int m = 0; m < networks.size(); m++) {
            List<Dense> dense = networks.get(m).layers();
            for (int l = 0; l < dense.size(); l++) {
                boolean sparse = servingKernel == ServingKernel.SPARSE
                        || servingKernel == ServingKernel.AUTO
                                && SparseKernel.pays(kernelSparsity[m][l], features.length);
                dense.get(l).useSparseKernel(sparse ? sparseKernel(m, l) : null);
            }
        }
        DMatrixRMaj y = MemberOutputs.served(networks, votes, loss, x);
        double[][] out = new double[y.numRows][];
        for (int r = 0; r < y.numRows; r++) {
            out[r] = Arrays.copyOfRange(y.data, r * y.numCols, (r + 1) * y.numCols);
        }
        return out;
    }

    /** Chooses the kernel of the next predictions ({@link ServingKernel#AUTO} unless changed; benchmarks compare). */
    public synchronized void serveWith(ServingKernel kernel) {
        this.servingKernel = kernel;
    }

    private SparseKernel sparseKernel(int member, int layer) {
        if (sparseKernels[member][layer] == null) {
            Dense d = networks.get(member).layers().get(layer);
            sparseKernels[member][layer] = SparseKernel.of(d.kernel().value(), d.inputs(), d.units(), precision);
        }
        return sparseKernels[member][layer];
    }

    public int inputSize() {
        return inputSize;
    }

    public int outputSize() {
        return networks.get(0).spec().outputSize();
    }

    /** The layers in canonical {@link TrainerConfig} form. */
    public String layers() {
        return layers;
    }

    /** The loss the model was trained with: says whether outputs are probabilities, scores or targets. */
    public String loss() {
        return loss;
    }

    /** The precision the model was trained in and predicts in. */
    public Precision precision() {
        return precision;
    }

    /** Parameters of all networks. */
    public long parameterCount() {
        return networks.get(0).parameterCount() * networks.size();
    }

    /**
     * The network holding this model's weights; read it, do not change it (compressed kernels copy it).
     *
     * @throws IllegalArgumentException when the model is an ensemble: an operation on one network (pruning, a warm
     *     start) does not apply to it
     */
    public Network network() {
        if (networks.size() > 1) {
            throw new IllegalArgumentException("the model is an ensemble of " + networks.size()
                    + " networks; this operation needs a model of one network (export a model trained without"
                    + " ensemble)");
        }
        return networks.get(0);
    }

    /** Networks served: 1, or the ensemble's K members. */
    public int members() {
        return networks.size();
    }

    /** The networks, in member order (one for a single network); read them, do not change them. */
    public List<Network> networks() {
        return networks;
    }

    /** The members' vote weights α_m of a weighted vote (boosting), empty when the outputs are averaged. */
    public Optional<double[]> votes() {
        return Optional.ofNullable(votes).map(double[]::clone);
    }

    /** The input standardization applied before the network, if the model was trained with one. */
    public Optional<Standardizer> standardizer() {
        return Optional.ofNullable(standardizer);
    }
}
