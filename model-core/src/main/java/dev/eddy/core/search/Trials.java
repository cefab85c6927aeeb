package dev.eddy.core.search;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the strategies that move trials between configurations (zoom, PBT) share: ranking them; and the binary form of
 * a trial's configuration, which the searches' stored states and messages use too.
 */
public final class Trials {

    private Trials() {}

    /** The trials ranked by {@code metric}: better first, NaN last, ties to the lower index. */
    static Integer[] ranked(double[] metric, boolean maximize) {
        Integer[] order = new Integer[metric.length];
        for (int t = 0; t < metric.length; t++) {
            order[t] = t;
        }
        Arrays.sort(order, (a, b) -> {
            double x = metric[a];
            double y = metric[b];
            if (Double.isNaN(x) || Double.isNaN(y)) {
                return Boolean.compare(Double.isNaN(x), Double.isNaN(y));
            }
            return maximize ? Double.compare(y, x) : Double.compare(x, y);
        });
        return order;
    }

    /** Writes a configuration: its size, then each key and value. */
    public static void writeConfig(DataOutput out, SortedMap<String, String> config) throws IOException {
        out.writeInt(config.size());
        for (var e : config.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
    }

    /** Reads what {@link #writeConfig} wrote. */
    public static SortedMap<String, String> readConfig(DataInput in) throws IOException {
        SortedMap<String, String> c = new TreeMap<>();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            c.put(in.readUTF(), in.readUTF());
        }
        return Collections.unmodifiableSortedMap(c);
    }
}
