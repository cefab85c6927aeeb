package dev.eddy.core.activation;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Creates activations by name and parameters, as written in specs and the golden files. */
public final class Activations {
    /** Every name {@link #create} accepts. */
    public static final List<String> NAMES = List.of(
            "linear",
            "sigmoid",
            "tanh",
            "relu",
            "leaky_relu",
            "elu",
            "selu",
            "gelu",
            "gelu_tanh",
            "softplus",
            "softmax");

    private Activations() {}

    /**
     * The activation {@code name} with {@code params}: {@code {alpha}} for {@code leaky_relu} and
     * {@code elu}; for {@code selu} either nothing or exactly torch's {@code {alpha, scale}} constants;
     * nothing for the others. Unknown names or parameters are rejected.
     */
    public static Activation create(String name, Map<String, Double> params) {
        switch (name) {
            case "leaky_relu":
                expectKeys(name, params, "alpha");
                return new LeakyRelu(params.get("alpha"));
            case "elu":
                expectKeys(name, params, "alpha");
                return new Elu(params.get("alpha"));
            case "selu":
                if (!params.isEmpty()) {
                    expectKeys(name, params, "alpha", "scale");
                    if (params.get("alpha") != Selu.ALPHA || params.get("scale") != Selu.SCALE) {
                        throw new IllegalArgumentException("selu params must be alpha=" + Selu.ALPHA + ", scale="
                                + Selu.SCALE + " (torch's constants), got " + params);
                    }
                }
                return new Selu();
            default:
                break;
        }
        Activation plain = plain(name);
        expectKeys(name, params);
        return plain;
    }

    /** The parameterless activation {@code name}, e.g. {@code create("relu")}. */
    public static Activation create(String name) {
        return create(name, Map.of());
    }

    private static Activation plain(String name) {
        switch (name) {
            case "linear":
                return new Linear();
            case "sigmoid":
                return new Sigmoid();
            case "tanh":
                return new Tanh();
            case "relu":
                return new Relu();
            case "gelu":
                return new Gelu();
            case "gelu_tanh":
                return new GeluTanh();
            case "softplus":
                return new Softplus();
            case "softmax":
                return new Softmax();
            default:
                throw new IllegalArgumentException("unknown activation '" + name + "', expected one of " + NAMES);
        }
    }

    private static void expectKeys(String name, Map<String, Double> params, String... keys) {
        TreeSet<String> expected = new TreeSet<>(List.of(keys));
        if (!new TreeSet<>(params.keySet()).equals(expected)) {
            throw new IllegalArgumentException(
                    "activation " + name + " takes params " + expected + ", got " + new TreeSet<>(params.keySet()));
        }
        for (String key : keys) {
            if (params.get(key) == null || !Double.isFinite(params.get(key))) {
                throw new IllegalArgumentException(
                        "activation " + name + " param " + key + " must be a finite number, got " + params.get(key));
            }
        }
    }
}
