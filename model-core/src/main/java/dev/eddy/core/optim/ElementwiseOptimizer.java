package dev.eddy.core.optim;

import dev.eddy.core.kernel.Precision;
import dev.eddy.core.kernel.TwoThreads;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * Bookkeeping shared by the optimizers whose rule is elementwise on each tensor: the step counter
 * {@code t}, and {@code slots} state arrays per parameter (moments, accumulators), each as long as
 * its parameter. The arrays are allocated on the first step and matched to the parameters by
 * position, name and size on every later step; nothing is allocated per step afterwards.
 *
 * <p>State format (version 1): header (rule name, version), {@code t}, the slot count, the
 * parameter count (−1 before the first step), per parameter its name, its size and its slot arrays,
 * then the rule-specific scalars. A failed load leaves the optimizer unchanged.
 */
public abstract class ElementwiseOptimizer implements Optimizer {

    private static final int STATE_VERSION = 1;

    /**
     * Elements updated and rounded together in {@link Precision#FLOAT32}: θ, g and the slots of a chunk (32 KiB each)
     * stay in the core's cache between the update and the rounding passes. A tensor split over two threads
     * ({@link TwoThreads}) is split at a multiple of it.
     */
    private static final int CHUNK = 4096;

    private final int slots;
    private long iterations;
    private String[] names;
    private int[] sizes;
    private double[][][] state;

    /** @param slots number of state arrays each parameter needs (0 for plain SGD) */
    protected ElementwiseOptimizer(int slots) {
        this.slots = slots;
    }

