package dev.eddy.core.kernel;

/**
 * The kernels model-core runs on vector registers when the JVM has the incubating Vector API ({@code --add-modules
 * jdk.incubator.vector}): {@link VectorRows} for the float products, {@link VectorRounding} for float32's rounding.
 * Their implementations live in {@code src/main/vector}, compiled apart from the rest of model-core (see its pom), and
 * are loaded by name only when that module is present, so model-core runs on any JVM without it.
 */
final class VectorApi {

    /** The property that turns the vector kernels off ({@code -Deddy.vector-api=false}): the plain loops run. */
    static final String PROPERTY = "eddy.vector-api";

    private VectorApi() {}

    /**
     * The class {@code implementation} of this package as a {@code type}, or null (the plain loops) when the module
     * {@code jdk.incubator.vector} is not in the boot layer or {@value #PROPERTY} is {@code false}.
     */
    static <T> T load(Class<T> type, String implementation) {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return type.cast(Class.forName(VectorApi.class.getPackageName() + "." + implementation)
                    .getDeclaredConstructor()
                    .newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("the Vector API kernel " + implementation + " cannot be loaded", e);
        }
    }
}
