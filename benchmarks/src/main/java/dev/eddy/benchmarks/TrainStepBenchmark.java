package dev.eddy.benchmarks;

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
 * One training step ({@link TrainStep}: forward + backward + Adam update of the small, medium or large net on a fixed
 * random batch). JMH's primary score is steps/s; the {@code examples} counter is examples/s (= steps/s · batch), the
 * figure compared with PyTorch by {@code benchmarks/run.sh}. {@code precision} selects the float64 (default) or
 * float32 path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrainStepBenchmark {

    @Param({"small", "medium", "large"})
    public String net;

    @Param({"1", "32", "256"})
    public int batch;

    /** {@code float64} (the default) or {@code float32}: {@code benchmarks/run-float32.sh} runs both. */
    @Param({"float64"})
    public String precision;

    private TrainStep step;

    /** Examples trained, reported by JMH as a rate (examples/s). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Examples {
        public long examples;
    }

    @Setup(Level.Trial)
    public void setUp() {
        step = new TrainStep(net, batch, precision);
    }

    @Benchmark
    public double trainStep(Examples counter) {
        counter.examples += batch;
        return step.step();
    }
}
