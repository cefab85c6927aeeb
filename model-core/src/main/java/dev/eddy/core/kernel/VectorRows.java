package dev.eddy.core.kernel;

/**
 * The inner loop of {@link FloatProduct} on vector registers, when the JVM runs with the incubating Vector API
 * ({@code --add-modules jdk.incubator.vector}): {@code PanamaRows}, compiled apart from the rest of model-core
 * (see its pom) and loaded by {@link #load} only when that module is present. It computes every output element by
 * the same float fused multiply-add chain as the plain loops, so a product has the same bits with it or without it.
 */
interface VectorRows {

    /** The property that turns the vector rows off ({@code -Deddy.vector-rows=false}): the plain loops run. */
    String PROPERTY = "eddy.vector-rows";

    /**
     * acc[i − b0] ← fma<sub>f</sub>(X<sub>i,p1−1</sub>, y[p1−1], … fma<sub>f</sub>(X<sub>i,p0</sub>, y[p0],
     * acc[i − b0])) over the first n elements, X<sub>ip</sub> = (float) x[i·xRow + p·xInner], for the rows i from i0
     * on, a group of rows at a time while a whole group fits below i1.
     *
     * @return the first row not computed (the caller computes the rows left with the loops); i0 when the rows are too
     *     short for the vectors
     */
    int accumulate(
            double[] x,
            int xRow,
            int xInner,
            int p0,
            int p1,
            float[][] y,
            float[][] acc,
            int b0,
            int i0,
            int i1,
            int n);

    /**
     * The fewest output columns for which a product is computed as it is rather than transposed (see {@link
     * FloatProduct}'s class comment): the plain loops need {@value FloatProduct#WIDE_COLUMNS}, the vector rows far
     * fewer, which spares the transposing packs and write-backs.
     */
    int wideColumns();

    /**
     * The vector rows, or null (the plain loops) when the module {@code jdk.incubator.vector} is not in the boot
     * layer or {@value #PROPERTY} is {@code false}.
     */
    static VectorRows load() {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return (VectorRows) Class.forName(VectorRows.class.getPackageName() + ".PanamaRows")
                    .getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("the Vector API kernel of model-core cannot be loaded", e);
        }
    }
}
