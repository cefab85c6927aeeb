package dev.eddy.core.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorRounding} with {@code jdk.incubator.vector}: a vector of doubles narrowed to a half-width vector of
 * floats and widened back (one {@code vcvtpd2ps} and one {@code vcvtps2pd} on x86), where the plain loops convert an
 * element at a time.
 */
final class PanamaRounding implements VectorRounding {

    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FLOATS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));

    @Override
    public void round(double[] a, int from, int to) {
        int i = from;
        for (int end = from + DOUBLES.loopBound(to - from); i < end; i += DOUBLES.length()) {
            Vector<Float> floats = DoubleVector.fromArray(DOUBLES, a, i).convertShape(VectorOperators.D2F, FLOATS, 0);
            ((DoubleVector) floats.convertShape(VectorOperators.F2D, DOUBLES, 0)).intoArray(a, i);
        }
        for (; i < to; i++) {
            a[i] = (float) a[i];
        }
    }
}
