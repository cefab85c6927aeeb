package dev.eddy.benchmarks.serving;

import dev.eddy.core.prune.MagnitudePruning;
import dev.eddy.core.prune.PruningScope;
import dev.eddy.core.train.InferenceModel;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import java.util.Map;

/**
 * The nets of the sparse-serving figures, with their Glorot-initialized weights pruned by magnitude per layer:
 * medium 64-128-10 and large 784-256-128-10, relu hidden layers, softmax output (as {@code TrainStepBenchmark}).
 */
final class ServingNets {

    private ServingNets() {}

    static int inputSize(String net) {
        return switch (net) {
            case "medium" -> 64;
            case "large" -> 784;
            default -> throw new IllegalArgumentException("net must be medium or large, got " + net);
        };
    }

    /** The net at {@code sparsity} (0: unpruned). */
    static InferenceModel model(String net, double sparsity) {
        String layers = net.equals("medium") ? "128:relu,10:softmax" : "256:relu,128:relu,10:softmax";
        InferenceModel dense = Trainer.create(TrainerConfig.fromProperties(Map.of(
                        "input-size",
                        Integer.toString(inputSize(net)),
                        "layers",
                        layers,
                        "standardize",
                        "false",
                        "seed",
                        "7")))
                .inferenceModel();
        return sparsity == 0 ? dense : new MagnitudePruning(sparsity, PruningScope.LAYER).prune(dense);
    }
}
