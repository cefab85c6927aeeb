package dev.eddy.benchmarks;

import dev.eddy.core.kernel.MatMul;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three products of a dense layer, {@link MatMul} against EJML's {@code CommonOps_DDRM}, for the
 * layer shapes of the benchmark nets. {@code shape} is {@code m x k x n}: batch m, layer inputs k,
 * layer units n. Forward is z = x·W [m×k]·[k×n]; backward is ∂W = xᵀ·∂z and ∂x = ∂z·Wᵀ. Each op does
 * 2·m·k·n flops, so GFLOP/s = 2·m·k·n / (time per op in ns).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MatMulBenchmark {

    @Param({"1x784x256", "32x784x256", "256x784x256", "256x256x128", "256x128x10", "32x64x128", "1x64x128"})
    public String shape;

    @Param({"eddy", "ejml"})
    public String kernel;

    private DMatrixRMaj x;
    private DMatrixRMaj w;
    private DMatrixRMaj z;
    private DMatrixRMaj dz;
    private DMatrixRMaj dw;
    private DMatrixRMaj dx;

    @Setup
    public void setUp() {
        String[] dims = shape.split("x", -1);
        int m = Integer.parseInt(dims[0]);
        int k = Integer.parseInt(dims[1]);
        int n = Integer.parseInt(dims[2]);
        Random rnd = new Random(42);
        x = random(m, k, rnd);
        w = random(k, n, rnd);
        dz = random(m, n, rnd);
        z = new DMatrixRMaj(m, n);
        dw = new DMatrixRMaj(k, n);
        dx = new DMatrixRMaj(m, k);
    }

    /** z = x·W. */
    @Benchmark
    public DMatrixRMaj forward() {
        if (kernel.equals("eddy")) {
            MatMul.ab(x, w, z);
        } else {
            CommonOps_DDRM.mult(x, w, z);
        }
        return z;
    }

    /** ∂W = xᵀ·∂z. */
    @Benchmark
    public DMatrixRMaj kernelGradient() {
        if (kernel.equals("eddy")) {
            MatMul.aTb(x, dz, dw);
        } else {
            CommonOps_DDRM.multTransA(x, dz, dw);
        }
        return dw;
    }

    /** ∂x = ∂z·Wᵀ. */
    @Benchmark
    public DMatrixRMaj inputGradient() {
        if (kernel.equals("eddy")) {
            MatMul.abT(dz, w, dx);
        } else {
            CommonOps_DDRM.multTransB(dz, w, dx);
        }
        return dx;
    }

    private static DMatrixRMaj random(int rows, int cols, Random rnd) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextGaussian();
        }
        return m;
    }
}
