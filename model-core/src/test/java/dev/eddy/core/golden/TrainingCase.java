package dev.eddy.core.golden;

import static dev.eddy.core.golden.GoldenJson.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.core.activation.Activations;
import dev.eddy.core.kernel.Precision;
import dev.eddy.core.layer.Dense;
import dev.eddy.core.layer.KernelPenalty;
import dev.eddy.core.loss.Loss;
import dev.eddy.core.loss.Losses;
import dev.eddy.core.network.LayerSpec;
import dev.eddy.core.network.Network;
import dev.eddy.core.network.NetworkSpec;
import dev.eddy.core.optim.Adagrad;
import dev.eddy.core.optim.Adam;
import dev.eddy.core.optim.AdamW;
import dev.eddy.core.optim.Adamax;
import dev.eddy.core.optim.GradientClipping;
import dev.eddy.core.optim.Nadam;
import dev.eddy.core.optim.Optimizer;
import dev.eddy.core.optim.RmsProp;
import dev.eddy.core.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * Kind {@code training} (README §5): per step the loss before the update, every gradient (before
 * clipping) and the parameters after the update, carrying parameters and optimizer state along.
 */
final class TrainingCase {
    private TrainingCase() {}

    /** Runs the case with every value in {@code precision} (the float64 cases: {@link Precision#FLOAT64}). */
    static void run(JsonNode root, Comparison cmp, Precision precision) {
        expectFields(
                root,
                "training case",
                GoldenConformanceTest.withCommon(
                        "network", "loss", "l1", "l2", "gradient_clipping", "optimizer", "initial_params", "steps"));
        Network network = Network.build(networkSpec(root, precision), 0L);
        Loss loss = Losses.create(text(root, "loss"));
        GradientClipping clipping = clipping(field(root, "gradient_clipping"));
        JsonNode opt = field(root, "optimizer");
        Optimizer optimizer = optimizer(opt);
        double lr = real(opt, "learning_rate");
        List<Dense> layers = network.layers();
        setParams(layers, objects(root, "initial_params"));

        List<JsonNode> steps = objects(root, "steps");
        if (steps.isEmpty()) {
            throw new GoldenFormatException("training case has no steps");
        }
        for (int s = 0; s < steps.size(); s++) {
            JsonNode step = steps.get(s);
            String at = "steps[" + s + "]";
            expectFields(step, at, List.of("x", "y", "loss_before", "grads", "params_after"));
            DMatrixRMaj x = new DMatrixRMaj(matrix(step, "x"));
            DMatrixRMaj y = new DMatrixRMaj(matrix(step, "y"));
            double lossBefore = network.computeGradients(x, y, loss);
            cmp.real(at + ".loss_before", real(step, "loss_before"), lossBefore);
            compareLayers(cmp, at + ".grads", objects(step, "grads"), layers, true);
            clipping.apply(network.parameters());
            optimizer.step(network.parameters(), lr, precision);
            compareLayers(cmp, at + ".params_after", objects(step, "params_after"), layers, false);
        }
    }

    private static NetworkSpec networkSpec(JsonNode root, Precision precision) {
        JsonNode net = field(root, "network");
        expectFields(net, "network", List.of("input_size", "layers"));
        List<LayerSpec> layers = new ArrayList<>();
        for (JsonNode layer : objects(net, "layers")) {
            expectFields(layer, "network.layers[" + layers.size() + "]", List.of("units", "activation", "params"));
            layers.add(LayerSpec.dense(
                    intValue(layer, "units"),
                    Activations.create(text(layer, "activation"), numberMap(layer, "params"))));
        }
        return new NetworkSpec(
                intValue(net, "input_size"), layers, new KernelPenalty(real(root, "l1"), real(root, "l2")), precision);
    }