    @Override
    public final void step(List<Parameter> params, double learningRate, Precision precision) {
        if (!(learningRate >= 0 && learningRate < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("learningRate must be finite and >= 0, got " + learningRate);
        }
        if (state == null) {
            allocate(params);
        } else {
            requireSameParameters(params);
        }
        iterations++;
        beginStep(iterations);
        for (int i = 0; i < state.length; i++) {
            Parameter p = params.get(i);
            double[] theta = p.value();
            double[] g = p.grad();
            double[][] s = state[i];
            long t = iterations;
            if (TwoThreads.splits(theta.length)) {
                // elementwise, so a large tensor's two halves go to two threads with the same result
                TwoThreads.run(
                        theta.length, CHUNK, (from, to) -> update(theta, g, s, t, learningRate, from, to, precision));
            } else {
                update(theta, g, s, t, learningRate, 0, theta.length, precision);
            }
        }
    }

    /** The rule on [from, to), rounded in {@code precision} CHUNK elements at a time (the chunk still in the cache). */
    private void update(
            double[] theta, double[] g, double[][] s, long t, double lr, int from, int to, Precision precision) {
        if (precision == Precision.FLOAT64) {
            update(theta, g, s, t, lr, from, to);
            return;
        }
        for (int c = from; c < to; c += CHUNK) {
            int end = Math.min(to, c + CHUNK);
            update(theta, g, s, t, lr, c, end);
            precision.round(theta, c, end);
            for (double[] slot : s) {
                precision.round(slot, c, end);
            }
        }
    }

    @Override
    public final void clearState(String parameter, boolean[] pruned) {
        if (state == null) {
            return;
        }
        for (int i = 0; i < state.length; i++) {
            if (names[i].equals(parameter)) {
                if (pruned.length != sizes[i]) {
                    throw new IllegalArgumentException(name() + " state of " + parameter + " has " + sizes[i]
                            + " elements but the mask has " + pruned.length);
                }
                for (double[] slot : state[i]) {
                    for (int j = 0; j < slot.length; j++) {
                        if (pruned[j]) {
                            slot[j] = 0.0;
                        }
                    }
                }
            }
        }
    }

    /** Hook for per-step scalars shared by all parameters (Nadam's Π_t); called before the updates. */
    protected void beginStep(long t) {}

    /**
     * Applies the rule in place to the elements [from, to) of one tensor (elementwise, so a tensor updated in pieces
     * is updated exactly as in one piece).
     *
     * @param theta parameter values θ, updated in place
     * @param g gradient
     * @param s this parameter's state arrays, {@code slots} of them, each as long as θ
     * @param t 1-based index of this update
     * @param lr learning rate of this update
     * @param from first element
     * @param to end of the elements (exclusive)
     */
    protected abstract void update(double[] theta, double[] g, double[][] s, long t, double lr, int from, int to);

    /** Sets the initial values of a freshly allocated parameter state (default: all zero). */
    protected void initialize(double[][] s) {}

    /** Writes rule-specific scalar state (default: none). */
    protected void writeScalars(DataOutput out) throws IOException {}

    /** Reads what {@link #writeScalars} wrote. */
    protected void readScalars(DataInput in) throws IOException {}

    @Override
    public final long iterations() {
        return iterations;
    }

    @Override
    public final void saveState(DataOutput out) throws IOException {
        StateIo.writeHeader(out, name(), STATE_VERSION);
        out.writeLong(iterations);
        out.writeInt(slots);
        if (state == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(state.length);
            for (int i = 0; i < state.length; i++) {
                out.writeUTF(names[i]);
                out.writeInt(sizes[i]);
                for (double[] slot : state[i]) {
                    StateIo.writeDoubles(out, slot);
                }
            }
        }
        writeScalars(out);
    }

    @Override
    public final void loadState(DataInput in) throws IOException {
        StateIo.readHeader(in, name(), STATE_VERSION);
        long t = in.readLong();
        if (t < 0) {
            throw new IOException("corrupt " + name() + " state: negative step count " + t);
        }
        int savedSlots = in.readInt();
        if (savedSlots != slots) {
            throw new IOException(name() + " state has " + savedSlots + " arrays per parameter, this configuration "
                    + "uses " + slots + " (was it saved with other momentum/amsgrad/centered settings?)");
        }
        int count = in.readInt();
        String[] loadedNames = null;
        int[] loadedSizes = null;
        double[][][] loaded = null;
        if (count >= 0) {
            loadedNames = new String[count];
            loadedSizes = new int[count];
            loaded = new double[count][slots][];
            for (int i = 0; i < count; i++) {
                loadedNames[i] = in.readUTF();
                loadedSizes[i] = in.readInt();
                for (int k = 0; k < slots; k++) {
                    loaded[i][k] = StateIo.readDoubles(in, loadedSizes[i], name() + " state of " + loadedNames[i]);
                }
            }
        } else if (count != -1) {
            throw new IOException("corrupt " + name() + " state: parameter count " + count);
        }
        readScalars(in); // last read: a truncated stream fails before any field changes
        iterations = t;
        names = loadedNames;
        sizes = loadedSizes;
        state = loaded;
    }

    private void allocate(List<Parameter> params) {
        names = new String[params.size()];
        sizes = new int[params.size()];
        state = new double[params.size()][][];
        for (int i = 0; i < state.length; i++) {
            Parameter p = params.get(i);
            names[i] = p.name();
            sizes[i] = p.size();
            state[i] = new double[slots][p.size()];
            initialize(state[i]);
        }
    }

    private void requireSameParameters(List<Parameter> params) {
        if (params.size() != state.length) {
            throw new IllegalArgumentException(
                    name() + " state holds " + state.length + " parameters but step was given " + params.size());
        }
        for (int i = 0; i < state.length; i++) {
            Parameter p = params.get(i);
            if (!p.name().equals(names[i])) {
                throw new IllegalArgumentException(name() + " state of parameter " + i + " belongs to " + names[i]
                        + " but step was given " + p.name());
            }
            if (p.size() != sizes[i]) {
                throw new IllegalArgumentException(name() + " state of " + names[i] + " has " + sizes[i]
                        + " elements but the parameter has " + p.size());
            }
        }
    }
}
