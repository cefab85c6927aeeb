package dev.eddy.core.golden;

import static dev.eddy.core.golden.GoldenJson.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.core.activation.Activation;
import dev.eddy.core.activation.Activations;
import dev.eddy.core.activation.Softmax;
import java.util.Arrays;
import java.util.List;

/** Kind {@code activation} (README §3), run through the array forward/backward API the layers use. */
final class ActivationCase {
    private ActivationCase() {}

    static void run(JsonNode root, Comparison cmp) {
        String name = text(root, "activation");
        Activation activation = Activations.create(name, numberMap(root, "params"));
        boolean softmax = activation instanceof Softmax;
        expectFields(
                root,
                "activation case",
                GoldenConformanceTest.withCommon("activation", "params", "x", "y", softmax ? "jacobian" : "dy_dx"));
        if (softmax) {
            runSoftmax(root, activation, cmp);
        } else {
            double[] x = vector(root, "x");
            int n = x.length;
            double[] y = new double[n];
            activation.forward(x, y, 1, n);
            double[] ones = new double[n];
            Arrays.fill(ones, 1.0);
            double[] dydx = new double[n];
            activation.backward(x, y, ones, dydx, 1, n);
            cmp.vector("y", vector(root, "y"), y, n);
            cmp.vector("dy_dx", vector(root, "dy_dx"), dydx, n);
        }
    }

    private static void runSoftmax(JsonNode root, Activation softmax, Comparison cmp) {
        double[][] xs = rows(root, "x");
        double[][] ys = rows(root, "y");
        List<JsonNode> jacobians = objectsOrArrays(root);
        if (ys.length != xs.length || jacobians.size() != xs.length) {
            throw new GoldenFormatException("softmax: x, y and jacobian must have the same number of rows, got "
                    + xs.length + ", " + ys.length + ", " + jacobians.size());
        }
        for (int r = 0; r < xs.length; r++) {
            double[] x = xs[r];
            int n = x.length;
            double[] y = new double[n];
            softmax.forward(x, y, 1, n);
            cmp.vector("y[" + r + "]", ys[r], y, n);
            // row j of the Jacobian is the backward pass of the unit vector e_j: (Jᵀe_j)_k = J_jk
            double[][] expected = new double[jacobians.get(r).size()][];
            for (int j = 0; j < expected.length; j++) {
                expected[j] = vectorValue(jacobians.get(r).get(j), "jacobian[" + r + "][" + j + "]");
            }
            double[] jac = new double[n * n];
            double[] unit = new double[n];
            double[] row = new double[n];
            for (int j = 0; j < n; j++) {
                Arrays.fill(unit, 0.0);
                unit[j] = 1.0;
                softmax.backward(x, y, unit, row, 1, n);
                System.arraycopy(row, 0, jac, j * n, n);
            }
            cmp.matrix("jacobian[" + r + "]", expected, jac, n, n);
        }
    }

    private static List<JsonNode> objectsOrArrays(JsonNode root) {
        JsonNode value = field(root, "jacobian");
        if (!value.isArray()) {
            throw new GoldenFormatException("field 'jacobian' must be an array of matrices, got " + value);
        }
        List<JsonNode> out = new java.util.ArrayList<>();
        for (JsonNode m : value) {
            if (!m.isArray()) {
                throw new GoldenFormatException("each jacobian must be a matrix, got " + m);
            }
            out.add(m);
        }
        return out;
    }
}
