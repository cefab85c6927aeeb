package dev.eddy.core.train;

import dev.eddy.core.layer.BatchNormalization;
import dev.eddy.core.layer.Dense;
import dev.eddy.core.network.Network;
import dev.eddy.core.optim.Parameter;
import java.util.List;

/**
 * Which layers a warm start copies from a trained model (transfer learning): the longest prefix of layers that
 * match, layer i of the source matching layer i of the target when both have the same units, the same activation
 * (with its alpha) and both or neither batch normalization; dropout may differ, it holds no weights. A copied layer
 * takes the source's kernel W_i [units_{i−1} × units_i], bias b_i and, with batch normalization, γ_i, β_i and the
 * moving mean and variance; the layers after the prefix keep their fresh initialization (a new head for a new task).
 * Once the input sizes agree, the shapes of a matching prefix agree too, since W_i's rows are the units of layer i−1.
 *
 * <p>Refused, naming both shapes: a different input size, a prefix of no layer (nothing would transfer), {@code
 * frozen-layers} longer than the prefix (a frozen layer would keep its random initialization for ever), and a copied
 * output layer into a model with {@code standardize-target=true} (the source's output is in the target's units); and
 * an ensemble as the source (which of its networks would be copied?).
 *
 * @param copiedLayers the length k of the matching prefix: layers 0..k−1 are copied, k ≥ 1
 */
public record TransferRule(int copiedLayers) {

    /**
     * The rule between a source model and the configuration of the model that warm-starts from it.
     *
     * @throws IllegalArgumentException naming both shapes when the target cannot warm-start from the source, or when
     *     the source is an ensemble
     */
    public static TransferRule between(InferenceModel source, TrainerConfig target) {
        if (source.members() > 1) {
            throw new IllegalArgumentException("a warm start copies one network into one network; the source is an"
                    + " ensemble of " + source.members() + " networks");
        }
        List<LayerConfig> from = TrainerConfig.parseLayers(source.layers());
        List<LayerConfig> to = target.layers();
        String shapes = "cannot warm-start from a model with input size " + source.inputSize() + " and layers "
                + source.layers() + " into input size " + target.inputSize() + " and layers "
                + target.toProperties().get("layers") + ": ";
        if (source.inputSize() != target.inputSize()) {
            throw new IllegalArgumentException(shapes + "the input sizes differ");
        }
        int k = 0;
        while (k < from.size() && k < to.size() && matches(from.get(k), to.get(k))) {
            k++;
        }
        if (k == 0) {
            throw new IllegalArgumentException(shapes + "the first layers differ (" + from.get(0) + " and " + to.get(0)
                    + "), so no layer would transfer; a layer matches when its units, activation and batch"
                    + " normalization are the same");
        }
        if (target.standardizeTarget() && k == to.size()) {
            throw new IllegalArgumentException(shapes + "the output layer would be copied, but a served output layer"
                    + " maps to the target's units (the inverse of its target standardization folded in) where"
                    + " this model's, with standardize-target=true, maps to standardized units; set"
                    + " standardize-target=false");
        }
        if (target.frozenLayers() > k) {
            throw new IllegalArgumentException(shapes + "frozen-layers=" + target.frozenLayers()
                    + " is longer than the "
                    + k + " matching layer" + (k == 1 ? "" : "s") + " copied, so a frozen layer would keep its random"
                    + " initialization");
        }
        return new TransferRule(k);
    }

    /** Same units, activation (with its parameters) and batch normalization: the same weights fit both. */
    private static boolean matches(LayerConfig a, LayerConfig b) {
        return a.units() == b.units()
                && a.activation().equals(b.activation())
                && a.activationParams().equals(b.activationParams())
                && a.batchNorm() == b.batchNorm();
    }

    /** Copies the weights of the first {@link #copiedLayers} layers of {@code source} into {@code target}. */
    void copy(Network source, Network target) {
        for (int i = 0; i < copiedLayers; i++) {
            Dense from = source.layers().get(i);
            Dense to = target.layers().get(i);
            List<Parameter> fromParameters = from.parameters();
            List<Parameter> toParameters = to.parameters();
            for (int p = 0; p < toParameters.size(); p++) {
                copy(fromParameters.get(p).value(), toParameters.get(p).value());
            }
            BatchNormalization bn = to.batchNormalization();
            if (bn != null) {
                copy(from.batchNormalization().runningMean(), bn.runningMean());
                copy(from.batchNormalization().runningVariance(), bn.runningVariance());
            }
        }
    }

    private static void copy(double[] from, double[] to) {
        System.arraycopy(from, 0, to, 0, to.length);
    }
}
