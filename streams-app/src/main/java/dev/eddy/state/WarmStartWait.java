package dev.eddy.state;

/**
 * A model that waits for the first snapshot of its warm-start source, a model trained by this application, in the same
 * task or another one ({@code warm-start.from} with no snapshot on the topic at the start). Its inputs are held, in
 * arrival order, until its task has that snapshot (published by the task itself, or read from the snapshot topic);
 * the model has no trainer meanwhile.
 *
 * @param sourceModel the model whose first snapshot it waits for
 * @param held inputs (examples and commands) held so far, in the trainer-state store under {@code
 *     <model>/warm-start-wait/<i>}, i = 0 … held − 1
 * @param maxHeld {@code warm-start.max-held-examples}: each input beyond goes to the dead-letter topic
 */
public record WarmStartWait(String sourceModel, long held, int maxHeld) {

    /** Whether the next input would exceed {@link #maxHeld}. */
    public boolean full() {
        return held >= maxHeld;
    }

    /** The same wait with one more input held. */
    public WarmStartWait plusOne() {
        return new WarmStartWait(sourceModel, held + 1, maxHeld);
    }
}
