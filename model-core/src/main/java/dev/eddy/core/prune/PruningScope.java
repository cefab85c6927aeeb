package dev.eddy.core.prune;

import java.util.Arrays;
import java.util.Locale;

/** Which kernels share one magnitude threshold when pruning. */
public enum PruningScope {
    /** Each dense layer's kernel reaches the target sparsity on its own (TFMOT's default). */
    LAYER,
    /** One threshold over all kernels together: layers with many small weights lose more. */
    GLOBAL;

    /** {@code layer} or {@code global}, in any case. */
    public static PruningScope parse(String text) {
        for (PruningScope s : values()) {
            if (s.name().equalsIgnoreCase(text.strip())) {
                return s;
            }
        }
        throw new IllegalArgumentException("pruning scope '" + text + "': expected one of "
                + Arrays.toString(
                        Arrays.stream(values()).map(PruningScope::toString).toArray()));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
