package dev.eddy.core.layer;

import dev.eddy.core.optim.Parameter;
import dev.eddy.core.optim.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Batch normalization of a [B×U] pre-activation, per unit j (Keras conventions, momentum 0.99, ε 1e-3):
 *
 * <pre>
 * training:  μ_j = (1/B)Σ_b z_bj,  σ²_j = (1/B)Σ_b (z_bj − μ_j)²   (biased batch variance)
 *            running_mean ← m·running_mean + (1 − m)·μ,  running_var ← m·running_var + (1 − m)·σ²
 * inference: μ = running_mean, σ² = running_var
 *            x̂ = (z − μ)/√(σ² + ε),  u = γ·x̂ + β
 * </pre>
 *
 * Backward (training): ∂L/∂γ_j = Σ_b du_bj·x̂_bj, ∂L/∂β_j = Σ_b du_bj and
 * dz_bj = γ_j/(B·√(σ²_j + ε))·(B·du_bj − ∂L/∂β_j − x̂_bj·∂L/∂γ_j); at inference dz = du·γ/√(σ² + ε).
 * γ and β are trainable {@link Parameter}s; the running statistics are saved state.
 */
public final class BatchNormalization {
    public static final double MOMENTUM = 0.99;
    public static final double EPSILON = 1e-3;

    private final String name;
    private final int units;
    private final Parameter gamma;
    private final Parameter beta;
    private final double[] runningMean;
    private final double[] runningVar;
    private final double[] mean;
    private final double[] invStd;
    private double[] normalized = new double[0];
    private boolean lastTraining;

    public BatchNormalization(String name, int units) {
        this.name = name;
        this.units = units;
        this.gamma = new Parameter(name + ".gamma", new double[units], new double[units]);
        this.beta = new Parameter(name + ".beta", new double[units], new double[units]);
        this.runningMean = new double[units];
        this.runningVar = new double[units];
        this.mean = new double[units];
        this.invStd = new double[units];
        Arrays.fill(gamma.value(), 1.0);
        Arrays.fill(runningVar, 1.0);
    }

    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    public double[] runningMean() {
        return runningMean;
    }

    public double[] runningVariance() {
        return runningVar;
    }

    /** z ← γ·x̂ + β in place on the first {@code rows} rows of a row-major [rows×units] array. */
    void forward(double[] z, int rows, boolean training) {
        int n = rows * units;
        if (normalized.length < n) {
            normalized = new double[n]; // grow-only: reallocated only for a larger batch
        }
        if (training) {
            Arrays.fill(mean, 0.0);
            Arrays.fill(invStd, 0.0);
            for (int b = 0; b < rows; b++) {
                for (int j = 0; j < units; j++) {
                    mean[j] += z[b * units + j];
                }
            }
            for (int j = 0; j < units; j++) {
                mean[j] /= rows;
            }
            for (int b = 0; b < rows; b++) {
                for (int j = 0; j < units; j++) {
                    double d = z[b * units + j] - mean[j];
                    invStd[j] += d * d; // accumulates B·σ² first
                }
            }
            for (int j = 0; j < units; j++) {
                double variance = invStd[j] / rows;
                runningMean[j] = MOMENTUM * runningMean[j] + (1.0 - MOMENTUM) * mean[j];
                runningVar[j] = MOMENTUM * runningVar[j] + (1.0 - MOMENTUM) * variance;
                invStd[j] = 1.0 / Math.sqrt(variance + EPSILON);
            }
        } else {
            for (int j = 0; j < units; j++) {
                mean[j] = runningMean[j];
                invStd[j] = 1.0 / Math.sqrt(runningVar[j] + EPSILON);
            }
        }
        lastTraining = training;
        double[] g = gamma.value();
        double[] bt = beta.value();
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < units; j++) {
                int i = b * units + j;
                double xhat = (z[i] - mean[j]) * invStd[j];
                normalized[i] = xhat;
                z[i] = g[j] * xhat + bt[j];
            }
        }
    }

    /** du → dz in place, and γ, β gradients set, for the batch of the last {@link #forward}. */
    void backward(double[] d, int rows) {
        double[] dGamma = gamma.grad();
        double[] dBeta = beta.grad();
        double[] g = gamma.value();
        Arrays.fill(dGamma, 0.0);
        Arrays.fill(dBeta, 0.0);
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < units; j++) {
                int i = b * units + j;
                dGamma[j] += d[i] * normalized[i];
                dBeta[j] += d[i];
            }
        }
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < units; j++) {
                int i = b * units + j;
                d[i] = lastTraining
                        ? g[j] * invStd[j] / rows * (rows * d[i] - dBeta[j] - normalized[i] * dGamma[j])
                        : d[i] * g[j] * invStd[j];
            }
        }
    }

    void saveState(DataOutput out) throws IOException {
        StateIo.writeDoubles(out, gamma.value());
        StateIo.writeDoubles(out, beta.value());
        StateIo.writeDoubles(out, runningMean);
        StateIo.writeDoubles(out, runningVar);
    }

    void loadState(DataInput in) throws IOException {
        SavedArrays.read(in, gamma.value(), gamma.name());
        SavedArrays.read(in, beta.value(), beta.name());
        SavedArrays.read(in, runningMean, name + ".running_mean");
        SavedArrays.read(in, runningVar, name + ".running_variance");
    }
}
