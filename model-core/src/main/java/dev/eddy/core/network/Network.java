package dev.eddy.core.network;

import dev.eddy.core.init.Xoshiro256;
import dev.eddy.core.kernel.Precision;
import dev.eddy.core.layer.Dense;
import dev.eddy.core.layer.KernelPenalty;
import dev.eddy.core.loss.Loss;
import dev.eddy.core.optim.Parameter;
import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * A stack of {@link Dense} layers: h_0 = x, h_l = layer_l(h_{l−1}), ŷ = h_L, trained on
 *
 * <pre>
 * loss = L_data(ŷ, y) + Σ_l P(W_l)      (P the spec's {@link KernelPenalty}, kernels only)
 * </pre>
 *
 * Back-propagation writes ∂loss/∂θ into every {@link Parameter}'s grad array. When the loss has a
 * fused gradient for the output activation (sigmoid + binary cross-entropy, softmax + categorical
 * cross-entropy) the backward pass starts from ∂L/∂z of the output layer. In {@link Precision#FLOAT32} (the spec's
 * precision) the initial kernels and the loss gradient are rounded to float, the layers round the rest, and the
 * input is read as floats by the first layer's float products. Large products and elementwise passes also use the
 * kernel's worker thread ({@code TwoThreads}), with the results of one thread; nothing is allocated per step once
 * the work buffers have grown to the largest batch seen (below the two-thread sizes).
 */
public final class Network {
    private static final String STATE_TAG = "eddy.network";
    private static final int STATE_VERSION = 1;

    private final NetworkSpec spec;
    private final Dense[] layers;
    private final List<Parameter> parameters;
    private final Xoshiro256 dropoutRng;
    private final DMatrixRMaj outputGrad = new DMatrixRMaj(1, 1);

    private DMatrixRMaj output;

    private Network(NetworkSpec spec, long seed) {
        this.spec = spec;
        Xoshiro256 rng = new Xoshiro256(seed);
        this.dropoutRng = rng.split();
        List<LayerSpec> specs = spec.layers();
        this.layers = new Dense[specs.size()];
        List<Parameter> params = new ArrayList<>();
        int inputs = spec.inputSize();
        for (int l = 0; l < layers.length; l++) {
            LayerSpec ls = specs.get(l);
            Dense layer = new Dense(
                    "dense" + l, inputs, ls.units(), ls.activation(), ls.batchNorm(), ls.dropout(), spec.precision());
            ls.kernelInitializer().fill(layer.kernel().value(), inputs, ls.units(), rng);
            spec.precision().round(layer.kernel().value());
            layers[l] = layer;
            params.addAll(layer.parameters());
            inputs = ls.units();
        }
        this.parameters = Collections.unmodifiableList(params);
    }

    /**
     * A network with kernels drawn by each layer's initializer from a generator seeded with {@code seed}
     * (layers in order), biases 0, batch-norm γ = 1, β = 0, and a dropout generator split from the same
     * seed. The same spec and seed always give the same network.
     */
    public static Network build(NetworkSpec spec, long seed) {
        return new Network(spec, seed);
    }

    public NetworkSpec spec() {
        return spec;
    }

    public List<Dense> layers() {
        return List.of(layers);
    }

    /** Every trainable tensor in a fixed order: per layer kernel, bias, then batch-norm γ, β. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** Total number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters) {
            n += p.size();
        }
        return n;
    }

    /**
     * ŷ for a [B × inputSize] batch. {@code training} selects batch statistics and dropout. Returns an
     * internal buffer valid until the next forward pass; {@code x} must not change before
     * {@link #backward}.
     */
    public DMatrixRMaj forward(DMatrixRMaj x, boolean training) {
        // In FLOAT32 the input is not rounded: the first layer reads it only through the float products, which
        // read every element as (float) x, the same rounding.
        DMatrixRMaj h = x;
        for (Dense layer : layers) {
            h = layer.forward(h, training, dropoutRng);
        }
        output = h;
        return h;
    }

    /** Inference output ŷ (no dropout, running batch-norm statistics); an internal buffer. */
    public DMatrixRMaj predict(DMatrixRMaj x) {
        return forward(x, false);
    }

    /**
     * Back-propagates {@code loss} for targets {@code y} through the last forward pass, sets every
     * parameter gradient to ∂(L_data + Σ P)/∂θ and returns L_data + Σ P.
     */
    public double backward(DMatrixRMaj y, Loss loss) {
        return backward(y, null, loss);
    }

    /**
     * {@link #backward(DMatrixRMaj, Loss)} with per-example weights: L_data = Σ_b w_b·ℓ_b / Σ_b w_b (see {@link
     * Loss}); the penalties are not weighted.
     *
     * @param weights one per row of {@code y}, finite and ≥ 0, summing to more than 0; {@code null}: every weight 1
     */
    public double backward(DMatrixRMaj y, double[] weights, Loss loss) {
        if (output == null) {
            throw new IllegalStateException("backward needs a forward pass first");
        }
        double value = loss.value(output, y, weights);
        Dense last = layers[layers.length - 1];
        boolean multiLayer = layers.length > 1;
        DMatrixRMaj grad;
        if (loss.fusesWith(last.activation()) && output == last.activationOutput()) {
            loss.logitGradient(output, y, weights, outputGrad);
            spec.precision().round(outputGrad.data, outputGrad.getNumElements());
            grad = last.backwardFromPreActivation(outputGrad, multiLayer);
        } else {
            loss.gradient(output, y, weights, outputGrad);
            spec.precision().round(outputGrad.data, outputGrad.getNumElements());
            grad = last.backward(outputGrad, multiLayer);
        }
        for (int l = layers.length - 2; l >= 0; l--) {
            grad = layers[l].backward(grad, l > 0);
        }
        KernelPenalty penalty = spec.penalty();
        if (!penalty.isZero()) {
            for (Dense layer : layers) {
                penalty.addGradient(layer.kernel().value(), layer.kernel().grad());
                spec.precision().round(layer.kernel().grad());
            }
        }
        return value + penalty();
    }

    /** Training forward pass on x, then {@link #backward}: the loss before an update and its gradients. */
    public double computeGradients(DMatrixRMaj x, DMatrixRMaj y, Loss loss) {
        return computeGradients(x, y, null, loss);
    }

    /** {@link #computeGradients(DMatrixRMaj, DMatrixRMaj, Loss)} with per-example weights (see {@link #backward}). */
    public double computeGradients(DMatrixRMaj x, DMatrixRMaj y, double[] weights, Loss loss) {
        forward(x, true);
        return backward(y, weights, loss);
    }

    /** L_data(predict(x), y) + Σ P: the inference-mode loss including penalties (no gradients). */
    public double loss(DMatrixRMaj x, DMatrixRMaj y, Loss loss) {
        return loss.value(predict(x), y) + penalty();
    }

    /** Σ_l P(W_l), the kernel penalty of the current parameters. */
    public double penalty() {
        double sum = 0.0;
        for (Dense layer : layers) {
            sum += spec.penalty().value(layer.kernel().value());
        }
        return sum;
    }

    /**
     * Writes every parameter, the batch-norm running statistics and the dropout generator (format
     * version 1, arrays in bulk). Gradients and work buffers are not state.
     */
    public void saveState(DataOutput out) throws IOException {
        StateIo.writeHeader(out, STATE_TAG, STATE_VERSION);
        out.writeInt(layers.length);
        for (Dense layer : layers) {
            layer.saveState(out);
        }
        dropoutRng.saveState(out);
    }

    /** Restores state written by {@link #saveState} of a network with the same spec. */
    public void loadState(DataInput in) throws IOException {
        StateIo.readHeader(in, STATE_TAG, STATE_VERSION);
        int count = in.readInt();
        if (count != layers.length) {
            throw new IOException("saved network has " + count + " layers, this one has " + layers.length);
        }
        for (Dense layer : layers) {
            layer.loadState(in);
        }
        dropoutRng.loadState(in);
    }
}
