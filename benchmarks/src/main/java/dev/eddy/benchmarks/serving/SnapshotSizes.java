package dev.eddy.benchmarks.serving;

/**
 * Prints the export size ({@code InferenceModel.toBytes()}, the {@code eddy export} file) of each net of {@link
 * SparseServingBenchmark} at each sparsity, as JSON lines {@code {"net": …, "sparsity": …, "bytes": …}}.
 */
public final class SnapshotSizes {

    private SnapshotSizes() {}

    public static void main(String[] args) {
        for (String net : new String[] {"medium", "large"}) {
            for (double sparsity : new double[] {0, 0.5, 0.8, 0.9, 0.95}) {
                int bytes = ServingNets.model(net, sparsity).toBytes().length;
                System.out.printf("{\"net\": \"%s\", \"sparsity\": %s, \"bytes\": %d}%n", net, sparsity, bytes);
            }
        }
    }
}
