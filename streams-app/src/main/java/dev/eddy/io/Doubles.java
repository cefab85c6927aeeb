package dev.eddy.io;

import java.util.ArrayList;
import java.util.List;

/** Conversion of primitive vectors to the boxed lists Avro's generated classes hold. */
final class Doubles {

    private Doubles() {}

    static List<Double> asList(double[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (double value : values) {
            list.add(value);
        }
        return list;
    }
}
