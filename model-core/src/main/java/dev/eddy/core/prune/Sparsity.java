package dev.eddy.core.prune;

import dev.eddy.core.layer.Dense;
import dev.eddy.core.network.Network;
import java.util.List;

/** The sparsity of kernels: the fraction of weights that are exactly 0 (−0.0 included). */
public final class Sparsity {
    private Sparsity() {}

    /** s = #{i : w_i = 0} / n. */
    public static double of(double[] weights) {
        return (double) zeros(weights) / weights.length;
    }

    /** #{i : w_i = 0}. */
    public static long zeros(double[] weights) {
        long zeros = 0;
        for (double w : weights) {
            if (w == 0.0) {
                zeros++;
            }
        }
        return zeros;
    }

    /** The sparsity of each dense layer's kernel, layers in order; biases and batch norm are not counted. */
    public static double[] perLayer(Network network) {
        List<Dense> layers = network.layers();
        double[] s = new double[layers.size()];
        for (int l = 0; l < s.length; l++) {
            s[l] = of(layers.get(l).kernel().value());
        }
        return s;
    }

    /** Σ_l zeros(W_l) / Σ_l |W_l|: the sparsity of all kernels together. */
    public static double overall(Network network) {
        return overall(List.of(network));
    }

    /** The same over the kernels of several networks (an ensemble's members) together. */
    public static double overall(List<Network> networks) {
        long zeros = 0;
        long n = 0;
        for (Network network : networks) {
            for (Dense layer : network.layers()) {
                zeros += zeros(layer.kernel().value());
                n += layer.kernel().size();
            }
        }
        return (double) zeros / n;
    }
}
