package dev.eddy.core.prune;

import dev.eddy.core.layer.Dense;
import dev.eddy.core.train.InferenceModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One-shot magnitude pruning of a dense network's kernels (the TensorFlow Model Optimization Toolkit's
 * {@code prune_low_magnitude} at a constant sparsity): the weights of smallest |w| are set to 0. Biases and
 * batch-norm parameters (γ, β, running statistics) are never pruned.
 *
 * <p>For a group of n kernel weights w_0 … w_{n−1} (one layer's kernel with {@link PruningScope#LAYER}, all
 * kernels flattened in layer order with {@link PruningScope#GLOBAL}) and the target sparsity s ∈ [0, 1):
 *
 * <pre>
 * k     = round(n·(1 − s))                         weights kept (TFMOT's count; Java's half-up rounding)
 * order = sort i by (|w_i|, i)                     ties in |w| broken by position: the earlier one is pruned
 * w_i  ← 0  for the first n − k indices of order
 * </pre>
 *
 * Exactly n − k weights are pruned, so the group's sparsity is (n − k)/n, or more if it already had more
 * zeros (zeros sort first). TFMOT instead keeps every weight equal to the threshold, pruning fewer on ties.
 */
public final class MagnitudePruning {

    private final double sparsity;
    private final PruningScope scope;

    /**
     * @param sparsity target fraction of zero kernel weights, in [0, 1)
     * @param scope one threshold per layer or over all kernels
     */
    public MagnitudePruning(double sparsity, PruningScope scope) {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity " + sparsity
                    + " is outside [0, 1): expected the fraction of kernel weights to prune," + " e.g. 0.9");
        }
        if (scope == null) {
            throw new IllegalArgumentException("pruning scope is missing: expected one of layer, global");
        }
        this.sparsity = sparsity;
        this.scope = scope;
    }

    public double sparsity() {
        return sparsity;
    }

    public PruningScope scope() {
        return scope;
    }

    /** A copy of {@code model} with its kernels pruned; {@code model} is unchanged. Same export format. */
    public InferenceModel prune(InferenceModel model) {
        InferenceModel pruned = InferenceModel.fromBytes(model.toBytes());
        List<double[]> kernels = new ArrayList<>();
        for (Dense layer : pruned.network().layers()) {
            kernels.add(layer.kernel().value());
        }
        if (scope == PruningScope.GLOBAL) {
            pruneSmallest(kernels, sparsity);
        } else {
            for (double[] kernel : kernels) {
                pruneSmallest(List.of(kernel), sparsity);
            }
        }
        return pruned;
    }

    /** Number of weights pruned from a group of n: n − round(n·(1 − s)). */
    static long prunedCount(long n, double sparsity) {
        return n - Math.round(n * (1 - sparsity));
    }

    /** Zeroes the n − k smallest |w| of the arrays taken as one group (position = array, then index). */
    static void pruneSmallest(List<double[]> group, double sparsity) {
        int n = 0;
        for (double[] w : group) {
            n += w.length;
        }
        long count = prunedCount(n, sparsity);
        if (count == 0) {
            return;
        }
        int[] array = new int[n];
        int[] index = new int[n];
        double[] magnitude = new double[n];
        int p = 0;
        for (int a = 0; a < group.size(); a++) {
            double[] w = group.get(a);
            for (int i = 0; i < w.length; i++, p++) {
                array[p] = a;
                index[p] = i;
                magnitude[p] = Math.abs(w[i]);
            }
        }
        // A stable sort on |w| alone keeps positions ascending within a tie.
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> magnitude[i]));
        for (int r = 0; r < count; r++) {
            int q = order[r];
            group.get(array[q])[index[q]] = 0.0;
        }
    }
}
