package dev.eddy.core.train;

import dev.eddy.core.activation.Activations;
import dev.eddy.core.init.Initializer;
import dev.eddy.core.kernel.Precision;
import dev.eddy.core.layer.BatchNormalization;
import dev.eddy.core.layer.Dense;
import dev.eddy.core.layer.KernelPenalty;
import dev.eddy.core.network.LayerSpec;
import dev.eddy.core.network.Network;
import dev.eddy.core.network.NetworkSpec;
import dev.eddy.core.optim.Parameter;
import java.util.ArrayList;
import java.util.List;

/** Turns configured layers into a {@link NetworkSpec}, and lists a network's weight arrays. */
public final class Architecture {
    private Architecture() {}

    static NetworkSpec spec(
            int inputSize, List<LayerConfig> layers, String initializer, double l1, double l2, Precision precision) {
        Initializer init = Initializer.fromSpecName(initializer);
        List<LayerSpec> specs = new ArrayList<>(layers.size());
        for (LayerConfig l : layers) {
            specs.add(new LayerSpec(
                    l.units(),
                    Activations.create(l.activation(), l.activationParams()),
                    init,
                    l.batchNorm(),
                    l.dropout()));
        }
        return new NetworkSpec(inputSize, specs, new KernelPenalty(l1, l2), precision);
    }

    /**
     * The live arrays that make up the network's weights in Keras' sense: every parameter (kernels,
     * biases, batch-norm γ and β) followed by every batch-norm running mean and variance.
     */
    public static List<double[]> weights(Network network) {
        List<double[]> arrays = new ArrayList<>();
        for (Parameter p : network.parameters()) {
            arrays.add(p.value());
        }
        for (Dense layer : network.layers()) {
            BatchNormalization bn = layer.batchNormalization();
            if (bn != null) {
                arrays.add(bn.runningMean());
                arrays.add(bn.runningVariance());
            }
        }
        return arrays;
    }

    /**
     * The lengths of {@link #weights}' arrays for a network of {@code layers} on {@code inputSize} inputs, computed
     * without building it, so that stored weights can be checked against them before anything is allocated.
     */
    static long[] weightLengths(int inputSize, List<LayerConfig> layers) {
        List<Long> parameters = new ArrayList<>();
        List<Long> runningStatistics = new ArrayList<>();
        long inputs = inputSize;
        for (LayerConfig l : layers) {
            parameters.add(inputs * l.units());
            parameters.add((long) l.units());
            if (l.batchNorm()) {
                parameters.addAll(List.of((long) l.units(), (long) l.units()));
                runningStatistics.addAll(List.of((long) l.units(), (long) l.units()));
            }
            inputs = l.units();
        }
        parameters.addAll(runningStatistics);
        return parameters.stream().mapToLong(Long::longValue).toArray();
    }

    /** Total length of {@code arrays}. */
    public static int length(List<double[]> arrays) {
        int n = 0;
        for (double[] a : arrays) {
            n += a.length;
        }
        return n;
    }

    /** Copies {@code arrays} one after the other into {@code flat}. */
    public static void copy(List<double[]> arrays, double[] flat) {
        int at = 0;
        for (double[] a : arrays) {
            System.arraycopy(a, 0, flat, at, a.length);
            at += a.length;
        }
    }

    /** Copies {@code flat} back into {@code arrays} (the inverse of {@link #copy(List, double[])}). */
    public static void copy(double[] flat, List<double[]> arrays) {
        int at = 0;
        for (double[] a : arrays) {
            System.arraycopy(flat, at, a, 0, a.length);
            at += a.length;
        }
    }
}
