package dev.eddy.topology;

import dev.eddy.schema.Example;

/**
 * What reaches a model's trainer, keyed by model id: with {@code routing=repartition} a record of the trainer-input
 * topic, whose partition order is then the single order in which the model sees its training examples, held-out
 * examples and commands.
 */
public sealed interface TrainerInput extends Routed {

    /** An example to train on. */
    record Train(Example example) implements TrainerInput {}

    /** A held-out example, buffered for evaluation and never trained on. */
    record Holdout(Example example) implements TrainerInput {}

    /** A control command for the keyed model. */
    record Command(ModelCommand command) implements TrainerInput {}

    /** A message between the tasks of the keyed model's spread search ({@link TrialPlacement}). */
    record Search(SearchMessage message) implements TrainerInput {}
}
