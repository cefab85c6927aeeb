package dev.eddy.state;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One large byte array kept in a key-value store as chunks under the keys {@code <prefix>/0}, {@code <prefix>/1},
 * ...: each changelog record stays far below Kafka's default 1 MB record limit. A 1M-parameter model with Adam
 * state (θ, m, v in float64) is about 24 MB, so 47 chunks of {@value #DEFAULT_CHUNK_BYTES} bytes.
 *
 * <p>The chunk count and the total length are kept by the caller (in {@link ModelStatus}), written in the same
 * transaction as the chunks, so a reader never combines chunks of two versions.
 */
public final class ChunkedBytes {

    /** 512 KiB: with key and record overhead, half of Kafka's default {@code max.request.size}. */
    public static final int DEFAULT_CHUNK_BYTES = 512 * 1024;

    private final KeyValueStore<String, byte[]> store;
    private final int chunkBytes;

    public ChunkedBytes(KeyValueStore<String, byte[]> store, int chunkBytes) {
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("chunkBytes must be >= 1, got " + chunkBytes);
        }
        this.store = store;
        this.chunkBytes = chunkBytes;
    }

    /** Number of chunks that {@code length} bytes take: ⌈length / chunkBytes⌉. */
    public int chunks(int length) {
        return (int) ((length + (long) chunkBytes - 1) / chunkBytes);
    }

    /**
     * Writes {@code bytes} as chunks, deleting the chunks of a longer earlier value.
     *
     * @param previousChunks the chunk count of the value this one replaces (0 if none)
     * @return the chunk count of {@code bytes}
     */
    public int write(String prefix, byte[] bytes, int previousChunks) {
        int n = chunks(bytes.length);
        for (int i = 0; i < n; i++) {
            int from = i * chunkBytes;
            int to = Math.min(bytes.length, from + chunkBytes);
            byte[] chunk = new byte[to - from];
            System.arraycopy(bytes, from, chunk, 0, chunk.length);
            store.put(key(prefix, i), chunk);
        }
        for (int i = n; i < previousChunks; i++) {
            store.delete(key(prefix, i));
        }
        return n;
    }

    /**
     * Reads back a value written by {@link #write}.
     *
     * @throws IllegalStateException when a chunk is missing or the lengths disagree
     */
    public byte[] read(String prefix, int chunks, int length) {
        byte[] out = new byte[length];
        int at = 0;
        for (int i = 0; i < chunks; i++) {
            byte[] chunk = store.get(key(prefix, i));
            if (chunk == null || at + chunk.length > length) {
                throw new IllegalStateException("state of '" + prefix + "' is corrupt: chunk " + i + " of " + chunks
                        + (chunk == null ? " is missing" : " overruns the recorded length " + length));
            }
            System.arraycopy(chunk, 0, out, at, chunk.length);
            at += chunk.length;
        }
        if (at != length) {
            throw new IllegalStateException(
                    "state of '" + prefix + "' is corrupt: " + at + " bytes in chunks, recorded length " + length);
        }
        return out;
    }

    private static String key(String prefix, int i) {
        return prefix + '/' + i;
    }
}
