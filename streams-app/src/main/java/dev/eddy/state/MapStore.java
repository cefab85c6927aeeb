package dev.eddy.state;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A key-value store in a sorted map, with no changelog and no context: the stores of a model trained in process
 * ({@code eddy evaluate}), where nothing has to survive the process. Keys are strings, so a prefix scan is the
 * sorted range [prefix, prefix + U+FFFF).
 */
public final class MapStore<V> implements KeyValueStore<String, V> {

    private final String name;
    private final NavigableMap<String, V> map = new TreeMap<>();

    public MapStore(String name) {
        this.name = name;
    }

    @Override
    public void put(String key, V value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    @Override
    public V putIfAbsent(String key, V value) {
        V old = map.get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public void putAll(List<KeyValue<String, V>> entries) {
        entries.forEach(kv -> put(kv.key, kv.value));
    }

    @Override
    public V delete(String key) {
        return map.remove(key);
    }

    @Override
    public V get(String key) {
        return map.get(key);
    }

    @Override
    public KeyValueIterator<String, V> range(String from, String to) {
        return iterator(map.subMap(from, true, to, true));
    }

    @Override
    public KeyValueIterator<String, V> all() {
        return iterator(map);
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<String, V> prefixScan(P prefix, PS prefixKeySerializer) {
        String p = prefix.toString();
        return iterator(map.subMap(p, true, p + '\uffff', false));
    }

    @Override
    public long approximateNumEntries() {
        return map.size();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {}

    @Override
    public void close() {}

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    /** Iterates a snapshot of the entries, so the store may change while it is read. */
    private static <V> KeyValueIterator<String, V> iterator(Map<String, V> entries) {
        Iterator<Map.Entry<String, V>> it = List.copyOf(entries.entrySet()).iterator();
        return new KeyValueIterator<>() {
            private Map.Entry<String, V> next = it.hasNext() ? it.next() : null;

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public KeyValue<String, V> next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                KeyValue<String, V> kv = KeyValue.pair(next.getKey(), next.getValue());
                next = it.hasNext() ? it.next() : null;
                return kv;
            }

            @Override
            public String peekNextKey() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                return next.getKey();
            }

            @Override
            public void close() {}
        };
    }
}
