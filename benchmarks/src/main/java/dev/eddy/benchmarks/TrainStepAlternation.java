package dev.eddy.benchmarks;

import dev.eddy.core.activation.Activations;
import dev.eddy.core.kernel.Precision;
import dev.eddy.core.layer.KernelPenalty;
import dev.eddy.core.loss.Loss;
import dev.eddy.core.loss.Losses;
import dev.eddy.core.network.LayerSpec;
import dev.eddy.core.network.Network;
import dev.eddy.core.network.NetworkSpec;
import dev.eddy.core.optim.Adam;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import org.ejml.data.DMatrixRMaj;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Two train-step configurations alternated block by block in one JVM: two precisions of this build, or one precision
 * of two builds of model-core (before and after a change). On a shared machine whose speed drifts by tens of percent
 * within minutes, separate runs (JMH's forks included) compare different moments; alternating blocks of a few
 * milliseconds each compares the same moments, and the median of the per-block ratios is the figure. Each side runs in
 * its own class loader (every {@code dev.eddy} class loaded afresh, child first), so the two sides share no JIT
 * profile and a build's classes come from its own directory or jar.
 *
 * <p>A step is what {@link TrainStepBenchmark} times: forward, backward and an Adam update of the small, medium or
 * large net on a fixed random batch. Prints both sides' median µs per step and examples/s and the median ratio B / A
 * of examples/s with its quartiles; asserts nothing.
 */
@Command(
        name = "train-step-alternation",
        mixinStandardHelpOptions = true,
        description = "Two train-step configurations alternated in one JVM: two precisions, or two builds of"
                + " model-core; prints the median ratio of their examples/s.")
public final class TrainStepAlternation implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--net", defaultValue = "large", description = "small, medium or large (${DEFAULT-VALUE}).")
    String net;

    @Option(names = "--batch", defaultValue = "256", description = "Batch size (${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--a", defaultValue = "float64", description = "Precision of side A (${DEFAULT-VALUE}).")
    String precisionA;

    @Option(names = "--b", defaultValue = "float32", description = "Precision of side B (${DEFAULT-VALUE}).")
    String precisionB;

    @Option(
            names = "--a-build",
            description = "model-core classes directory or jar for side A (default: this build's).")
    Path buildA;

    @Option(
            names = "--b-build",
            description = "model-core classes directory or jar for side B (default: this build's).")
    Path buildB;

    @Option(
            names = "--blocks",
            defaultValue = "60",
            description = "Timed blocks per side (${DEFAULT-VALUE}), after a quarter as many untimed.")
    int blocks;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainStepAlternation()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        try {
            Precision.parse("--a", precisionA);
            Precision.parse("--b", precisionB);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!List.of("small", "medium", "large").contains(net)) {
            throw new ParameterException(spec.commandLine(), "--net must be small, medium or large, got '" + net + "'");
        }
        if (batch < 1 || blocks < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--batch and --blocks must be >= 1, got " + batch + " and " + blocks);
        }
        for (Path build : Arrays.asList(buildA, buildB)) {
            if (build != null && !Files.exists(build)) {
                throw new ParameterException(
                        spec.commandLine(),
                        build + " does not exist: --a-build and --b-build take a model-core classes directory or jar");
            }
        }
        LongSupplier a = side(buildA, precisionA);
        LongSupplier b = side(buildB, precisionB);
        int warmup = Math.max(1, blocks / 4);
        long[] timesA = new long[blocks];
        long[] timesB = new long[blocks];
        double[] ratios = new double[blocks];
        for (int i = -warmup; i < blocks; i++) {
            long ta = a.getAsLong();
            long tb = b.getAsLong();
            if (i >= 0) {
                timesA[i] = ta;
                timesB[i] = tb;
                ratios[i] = (double) ta / tb; // examples/s of B over A
            }
        }
        Arrays.sort(timesA);
        Arrays.sort(timesB);
        Arrays.sort(ratios);
        System.out.printf(
                Locale.ROOT,
                "%s net, batch %d, %d blocks of %d steps per side, alternated in one JVM; load average %s%n",
                net,
                batch,
                blocks,
                Step.stepsPerBlock(batch),
                loadAverage());
        row("A", precisionA, buildA, timesA[blocks / 2]);
        row("B", precisionB, buildB, timesB[blocks / 2]);
        System.out.printf(
                Locale.ROOT,
                "B / A examples/s: median %.3f (quartiles %.3f to %.3f)%n",
                ratios[blocks / 2],
                ratios[blocks / 4],
                ratios[(3 * blocks) / 4]);
        return 0;
    }

    private void row(String side, String precision, Path build, long nanosPerStep) {
        System.out.printf(
                Locale.ROOT,
                "%s %-7s %-40s %,10.0f us/step %,12.0f examples/s%n",
                side,
                precision,
                build == null ? "(this build)" : build.toString(),
                nanosPerStep / 1e3,
                batch * 1e9 / nanosPerStep);
    }

    /**
     * A {@link Step} in a class loader of its own, with {@code build}'s model-core classes first when given (a
     * {@code model-core/target/classes} directory or a model-core jar, e.g. of an earlier commit built in a worktree).
     */
    LongSupplier side(Path build, String precision) throws ReflectiveOperationException, IOException {
        List<URL> urls = new ArrayList<>();
        if (build != null) {
            urls.add(build.toUri().toURL());
        }
        // then where this build's model-core and this class come from (one jar when run from benchmarks.jar)
        urls.add(Network.class.getProtectionDomain().getCodeSource().getLocation());
        urls.add(
                TrainStepAlternation.class.getProtectionDomain().getCodeSource().getLocation());
        ClassLoader loader = new EddyFirst(urls.toArray(URL[]::new), TrainStepAlternation.class.getClassLoader());
        return (LongSupplier) loader.loadClass(Step.class.getName())
                .getConstructor(String.class, int.class, String.class)
                .newInstance(net, batch, precision);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Loads every {@code dev.eddy} class from its own URLs (child first); everything else from its parent. */
    private static final class EddyFirst extends URLClassLoader {

        EddyFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dev.eddy.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    /** One side: the net, a fixed batch and Adam; {@link #getAsLong} times a block of steps (ns per step). */
    public static final class Step implements LongSupplier {

        private final Network network;
        private final Loss loss;
        private final Adam adam = new Adam(0.9, 0.999, 1e-8, false);
        private final Precision precision;
        private final DMatrixRMaj x;
        private final DMatrixRMaj y;
        private final int steps;

        public Step(String net, int batch, String precision) {
            int[] sizes =
                    switch (net) {
                        case "small" -> new int[] {8, 32, 16, 1};
                        case "medium" -> new int[] {64, 128, 10};
                        case "large" -> new int[] {784, 256, 128, 10};
                        default -> throw new IllegalArgumentException(
                                "--net must be small, medium or large, got '" + net + "'");
                    };
            int outputs = sizes[sizes.length - 1];
            this.loss = Losses.create(outputs == 1 ? "binary_crossentropy" : "categorical_crossentropy");
            this.precision = Precision.parse("precision", precision);
            List<LayerSpec> layers = new ArrayList<>();
            for (int l = 1; l < sizes.length; l++) {
                String activation = l < sizes.length - 1 ? "relu" : outputs == 1 ? "sigmoid" : "softmax";
                layers.add(LayerSpec.dense(sizes[l], Activations.create(activation)));
            }
            this.network = Network.build(new NetworkSpec(sizes[0], layers, KernelPenalty.NONE, this.precision), 7L);
            Random random = new Random(11);
            this.x = new DMatrixRMaj(batch, sizes[0]);
            for (int i = 0; i < x.data.length; i++) {
                x.data[i] = random.nextGaussian();
            }
            this.y = new DMatrixRMaj(batch, outputs);
            for (int r = 0; r < batch; r++) {
                y.set(r, outputs == 1 ? 0 : random.nextInt(outputs), outputs == 1 ? random.nextInt(2) : 1.0);
            }
            this.steps = stepsPerBlock(batch);
        }

        /** Steps per block: about 2,560 examples, at least one step. */
        static int stepsPerBlock(int batch) {
            return Math.max(1, 2560 / batch);
        }

        @Override
        public long getAsLong() {
            long start = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                network.computeGradients(x, y, loss);
                adam.step(network.parameters(), 1e-3, precision);
            }
            return (System.nanoTime() - start) / steps;
        }
    }
}
