package dev.eddy.core.loss;

import java.util.List;

/** Creates losses by the names used in specs and the golden files. */
public final class Losses {
    /** Every name {@link #create} accepts. */
    public static final List<String> NAMES = List.of("mse", "binary_crossentropy", "categorical_crossentropy", "hinge");

    private Losses() {}

    public static Loss create(String name) {
        switch (name) {
            case "mse":
                return new MeanSquaredError();
            case "binary_crossentropy":
                return new BinaryCrossentropy();
            case "categorical_crossentropy":
                return new CategoricalCrossentropy();
            case "hinge":
                return new Hinge();
            default:
                throw new IllegalArgumentException("unknown loss '" + name + "', expected one of " + NAMES);
        }
    }
}
