package dev.eddy.state;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.TaskId;

/**
 * What each task does right before Kafka Streams commits it: a processor that keeps state in memory between records
 * registers the action that writes it to its stores, and the task's {@link PreCommitStore}s run it when the commit
 * flushes their caches, so the writes travel in the transaction of that commit. One instance is shared by a
 * topology's processor supplier and its store builders; tasks run on several stream threads, hence the concurrent
 * map (each action itself runs on its task's thread).
 */
public final class PreCommit {

    private final Map<TaskId, Runnable> actions = new ConcurrentHashMap<>();

    /** The action of {@code task}'s processor, replacing one an earlier processor of the task registered. */
    public void register(TaskId task, Runnable action) {
        actions.put(task, action);
    }

    /** Removes {@code action}, unless another processor of the task has registered since. */
    public void unregister(TaskId task, Runnable action) {
        actions.remove(task, action);
    }

    /** Runs {@code task}'s action, if a processor registered one. */
    void run(TaskId task) {
        Runnable action = actions.get(task);
        if (action != null) {
            action.run();
        }
    }
}
