package dev.eddy.core.optim;

import java.util.List;

/** One instance of every rule and variant, with non-default hyper-parameters, for the shared tests. */
final class Optimizers {

    private Optimizers() {}

    static List<Optimizer> all() {
        return List.of(
                new Sgd(),
                new Sgd(0.9, 0.1, false),
                new Sgd(0.8, 0, true),
                new Adagrad(0.01, 0.1, 1e-10),
                new RmsProp(0.9, 1e-8, 0, false),
                new RmsProp(0.95, 1e-7, 0.5, true),
                new Adam(0.9, 0.999, 1e-8, false),
                new Adam(0.8, 0.99, 1e-7, true),
                new AdamW(0.9, 0.999, 1e-8, 0.01, false),
                new AdamW(0.9, 0.99, 1e-8, 0.1, true),
                new Adamax(0.9, 0.999, 1e-8),
                new Nadam(0.9, 0.999, 1e-8, 0.004));
    }
}
