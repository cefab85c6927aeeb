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
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;

/**
 * A trained model for serving: architecture, weights and input standardization, nothing of the
 * training state. Its bytes are the export format (also the payload of a model snapshot):
 *
 * <pre>
 * int    magic "EDDM" (0x4544444D)
 * int    format version ({@value #FORMAT_VERSION})
 * int    input size
 * UTF    layers, canonical {@link TrainerConfig} form, e.g. "64:relu:batchnorm,10:softmax"
 * UTF    loss the model was trained with (tells how to read the outputs)
 * UTF    precision, "float64" or "float32" (since version 2; version 1 is float64): the network predicts in it
 * bool   standardized; if true the standardizer state (count, means, M2 sums)
 * int    number of weight arrays, then each array: per layer kernel [inputs×units] row-major, bias, then
 *        batch-norm γ, β; then per batch-norm layer its running mean and running variance (a float32 model's
 *        values are floats, written as the doubles they equal). Version 3: each array dense or sparse,
 *        whichever is smaller ({@link TensorEncoding}: a pruned kernel is stored as its non-zeros and their
 *        positions); versions 1 and 2: each array dense (length + IEEE-754 doubles, big-endian, bulk).
 * </pre>
 *
 * {@link #predict} computes ŷ = net((x − mean)/√(var + ε)) in inference mode. Calls are serialized. A layer whose
 * kernel is sparse enough computes h·W over its non-zeros ({@link SparseKernel}, exactly the dense result): at batch
 * 1 from sparsity {@value SparseKernel#SINGLE_ROW_THRESHOLD}, for larger batches from {@value
 * SparseKernel#BATCH_THRESHOLD} (thresholds measured by {@code SparseServingBenchmark}).
 */
public final class InferenceModel {

    /** "EDDM": first four bytes of a serialized model. */
    static final int MAGIC = 0x4544444D;
    /**
     * Format version of {@link #toBytes()}: 2 added the precision, 3 stores sparse weight arrays compactly. {@link
     * #fromBytes} also reads versions 1 (a float64 model) and 2, and refuses any other.
     */
    public static final int FORMAT_VERSION = 3;

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
    private final Network network;
    /** Per layer: its kernel's sparsity, and its compressed kernel (built when first needed, or null). */
    private final double[] kernelSparsity;

    private final SparseKernel[] sparseKernels;
    private ServingKernel servingKernel = ServingKernel.AUTO;

    private InferenceModel(
            int inputSize,
            String layers,
            String loss,
            Precision precision,
            Standardizer standardizer,
            Network network) {
        this.inputSize = inputSize;
        this.layers = layers;
        this.loss = loss;
        this.precision = precision;
        this.standardizer = standardizer;
        this.network = network;
        this.kernelSparsity = Sparsity.perLayer(network);
        this.sparseKernels = new SparseKernel[kernelSparsity.length];
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
                network));
    }

    /** The export form described in the class documentation. */
    public byte[] toBytes() {
        return write(inputSize, layers, loss, precision, standardizer, network);
    }

    /**
     * Reads {@link #toBytes()} output.
     *
     * @throws IllegalArgumentException if the bytes are not a model, have a format version other than 1 and {@value
     *     #FORMAT_VERSION}, or are truncated or corrupt
     */
    public static InferenceModel fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new IllegalArgumentException(String.format(
                        "not an Eddy model: starts with 0x%08x, expected 0x%08x (\"EDDM\")", magic, MAGIC));
            }
            int version = in.readInt();
            if (version < 1 || version > FORMAT_VERSION) {
                throw new IllegalArgumentException("model format version " + version
                        + " is not supported; this build reads versions 1 to " + FORMAT_VERSION);
            }
            int inputSize = in.readInt();
            String layers = in.readUTF();
            String loss = in.readUTF();
            Precision precision = version == 1 ? Precision.FLOAT64 : Precision.parse("precision", in.readUTF());
            Standardizer standardizer = null;
            if (in.readBoolean()) {
                standardizer = new Standardizer(inputSize);
                standardizer.loadState(in);
            }
            Network network = Network.build(
                    Architecture.spec(inputSize, TrainerConfig.parseLayers(layers), "glorot_uniform", 0, 0, precision),
                    0);
            List<double[]> weights = Architecture.weights(network);
            int count = in.readInt();
            if (count != weights.size()) {
                throw new IOException(
                        "model has " + count + " weight arrays, layers " + layers + " need " + weights.size());
            }
            for (int i = 0; i < count; i++) {
                double[] target = weights.get(i);
                if (version < 3) {
                    System.arraycopy(
                            StateIo.readDoubles(in, target.length, "weight array " + i), 0, target, 0, target.length);
                } else {
                    TensorEncoding.read(in, target, "weight array " + i);
                }
            }
            if (in.available() != 0) {
                throw new IOException(in.available() + " unread bytes after the model");
            }
            return new InferenceModel(inputSize, layers, loss, precision, standardizer, network);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt model: " + e.getMessage(), e);
        }
    }

    private static byte[] write(
            int inputSize,
            String layers,
            String loss,
            Precision precision,
            Standardizer standardizer,
            Network network) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + 8 * (int) network.parameterCount());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeInt(inputSize);
            out.writeUTF(layers);
            out.writeUTF(loss);
            out.writeUTF(precision.spelling());
            out.writeBoolean(standardizer != null);
            if (standardizer != null) {
                standardizer.saveState(out);
            }
            List<double[]> weights = Architecture.weights(network);
            out.writeInt(weights.size());
            for (double[] w : weights) {
                TensorEncoding.write(out, w);
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
        List<Dense> dense = network.layers();
        for (int l = 0; l < dense.size(); l++) {
            boolean sparse = servingKernel == ServingKernel.SPARSE
                    || servingKernel == ServingKernel.AUTO && SparseKernel.pays(kernelSparsity[l], features.length);
            dense.get(l).useSparseKernel(sparse ? sparseKernel(l) : null);
        }
        DMatrixRMaj y = network.predict(x);
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

    private SparseKernel sparseKernel(int layer) {
        if (sparseKernels[layer] == null) {
            Dense d = network.layers().get(layer);
            sparseKernels[layer] = SparseKernel.of(d.kernel().value(), d.inputs(), d.units(), precision);
        }
        return sparseKernels[layer];
    }

    public int inputSize() {
        return inputSize;
    }

    public int outputSize() {
        return network.spec().outputSize();
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

    public long parameterCount() {
        return network.parameterCount();
    }

    /** The network holding this model's weights; read it, do not change it (compressed kernels copy it). */
    public Network network() {
        return network;
    }

    /** The input standardization applied before the network, if the model was trained with one. */
    public Optional<Standardizer> standardizer() {
        return Optional.ofNullable(standardizer);
    }
}
