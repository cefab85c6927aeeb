package dev.eddy.core.train;

import dev.eddy.core.network.Network;
import dev.eddy.core.optim.StateIo;
import dev.eddy.core.preprocess.Standardizer;
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
 * int    format version: 1 for one network, {@value #ENSEMBLE_VERSION} for an ensemble
 * int    input size
 * UTF    layers, canonical {@link TrainerConfig} form, e.g. "64:relu:batchnorm,10:softmax"
 * UTF    loss the model was trained with (tells how to read the outputs)
 * bool   standardized; if true the standardizer state (count, means, M2 sums)
 * version 2 only:
 *   int    members K ≥ 2
 *   bool   voted; if true K doubles, the members' vote weights α_m (boosting)
 * then per network (one, or K in member order):
 *   int    number of weight arrays, then each array (length + IEEE-754 doubles, big-endian, bulk):
 *          per layer kernel [inputs×units] row-major, bias, then batch-norm γ, β; then per batch-norm
 *          layer its running mean and running variance
 * </pre>
 *
 * A single network is still written as version 1, byte for byte as before ensembles existed. {@link #predict}
 * computes ŷ = net((x − mean)/√(var + ε)) in inference mode; for an ensemble the mean of the members' outputs ŷ =
 * (1/K) Σ_m net_m(x') (probabilities, or values for regression) or, when voted, the weighted vote shares ŷ_c = Σ_m
 * α_m·[class_m(x') = c] / Σ_m α_m (one column: the share of class 1; hinge: 2·share − 1, so that score ≥ 0 is still
 * the predicted class). Calls are serialized.
 */
public final class InferenceModel {

    /** "EDDM": first four bytes of a serialized model. */
    static final int MAGIC = 0x4544444D;
    /** Format version of {@link #toBytes()} for one network; {@link #fromBytes} reads it and {@link #ENSEMBLE_VERSION}. */
    public static final int FORMAT_VERSION = 1;

    /** Format version of {@link #toBytes()} for an ensemble. */
    public static final int ENSEMBLE_VERSION = 2;

    private final int inputSize;
    private final String layers;
    private final String loss;
    private final Standardizer standardizer;
    private final List<Network> networks;
    /** α_m of a weighted vote, or null: the mean of the outputs (or the one network's). */
    private final double[] votes;

    private InferenceModel(
            int inputSize,
            String layers,
            String loss,
            Standardizer standardizer,
            List<Network> networks,
            double[] votes) {
        this.inputSize = inputSize;
        this.layers = layers;
        this.loss = loss;
        this.standardizer = standardizer;
        this.networks = List.copyOf(networks);
        this.votes = votes;
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
                config.inputSize(), config.toProperties().get("layers"), config.loss(), standardizer, members, votes));
    }

    /** The export form described in the class documentation. */
    public byte[] toBytes() {
        return write(inputSize, layers, loss, standardizer, networks, votes);
    }

    /**
     * Reads {@link #toBytes()} output.
     *
     * @throws IllegalArgumentException if the bytes are not a model, have another format version, or
     *     are truncated or corrupt
     */
    public static InferenceModel fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new IllegalArgumentException(String.format(
                        "not an Eddy model: starts with 0x%08x, expected 0x%08x (\"EDDM\")", magic, MAGIC));
            }
            int version = in.readInt();
            if (version != FORMAT_VERSION && version != ENSEMBLE_VERSION) {
                throw new IllegalArgumentException(
                        "model format version " + version + " is not supported; this build reads versions "
                                + FORMAT_VERSION + " and " + ENSEMBLE_VERSION);
            }
            int inputSize = in.readInt();
            String layers = in.readUTF();
            String loss = in.readUTF();
            Standardizer standardizer = null;
            if (in.readBoolean()) {
                standardizer = new Standardizer(inputSize);
                standardizer.loadState(in);
            }
            int members = 1;
            double[] votes = null;
            if (version == ENSEMBLE_VERSION) {
                members = in.readInt();
                if (members < 2) {
                    throw new IOException("an ensemble has at least 2 members, the model says " + members);
                }
                if (in.readBoolean()) {
                    votes = StateIo.readDoubles(in, members, "vote weights");
                }
            }
            List<Network> networks = new ArrayList<>(members);
            for (int m = 0; m < members; m++) {
                networks.add(readNetwork(in, inputSize, layers));
            }
            if (in.available() != 0) {
                throw new IOException(in.available() + " unread bytes after the model");
            }
            return new InferenceModel(inputSize, layers, loss, standardizer, networks, votes);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt model: " + e.getMessage(), e);
        }
    }

    private static Network readNetwork(DataInputStream in, int inputSize, String layers) throws IOException {
        Network network = Network.build(
                Architecture.spec(inputSize, TrainerConfig.parseLayers(layers), "glorot_uniform", 0, 0), 0);
        List<double[]> weights = Architecture.weights(network);
        int count = in.readInt();
        if (count != weights.size()) {
            throw new IOException(
                    "model has " + count + " weight arrays, layers " + layers + " need " + weights.size());
        }
        for (int i = 0; i < count; i++) {
            double[] target = weights.get(i);
            System.arraycopy(StateIo.readDoubles(in, target.length, "weight array " + i), 0, target, 0, target.length);
        }
        return network;
    }

    private static byte[] write(
            int inputSize,
            String layers,
            String loss,
            Standardizer standardizer,
            List<Network> networks,
            double[] votes) {
        long parameters = networks.get(0).parameterCount() * networks.size();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + 8 * (int) Math.min(parameters, 1 << 27));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(networks.size() == 1 ? FORMAT_VERSION : ENSEMBLE_VERSION);
            out.writeInt(inputSize);
            out.writeUTF(layers);
            out.writeUTF(loss);
            out.writeBoolean(standardizer != null);
            if (standardizer != null) {
                standardizer.saveState(out);
            }
            if (networks.size() > 1) {
                out.writeInt(networks.size());
                out.writeBoolean(votes != null);
                if (votes != null) {
                    StateIo.writeDoubles(out, votes);
                }
            }
            for (Network network : networks) {
                List<double[]> weights = Architecture.weights(network);
                out.writeInt(weights.size());
                for (double[] w : weights) {
                    StateIo.writeDoubles(out, w);
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
        DMatrixRMaj y = MemberOutputs.served(networks, votes, loss, x);
        double[][] out = new double[y.numRows][];
        for (int r = 0; r < y.numRows; r++) {
            out[r] = Arrays.copyOfRange(y.data, r * y.numCols, (r + 1) * y.numCols);
        }
        return out;
    }

    /** Networks served: 1, or the ensemble's K members. */
    public int members() {
        return networks.size();
    }

    /** The networks, in member order (one for a single network); read them, do not train them. */
    public List<Network> networks() {
        return networks;
    }

    /** The members' vote weights α_m of a weighted vote (boosting), empty when the outputs are averaged. */
    public Optional<double[]> votes() {
        return Optional.ofNullable(votes).map(double[]::clone);
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

    /** Parameters of all networks. */
    public long parameterCount() {
        return networks.get(0).parameterCount() * networks.size();
    }

    /**
     * The network holding this model's weights; read it, do not train it.
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

    /** The input standardization applied before the network, if the model was trained with one. */
    public Optional<Standardizer> standardizer() {
        return Optional.ofNullable(standardizer);
    }
}
