package dev.eddy.benchmarks.serving;

import dev.eddy.core.train.InferenceModel;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link InferenceModel#predict} of the medium and large nets ({@link ServingNets}) at batch 1 and 32, dense (sparsity
 * 0) and pruned to 50/80/90/95%, each with the dense kernel and with the sparse one forced ({@link
 * InferenceModel.ServingKernel}), so that the sparsity from which the sparse kernel wins can be read per batch size:
 * {@code SparseKernel}'s thresholds. The {@code predictions} counter is predictions/s. Run by {@code
 * benchmarks/run-sparse-serving.sh}, which prints the ratios and the export sizes ({@link SnapshotSizes}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SparseServingBenchmark {

    @Param({"medium", "large"})
    public String net;

    @Param({"1", "32"})
    public int batch;

    @Param({"0", "0.5", "0.8", "0.9", "0.95"})
    public double sparsity;

    @Param({"DENSE", "SPARSE"})
    public InferenceModel.ServingKernel kernel;

    private InferenceModel model;
    private double[][] x;

    /** Predictions made, reported by JMH as a rate (predictions/s). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Predictions {
        public long predictions;
    }

    @Setup(Level.Trial)
    public void setUp() {
        model = ServingNets.model(net, sparsity);
        model.serveWith(kernel);
        Random random = new Random(11);
        x = new double[batch][ServingNets.inputSize(net)];
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextGaussian();
            }
        }
    }

    @Benchmark
    public double[][] predict(Predictions counter) {
        counter.predictions += batch;
        return model.predict(x);
    }
}
