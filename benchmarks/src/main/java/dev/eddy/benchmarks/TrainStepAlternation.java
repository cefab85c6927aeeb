package dev.eddy.benchmarks;

import dev.eddy.core.kernel.FloatProduct;
import dev.eddy.core.kernel.Precision;
import dev.eddy.core.network.Network;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Two train-step configurations alternated block by block in one JVM: two precisions of this build, or one precision
 * of two builds of model-core (before and after a change). On a shared machine whose speed drifts by tens of percent
 * within minutes, separate runs (JMH's forks included) compare different moments; alternating blocks of about 2,560
 * examples each (tens of milliseconds) compares the same moments, and the median of the per-block ratios is the
 * figure. Each side runs in its own class loader (every {@code dev.eddy} class loaded afresh, child first), so the two
 * sides share no JIT profile and a build's classes come from its own directory or jar.
 *
 * <p>A step is what {@link TrainStepBenchmark} times ({@link TrainStep}). Prints both sides' median µs per step and
 * examples/s and the median ratio B / A of examples/s with its quartiles; asserts nothing. In a JVM started with
 * {@code --add-modules jdk.incubator.vector} the float32 products of a side run on vector registers unless its
 * {@code --a-vector-rows} / {@code --b-vector-rows} is false (read when the side's classes load), so the vector rows
 * and the plain loops compare in one JVM too.
 */
@Command(
        name = "train-step-alternation",
        mixinStandardHelpOptions = true,
        description = "Two train-step configurations alternated in one JVM: two precisions, or two builds of"
                + " model-core; prints the median ratio of their examples/s.")
public final class TrainStepAlternation implements Callable<Integer> {

    /** The property of {@code dev.eddy.core.kernel.VectorRows} (package-private there). */
    static final String VECTOR_ROWS_PROPERTY = "eddy.vector-rows";

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
            names = "--a-vector-rows",
            defaultValue = "true",
            arity = "1",
            description = "Whether side A's float32 products may use the Vector API (${DEFAULT-VALUE}).")
    boolean vectorRowsA;

    @Option(
            names = "--b-vector-rows",
            defaultValue = "true",
            arity = "1",
            description = "Whether side B's float32 products may use the Vector API (${DEFAULT-VALUE}).")
    boolean vectorRowsB;

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
        if (!TrainStep.NETS.contains(net)) {
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
        Side a = side(buildA, precisionA, vectorRowsA);
        Side b = side(buildB, precisionB, vectorRowsB);
        int warmup = Math.max(1, blocks / 4);
        long[] timesA = new long[blocks];
        long[] timesB = new long[blocks];
        double[] ratios = new double[blocks];
        for (int i = -warmup; i < blocks; i++) {
            long ta = a.step().getAsLong();
            long tb = b.step().getAsLong();
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
                TrainStep.stepsPerBlock(batch),
                loadAverage());
        row("A", precisionA, a, buildA, timesA[blocks / 2]);
        row("B", precisionB, b, buildB, timesB[blocks / 2]);
        System.out.printf(
                Locale.ROOT,
                "B / A examples/s: median %.3f (quartiles %.3f to %.3f)%n",
                ratios[blocks / 2],
                ratios[blocks / 4],
                ratios[(3 * blocks) / 4]);
        return 0;
    }

    private void row(String name, String precision, Side side, Path build, long nanosPerStep) {
        System.out.printf(
                Locale.ROOT,
                "%s %-7s %-11s %-40s %,10.0f us/step %,12.0f examples/s%n",
                name,
                precision,
                side.vectorRows() ? "vector rows" : "loops",
                build == null ? "(this build)" : build.toString(),
                nanosPerStep / 1e3,
                batch * 1e9 / nanosPerStep);
    }

    /** One side: its step, and whether its float products run on vector registers. */
    record Side(LongSupplier step, boolean vectorRows) {}

    /**
     * A {@link TrainStep} in a class loader of its own, with {@code build}'s model-core classes first when given (a
     * {@code model-core/target/classes} directory or a model-core jar, e.g. of an earlier commit built in a worktree),
     * its float products on vector registers only when {@code vectorRows} and the JVM has the Vector API.
     */
    Side side(Path build, String precision, boolean vectorRows) throws ReflectiveOperationException, IOException {
        List<URL> urls = new ArrayList<>();
        if (build != null) {
            urls.add(build.toUri().toURL());
        }
        // then where this build's model-core and this class come from (one jar when run from benchmarks.jar)
        urls.add(Network.class.getProtectionDomain().getCodeSource().getLocation());
        urls.add(
                TrainStepAlternation.class.getProtectionDomain().getCodeSource().getLocation());
        ClassLoader loader = new EddyFirst(urls.toArray(URL[]::new), TrainStepAlternation.class.getClassLoader());
        // FloatProduct reads the property once, when it initializes (a build before the vector rows has no such
        // class member and always runs loops)
        String before = System.setProperty(VECTOR_ROWS_PROPERTY, Boolean.toString(vectorRows));
        boolean vector;
        try {
            Class<?> products = Class.forName(FloatProduct.class.getName(), true, loader);
            vector = vectorRows(products);
        } finally {
            if (before == null) {
                System.clearProperty(VECTOR_ROWS_PROPERTY);
            } else {
                System.setProperty(VECTOR_ROWS_PROPERTY, before);
            }
        }
        LongSupplier step = (LongSupplier) loader.loadClass(TrainStep.class.getName())
                .getConstructor(String.class, int.class, String.class)
                .newInstance(net, batch, precision);
        return new Side(step, vector);
    }

    /** FloatProduct.vectorRows() of a build's class; false for a build that does not have it. */
    private static boolean vectorRows(Class<?> products) throws ReflectiveOperationException {
        try {
            return (Boolean) products.getMethod("vectorRows").invoke(null);
        } catch (NoSuchMethodException e) {
            return false;
        }
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
}