    private static void setParams(List<Dense> layers, List<JsonNode> params) {
        checkLayerCount("initial_params", params, layers);
        for (int l = 0; l < layers.size(); l++) {
            Dense layer = layers.get(l);
            JsonNode p = params.get(l);
            expectFields(p, "initial_params[" + l + "]", List.of("kernel", "bias"));
            double[][] kernel = matrix(p, "kernel");
            double[] bias = vector(p, "bias");
            if (kernel.length != layer.inputs() || kernel[0].length != layer.units() || bias.length != layer.units()) {
                throw new GoldenFormatException("initial_params[" + l + "] has kernel " + kernel.length + "x"
                        + kernel[0].length + " and bias " + bias.length + ", expected " + layer.inputs() + "x"
                        + layer.units() + " and " + layer.units());
            }
            for (int i = 0; i < kernel.length; i++) {
                System.arraycopy(kernel[i], 0, layer.kernel().value(), i * layer.units(), layer.units());
            }
            System.arraycopy(bias, 0, layer.bias().value(), 0, bias.length);
        }
    }

    private static void compareLayers(
            Comparison cmp, String where, List<JsonNode> expected, List<Dense> layers, boolean grads) {
        checkLayerCount(where, expected, layers);
        for (int l = 0; l < layers.size(); l++) {
            Dense layer = layers.get(l);
            JsonNode e = expected.get(l);
            String at = where + "[" + l + "]";
            expectFields(e, at, List.of("kernel", "bias"));
            double[] kernel = grads ? layer.kernel().grad() : layer.kernel().value();
            double[] bias = grads ? layer.bias().grad() : layer.bias().value();
            cmp.matrix(at + ".kernel", rows(e, "kernel"), kernel, layer.inputs(), layer.units());
            cmp.vector(at + ".bias", vector(e, "bias"), bias, bias.length);
        }
    }

    private static void checkLayerCount(String where, List<JsonNode> entries, List<Dense> layers) {
        if (entries.size() != layers.size()) {
            throw new GoldenFormatException(
                    where + " has " + entries.size() + " entries, the network has " + layers.size() + " layers");
        }
    }

    private static GradientClipping clipping(JsonNode node) {
        if (node.isNull()) {
            return GradientClipping.none();
        }
        if (node.isObject() && node.size() == 1 && node.has("global_norm")) {
            return GradientClipping.byGlobalNorm(real(node, "global_norm"));
        }
        if (node.isObject() && node.size() == 1 && node.has("value")) {
            return GradientClipping.byValue(real(node, "value"));
        }
        throw new GoldenFormatException(
                "gradient_clipping must be null, {\"global_norm\": c} or {\"value\": c}, got " + node);
    }

    private static Optimizer optimizer(JsonNode o) {
        String name = text(o, "name");
        switch (name) {
            case "sgd":
                fields(o, "momentum", "dampening", "nesterov");
                return new Sgd(real(o, "momentum"), real(o, "dampening"), bool(o, "nesterov"));
            case "adagrad":
                fields(o, "lr_decay", "initial_accumulator_value", "eps");
                return new Adagrad(real(o, "lr_decay"), real(o, "initial_accumulator_value"), real(o, "eps"));
            case "rmsprop":
                fields(o, "rho", "eps", "momentum", "centered");
                return new RmsProp(real(o, "rho"), real(o, "eps"), real(o, "momentum"), bool(o, "centered"));
            case "adam":
                fields(o, "beta1", "beta2", "eps", "amsgrad");
                return new Adam(real(o, "beta1"), real(o, "beta2"), real(o, "eps"), bool(o, "amsgrad"));
            case "adamw":
                fields(o, "beta1", "beta2", "eps", "weight_decay", "amsgrad");
                return new AdamW(
                        real(o, "beta1"),
                        real(o, "beta2"),
                        real(o, "eps"),
                        real(o, "weight_decay"),
                        bool(o, "amsgrad"));
            case "adamax":
                fields(o, "beta1", "beta2", "eps");
                return new Adamax(real(o, "beta1"), real(o, "beta2"), real(o, "eps"));
            case "nadam":
                fields(o, "beta1", "beta2", "eps", "momentum_decay");
                return new Nadam(real(o, "beta1"), real(o, "beta2"), real(o, "eps"), real(o, "momentum_decay"));
            default:
                throw new GoldenFormatException("unknown optimizer '" + name
                        + "', expected sgd, adagrad, rmsprop, adam, adamw, adamax or nadam");
        }
    }

    private static void fields(JsonNode optimizer, String... hyperParameters) {
        List<String> expected = new ArrayList<>(List.of("name", "learning_rate"));
        expected.addAll(List.of(hyperParameters));
        expectFields(optimizer, "optimizer " + optimizer.get("name").textValue(), expected);
    }
}
