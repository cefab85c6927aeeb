package dev.eddy.core.prune;

import dev.eddy.core.layer.Dense;
import dev.eddy.core.train.InferenceModel;
import java.util.ArrayList;
import java.util.Arrays;
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
        // Read back, so that the model measures its new kernels' sparsity for serving.
        return InferenceModel.fromBytes(pruned.toBytes());
    }

    /** Number of weights pruned from a group of n: n − round(n·(1 − s)). */
    static long prunedCount(long n, double sparsity) {
        return n - Math.round(n * (1 - sparsity));
    }

    /** Zeroes the n − k smallest |w| of the arrays taken as one group (position = array, then index). */
    static void pruneSmallest(List<double[]> group, double sparsity) {
        List<boolean[]> pruned = new ArrayList<>();
        for (double[] w : group) {
            pruned.add(new boolean[w.length]);
        }
        selectSmallest(group, sparsity, pruned);
        for (int a = 0; a < group.size(); a++) {
            double[] w = group.get(a);
            boolean[] p = pruned.get(a);
            for (int i = 0; i < w.length; i++) {
                if (p[i]) {
                    w[i] = 0.0;
                }
            }
        }
    }

    /**
     * Sets {@code pruned[a][i]} for the n − k weights of smallest |w| of the group (position = array a, then index
     * i; ties go to the earlier position) and clears it for the others. With τ the (n − k)-th smallest |w|, those
     * are every |w| &lt; τ and the first (n − k) − #{|w| &lt; τ} positions with |w| = τ: one primitive sort.
     *
     * @param pruned one array per group array, of the same length, overwritten
     */
    static void selectSmallest(List<double[]> group, double sparsity, List<boolean[]> pruned) {
        int n = 0;
        for (double[] w : group) {
            n += w.length;
        }
        long count = prunedCount(n, sparsity);
        for (boolean[] p : pruned) {
            Arrays.fill(p, false);
        }
        if (count == 0) {
            return;
        }
        double[] magnitudes = new double[n];
        int q = 0;
        for (double[] w : group) {
            for (double v : w) {
                magnitudes[q++] = Math.abs(v);
            }
        }
        Arrays.sort(magnitudes);
        double threshold = magnitudes[(int) count - 1];
        long below = 0;
        for (double m : magnitudes) {
            if (m < threshold) {
                below++;
            } else {
                break;
            }
        }
        long ties = count - below;
        for (int a = 0; a < group.size(); a++) {
            double[] w = group.get(a);
            boolean[] p = pruned.get(a);
            for (int i = 0; i < w.length; i++) {
                double m = Math.abs(w[i]);
                if (m < threshold) {
                    p[i] = true;
                } else if (m == threshold && ties > 0) {
                    p[i] = true;
                    ties--;
                }
            }
        }
    }
}
