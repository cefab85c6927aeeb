package dev.eddy.topology;

import dev.eddy.schema.Example;

/**
 * What the trainer processor drives for one configured model id: one model ({@link ModelTraining}) or an online
 * hyper-parameter search over trials of it ({@link SearchTraining}). Changes are kept in memory until {@link
 * #flushState} writes them to the task's stores, which the trainer processor calls right before the task commits.
 */
interface TaskTraining {

    /**
     * Takes a training example.
     *
     * @return null, or why the example does not fit the stored configuration (it is then not used)
     */
    ExampleCheck.Failure train(Example example, long nowMs);

    /**
     * Takes a held-out example.
     *
     * @return null, or why the example does not fit the stored configuration (it is then not used)
     */
    ExampleCheck.Failure holdout(Example example);

    /**
     * Applies a command ({@code resume}, {@code reset}, {@code set}).
     *
     * @return null, or why it cannot be applied (a {@code set} that the trainer's configuration refuses in combination
     *     with its earlier live changes): it is then not applied
     */
    ExampleCheck.Failure command(ModelCommand command, long nowMs);

    /**
     * Takes a message between the tasks of a spread search ({@link SearchMessage}).
     *
     * @return null, or why the message cannot be used (a payload that does not decode; a message for a model that is
     *     not a spread search here): it is then not used
     */
    default ExampleCheck.Failure receive(SearchMessage message) {
        return new ExampleCheck.Failure(
                DeadLetterReason.STALE_CONFIG, "'" + message.modelId() + "' takes no search messages in this task");
    }

    /** Publishes a FINAL snapshot of what the model id serves (clean shutdown). */
    void publishFinal(long nowMs);

    /** Writes every change since the last call to the task's stores (a no-op when nothing changed). */
    void flushState();
}
