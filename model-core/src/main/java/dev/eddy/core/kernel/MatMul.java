package dev.eddy.core.kernel;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The three matrix products a dense layer needs, on row-major EJML matrices. Every layer calls
 * these and nothing else for its products, so the kernel can be chosen by measurement in one place.
 * The output matrix must already have the right shape and must not alias an input.
 */
public final class MatMul {
    private MatMul() {}

    /** c = a · b, with a [m×k], b [k×n], c [m×n]. */
    public static void ab(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        CommonOps_DDRM.mult(a, b, c);
    }

    /** c = a · bᵀ, with a [m×k], b [n×k], c [m×n]. */
    public static void abT(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        CommonOps_DDRM.multTransB(a, b, c);
    }

    /** c = aᵀ · b, with a [k×m], b [k×n], c [m×n]. */
    public static void aTb(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        CommonOps_DDRM.multTransA(a, b, c);
    }
}
