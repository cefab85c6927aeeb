package dev.eddy.core.golden;

import static dev.eddy.core.golden.GoldenJson.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.core.loss.Loss;
import dev.eddy.core.loss.Losses;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * Kind {@code loss} (README §4): loss value and ∂L/∂ŷ; with the field {@code weights} (the weighted cases of {@code
 * golden-weighted}, see its README) the batch loss is Σ w_b·ℓ_b / Σ w_b.
 */
final class LossCase {
    /** The only clipping epsilon the implementation supports (README §4). */
    private static final double EPSILON = 1e-7;

    private LossCase() {}

    static void run(JsonNode root, Comparison cmp) {
        Loss loss = Losses.create(text(root, "loss"));
        boolean crossEntropy =
                loss.name().equals("binary_crossentropy") || loss.name().equals("categorical_crossentropy");
        List<String> fields =
                new ArrayList<>(List.of("loss", "clipping_active", "y_true", "y_pred", "loss_value", "grad"));
        if (crossEntropy) {
            fields.add("epsilon");
        }
        double[] weights = root.has("weights") ? vector(root, "weights") : null;
        if (weights != null) {
            fields.add("weights");
        }
        expectFields(root, "loss case", GoldenConformanceTest.withCommon(fields.toArray(String[]::new)));
        if (crossEntropy && real(root, "epsilon") != EPSILON) {
            throw new GoldenFormatException("epsilon " + real(root, "epsilon") + " is not supported, expected 1e-07");
        }
        DMatrixRMaj yTrue = new DMatrixRMaj(matrix(root, "y_true"));
        DMatrixRMaj yPred = new DMatrixRMaj(matrix(root, "y_pred"));
        boolean clipped = false;
        if (crossEntropy) {
            for (double p : yPred.data) {
                clipped |= p < EPSILON || p > 1.0 - EPSILON;
            }
        }
        cmp.exact("clipping_active", bool(root, "clipping_active"), clipped);
        cmp.real("loss_value", real(root, "loss_value"), loss.value(yPred, yTrue, weights));
        DMatrixRMaj grad = new DMatrixRMaj(1, 1);
        loss.gradient(yPred, yTrue, weights, grad);
        cmp.matrix("grad", matrix(root, "grad"), grad.data, grad.numRows, grad.numCols);
    }
}
