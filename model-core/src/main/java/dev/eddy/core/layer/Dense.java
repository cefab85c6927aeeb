package dev.eddy.core.layer;

import dev.eddy.core.activation.Activation;
import dev.eddy.core.init.Xoshiro256;
import dev.eddy.core.kernel.Precision;
import dev.eddy.core.kernel.SparseKernel;
import dev.eddy.core.optim.Parameter;
import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * A fully connected layer on a [B×n] batch h (one row per example), with kernel W [n×u] (row = input,
 * column = unit) and bias b [u]:
 *
 * <pre>
 * z = h·W + b                 (b added to every row)
 * z ← BN(z)                   (optional batch normalization, before the activation)
 * a = f(z)
 * out = dropout(a)            (optional, training only)
 * </pre>
 *
 * Backward, given dL/d(out): da = dropoutᵀ(d out), dz = J_fᵀ·da (or a fused dz from the loss),
 * dz ← BNᵀ(dz), ∂L/∂W = hᵀ·dz, ∂L/∂b = Σ_rows dz, ∂L/∂h = dz·Wᵀ. Gradients are written (not added) into
 * the {@link Parameter} grad arrays. Work buffers grow with the batch size and are reused, so steady
 * training allocates nothing. In {@link Precision#FLOAT32} the products are float products and every other value
 * written (z after batch normalization, a, the dropout output, the running statistics and every gradient) is
 * rounded to float after it is computed, except what is a float already (a product, the output and gradient of an
 * activation that {@linkplain Activation#preservesFloats preserves floats}).
 */
public final class Dense {
    /** The most weights a kernel holds: the largest array length JVMs allocate, Integer.MAX_VALUE − 8. */
    public static final int MAX_KERNEL = Integer.MAX_VALUE - 8;

    private final int inputs;
    private final int units;
    private final Activation activation;
    private final Precision precision;
    private final Parameter kernel;
    private final Parameter bias;
    private final DMatrixRMaj w;
    private final DMatrixRMaj wGrad;
    private final DMatrixRMaj b;
    private final BatchNormalization batchNorm;
    private final Dropout dropout;
    private final List<Parameter> parameters;

    private DMatrixRMaj input;
    private final DMatrixRMaj z;
    private final DMatrixRMaj a;
    private final DMatrixRMaj out;
    private final DMatrixRMaj dz;
    private final DMatrixRMaj dInput;
    private boolean droppedOut;
    /** Inference passes compute h·W with this compressed copy of W when set; null: the dense kernel. */
    private SparseKernel sparseKernel;

    /**
     * @param name parameter name prefix, e.g. {@code dense0}
     * @param batchNorm whether to normalize z before the activation
     * @param dropoutRate dropout rate after the activation (0 = none)
     * @param precision the precision of every value the layer computes
     */
    public Dense(
            String name,
            int inputs,
            int units,
            Activation activation,
            boolean batchNorm,
            double dropoutRate,
            Precision precision) {
        if (inputs < 1 || units < 1) {
            throw new IllegalArgumentException(
                    name + ": inputs and units must be >= 1, got inputs=" + inputs + ", units=" + units);
        }
        if ((long) inputs * units > MAX_KERNEL) {
            throw new IllegalArgumentException(name + ": a kernel of inputs=" + inputs + " × units=" + units + " = "
                    + (long) inputs * units + " weights is more than a Java array holds (" + MAX_KERNEL + ")");
        }
        this.inputs = inputs;
        this.units = units;
        this.activation = activation;
        this.precision = precision;
        this.kernel = new Parameter(name + ".kernel", new double[inputs * units], new double[inputs * units]);
        this.bias = new Parameter(name + ".bias", new double[units], new double[units]);
        this.w = DMatrixRMaj.wrap(inputs, units, kernel.value());
        this.wGrad = DMatrixRMaj.wrap(inputs, units, kernel.grad());
        this.b = DMatrixRMaj.wrap(1, units, bias.value());
        this.batchNorm = batchNorm ? new BatchNormalization(name + ".bn", units) : null;
        this.dropout = dropoutRate > 0 ? new Dropout(dropoutRate) : null;
        List<Parameter> params = new ArrayList<>(List.of(kernel, bias));
        if (this.batchNorm != null) {
            params.addAll(this.batchNorm.parameters());
        }
        this.parameters = Collections.unmodifiableList(params);
        this.z = new DMatrixRMaj(1, units);
        this.a = new DMatrixRMaj(1, units);
        this.out = new DMatrixRMaj(1, units);
        this.dz = new DMatrixRMaj(1, units);
        this.dInput = new DMatrixRMaj(1, inputs);
    }

    public int inputs() {
        return inputs;
    }

    public int units() {
        return units;
    }

    public Activation activation() {
        return activation;
    }

    /** The kernel W, row-major [inputs × units]. */
    public Parameter kernel() {
        return kernel;
    }

    public Parameter bias() {
        return bias;
    }

    /** Kernel, bias, then (with batch normalization) γ and β. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The batch normalization of this layer, or {@code null}. */
    public BatchNormalization batchNormalization() {
        return batchNorm;
    }

    /**
     * Serving: inference passes (not training ones) compute h·W with {@code kernel}, a compressed copy of this layer's
     * current kernel in this layer's precision, until it is set to null. The kernel must not change while one is set.
     */
    public void useSparseKernel(SparseKernel kernel) {
        this.sparseKernel = kernel;
    }

    /** The activation output f(z) of the last forward pass (before dropout). */
    public DMatrixRMaj activationOutput() {
        return a;
    }

    /**
     * Forward pass; returns an internal buffer valid until the next call. {@code x} must stay unchanged
     * until {@link #backward} (its reference is kept for ∂L/∂W). {@code rng} draws dropout masks.
     */
    public DMatrixRMaj forward(DMatrixRMaj x, boolean training, Xoshiro256 rng) {
        if (x.numCols != inputs) {
            throw new IllegalArgumentException(
                    kernel.name() + ": input has " + x.numCols + " columns, expected " + inputs);
        }
        int rows = x.numRows;
        input = x;
        z.reshape(rows, units);
        if (sparseKernel != null && !training) {
            sparseKernel.abPlusBias(x, b, z);
        } else {
            precision.abPlusBias(x, w, b, z);
        }
        int n = rows * units;
        if (batchNorm != null) {
            batchNorm.forward(z.data, rows, training);
            precision.round(z.data, n);
            if (training) {
                precision.round(batchNorm.runningMean());
                precision.round(batchNorm.runningVariance());
            }
        }
        a.reshape(rows, units);
        activation.forward(z.data, a.data, rows, units);
        if (!activation.preservesFloats()) {
            precision.round(a.data, n);
        }
        droppedOut = training && dropout != null;
        if (!droppedOut) {
            return a;
        }
        out.reshape(rows, units);
        dropout.forward(a.data, out.data, n, rng);
        precision.round(out.data, n);
        return out;
    }

    /**
     * Backward pass from dL/d(out) of the last forward pass: sets the parameter gradients and returns
     * dL/dx (an internal buffer) or {@code null} when {@code needInputGradient} is false.
     * {@code gradOutput} may be overwritten.
     */
    public DMatrixRMaj backward(DMatrixRMaj gradOutput, boolean needInputGradient) {
        int rows = input.numRows;
        checkShape(gradOutput, rows);
        int n = rows * units;
        if (droppedOut) {
            dropout.backward(gradOutput.data, gradOutput.data, n);
            precision.round(gradOutput.data, n);
        }
        dz.reshape(rows, units);
        activation.backward(z.data, a.data, gradOutput.data, dz.data, rows, units);
        if (!activation.preservesFloats()) {
            precision.round(dz.data, n);
        }
        return backwardFromPreActivation(dz, needInputGradient);
    }

    /**
     * Backward pass from dL/dz, z the input of the activation (a loss's fused logit gradient); the
     * layer must have no dropout in the last forward pass. {@code gradZ} is overwritten.
     */
    public DMatrixRMaj backwardFromPreActivation(DMatrixRMaj gradZ, boolean needInputGradient) {
        int rows = input.numRows;
        checkShape(gradZ, rows);
        if (droppedOut && gradZ != dz) {
            throw new IllegalStateException(kernel.name() + ": a fused gradient cannot pass through dropout");
        }
        if (batchNorm != null) {
            batchNorm.backward(gradZ.data, rows);
            precision.round(gradZ.data, rows * units);
            for (Parameter p : batchNorm.parameters()) {
                precision.round(p.grad());
            }
        }
        precision.aTb(input, gradZ, wGrad);
        double[] gb = bias.grad();
        Arrays.fill(gb, 0.0);
        for (int r = 0; r < rows; r++) {
            int offset = r * units;
            for (int j = 0; j < units; j++) {
                gb[j] += gradZ.data[offset + j];
            }
        }
        precision.round(gb);
        if (!needInputGradient) {
            return null;
        }
        dInput.reshape(rows, inputs);
        precision.abT(gradZ, w, dInput);
        return dInput;
    }

    private void checkShape(DMatrixRMaj grad, int rows) {
        if (grad.numRows != rows || grad.numCols != units) {
            throw new IllegalArgumentException(kernel.name() + ": gradient is " + grad.numRows + "x" + grad.numCols
                    + ", expected " + rows + "x" + units + " (the last forward batch)");
        }
    }

    /** Writes kernel, bias and (with batch normalization) γ, β and the running statistics. */
    public void saveState(DataOutput outStream) throws IOException {
        StateIo.writeDoubles(outStream, kernel.value());
        StateIo.writeDoubles(outStream, bias.value());
        if (batchNorm != null) {
            batchNorm.saveState(outStream);
        }
    }

    /** Restores what {@link #saveState} wrote, into the existing arrays. */
    public void loadState(DataInput in) throws IOException {
        SavedArrays.read(in, kernel.value(), kernel.name());
        SavedArrays.read(in, bias.value(), bias.name());
        if (batchNorm != null) {
            batchNorm.loadState(in);
        }
    }
}
