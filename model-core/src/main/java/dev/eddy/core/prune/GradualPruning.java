package dev.eddy.core.prune;

import dev.eddy.core.optim.Optimizer;
import dev.eddy.core.optim.Parameter;
import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Magnitude pruning during training (TFMOT's {@code prune_low_magnitude}): a mask per prunable kernel, recomputed at the
 * {@link PruningSchedule}'s pruning steps from the current weights, and held between them:
 *
 * <pre>
 * before an update:         g_i ← 0 where m_i = 0                 (clipping and the optimizer see no gradient there)
 * after update t, if a pruning step:
 *                           m ← 0 at the n − round(n·(1 − s_t)) smallest |w| of each kernel (layer scope) or of all
 *                               prunable kernels together (global scope), 1 elsewhere
 *                           w_i ← 0 and every optimizer state entry of i ← 0 where m_i = 0
 * </pre>
 *
 * A pruned weight then has no gradient and no moment, so it stays exactly 0 under every optimizer (weight decay of 0 is
 * 0). Already pruned weights are 0, the smallest magnitude, so they stay pruned while the sparsity grows. The prunable
 * kernels are given by the trainer: the kernels of the trained (not frozen) layers; biases and batch-norm parameters
 * are never pruned.
 *
 * <p>State (part of the training state): header {@code gradual-pruning} version 1, the kernel count, then per kernel
 * its name, its length and its mask as bits (bit i of word i/64 set = pruned), in bulk.
 */
public final class GradualPruning {

    private static final int STATE_VERSION = 1;

    private final PruneConfig config;
    private final PruningSchedule schedule;
    private final List<Parameter> kernels;
    /** pruned.get(k)[i]: weight i of kernel k is pruned (mask 0). */
    private final List<boolean[]> pruned = new ArrayList<>();

    /** @param kernels the kernels to prune (live parameters of the network being trained), in layer order */
    public GradualPruning(PruneConfig config, List<Parameter> kernels) {
        this.config = config;
        this.schedule = new PruningSchedule(config);
        this.kernels = List.copyOf(kernels);
        for (Parameter k : this.kernels) {
            pruned.add(new boolean[k.size()]);
        }
    }

    public PruneConfig config() {
        return config;
    }

    /** g_i ← 0 for every pruned weight i. */
    public void maskGradients() {
        for (int k = 0; k < kernels.size(); k++) {
            double[] g = kernels.get(k).grad();
            boolean[] p = pruned.get(k);
            for (int i = 0; i < g.length; i++) {
                if (p[i]) {
                    g[i] = 0.0;
                }
            }
        }
    }

    /**
     * Called after update t: at a pruning step recomputes the masks at the schedule's sparsity s_t, zeroes the pruned
     * weights and their state in {@code optimizer}.
     *
     * @return whether t was a pruning step
     */
    public boolean afterUpdate(long t, Optimizer optimizer) {
        if (!schedule.isPruningStep(t)) {
            return false;
        }
        double sparsity = schedule.sparsity(t);
        List<double[]> values = new ArrayList<>();
        for (Parameter k : kernels) {
            values.add(k.value());
        }
        if (config.scope() == PruningScope.GLOBAL) {
            MagnitudePruning.selectSmallest(values, sparsity, pruned);
        } else {
            for (int k = 0; k < kernels.size(); k++) {
                MagnitudePruning.selectSmallest(List.of(values.get(k)), sparsity, List.of(pruned.get(k)));
            }
        }
        apply(optimizer);
        return true;
    }

    /**
     * After the weights were replaced (best weights restored): the masks become the zeros of the new weights, and the
     * optimizer state of those weights is cleared, so what was pruned then is pruned now.
     */
    public void maskZeros(Optimizer optimizer) {
        for (int k = 0; k < kernels.size(); k++) {
            double[] w = kernels.get(k).value();
            boolean[] p = pruned.get(k);
            for (int i = 0; i < w.length; i++) {
                p[i] = w[i] == 0.0;
            }
        }
        apply(optimizer);
    }

    /** Σ pruned / Σ n over the prunable kernels. */
    public double maskedFraction() {
        long count = 0;
        long n = 0;
        for (boolean[] p : pruned) {
            for (boolean b : p) {
                if (b) {
                    count++;
                }
            }
            n += p.length;
        }
        return n == 0 ? 0 : (double) count / n;
    }

    private void apply(Optimizer optimizer) {
        for (int k = 0; k < kernels.size(); k++) {
            double[] w = kernels.get(k).value();
            boolean[] p = pruned.get(k);
            for (int i = 0; i < w.length; i++) {
                if (p[i]) {
                    w[i] = 0.0;
                }
            }
            optimizer.clearState(kernels.get(k).name(), p);
        }
    }

    /** Writes the masks in the form described in the class documentation. */
    public void saveState(DataOutput out) throws IOException {
        StateIo.writeHeader(out, "gradual-pruning", STATE_VERSION);
        out.writeInt(kernels.size());
        for (int k = 0; k < kernels.size(); k++) {
            boolean[] p = pruned.get(k);
            out.writeUTF(kernels.get(k).name());
            out.writeInt(p.length);
            long[] words = new long[(p.length + 63) / 64];
            for (int i = 0; i < p.length; i++) {
                if (p[i]) {
                    words[i >>> 6] |= 1L << (i & 63);
                }
            }
            for (long word : words) {
                out.writeLong(word);
            }
        }
    }

    /** Restores what {@link #saveState} wrote for the same kernels; a failed load leaves the masks unchanged. */
    public void loadState(DataInput in) throws IOException {
        StateIo.readHeader(in, "gradual-pruning", STATE_VERSION);
        int count = in.readInt();
        if (count != kernels.size()) {
            throw new IOException("pruning state has " + count + " kernels, the network prunes " + kernels.size());
        }
        List<boolean[]> loaded = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            String name = in.readUTF();
            int length = in.readInt();
            Parameter kernel = kernels.get(k);
            if (!name.equals(kernel.name()) || length != kernel.size()) {
                throw new IOException("pruning state kernel " + k + " is " + name + " of " + length
                        + " weights, expected " + kernel.name() + " of " + kernel.size());
            }
            boolean[] p = new boolean[length];
            for (int w = 0; w < (length + 63) / 64; w++) {
                long word = in.readLong();
                for (int b = 0; b < 64 && w * 64 + b < length; b++) {
                    p[w * 64 + b] = (word >>> b & 1L) != 0;
                }
            }
            loaded.add(p);
        }
        for (int k = 0; k < count; k++) {
            System.arraycopy(loaded.get(k), 0, pruned.get(k), 0, loaded.get(k).length);
        }
    }
}
