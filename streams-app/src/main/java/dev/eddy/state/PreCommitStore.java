package dev.eddy.state;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store that runs its task's {@link PreCommit} action before its cache is flushed for a commit, as the
 * outermost layer of a cached store (over Kafka Streams' metered, caching and change-logging layers).
 *
 * <p><b>Why it is safe.</b> Before committing a task, Kafka Streams flushes the cache of every store of the task
 * (exactly-once: into the open transaction, with the input offsets); it does so only when the task processed
 * something since its last commit. The action runs at the first of those flushes and writes into the stores, whose
 * flushes follow, so everything it writes is committed with the records that caused it. A crash before the commit
 * aborts the transaction and drops the memory together: the restart restores the stores and the offsets of the
 * last commit. Reads through this store see what the action last wrote, not the processor's memory.
 *
 * <p>It extends {@link WrappedStateStore}, Kafka Streams' internal base of store layers, because the cache flush of
 * a commit is only announced to a store implementing its internal {@code CachedStateStore}; the Kafka version is
 * pinned and the crash tests check the commit path.
 */
public final class PreCommitStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V>
        implements KeyValueStore<K, V> {

    private final PreCommit preCommit;
    private TaskId task;

    private PreCommitStore(KeyValueStore<K, V> inner, PreCommit preCommit) {
        super(inner);
        this.preCommit = preCommit;
    }

    /** {@code builder}'s stores, each wrapped so that it runs its task's action of {@code preCommit}. */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> wrapping(
            StoreBuilder<KeyValueStore<K, V>> builder, PreCommit preCommit) {
        return new Builder<>(builder, preCommit);
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        task = context.taskId();
        super.init(context, root);
    }

    @Override
    public void flushCache() {
        preCommit.run(task);
        super.flushCache();
    }

    @Override
    public void put(K key, V value) {
        wrapped().put(key, value);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        return wrapped().putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        wrapped().putAll(entries);
    }

    @Override
    public V delete(K key) {
        return wrapped().delete(key);
    }

    @Override
    public V get(K key) {
        return wrapped().get(key);
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        return wrapped().reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }

    /** Builds the wrapped builder's store and wraps it; every other call goes to the wrapped builder. */
    private record Builder<K, V>(StoreBuilder<KeyValueStore<K, V>> inner, PreCommit preCommit)
            implements StoreBuilder<KeyValueStore<K, V>> {

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
            return new Builder<>(inner.withCachingEnabled(), preCommit);
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
            return new Builder<>(inner.withCachingDisabled(), preCommit);
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
            return new Builder<>(inner.withLoggingEnabled(config), preCommit);
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
            return new Builder<>(inner.withLoggingDisabled(), preCommit);
        }

        @Override
        public KeyValueStore<K, V> build() {
            return new PreCommitStore<>(inner.build(), preCommit);
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
