package dev.eddy.core.train;

import dev.eddy.core.network.Network;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * The served outputs of one network or an ensemble of them on standardized inputs x' (inference mode): the one
 * network's ŷ = net(x'), the members' mean ŷ = (1/K) Σ_m net_m(x'), or their weighted vote ŷ_c = Σ_m α_m·[class_m(x')
 * = c] / Σ_m α_m (one output column: the share of class 1; hinge: 2·share − 1, so that score ≥ 0 stays the rule).
 */
public final class MemberOutputs {

    private MemberOutputs() {}

    /**
     * @param votes α_m ≥ 0 per network for a weighted vote, or null for the mean
     * @param loss the loss the networks were trained with (says how a member's outputs give its class)
     */
    public static DMatrixRMaj served(List<Network> networks, double[] votes, String loss, DMatrixRMaj x) {
        if (networks.size() == 1) {
            return networks.get(0).predict(x);
        }
        if (votes == null) {
            DMatrixRMaj sum = networks.get(0).predict(x).copy();
            for (int m = 1; m < networks.size(); m++) {
                DMatrixRMaj y = networks.get(m).predict(x);
                for (int i = 0; i < sum.data.length; i++) {
                    sum.data[i] += y.data[i];
                }
            }
            for (int i = 0; i < sum.data.length; i++) {
                sum.data[i] /= networks.size();
            }
            return sum;
        }
        double total = 0;
        for (double a : votes) {
            total += a;
        }
        int k = networks.get(0).spec().outputSize();
        DMatrixRMaj shares = new DMatrixRMaj(x.numRows, k);
        boolean hinge = loss.equals("hinge");
        for (int m = 0; m < networks.size(); m++) {
            // While no member has a positive weight (none better than chance yet), every member votes alike.
            double alpha = total > 0 ? votes[m] / total : 1.0 / networks.size();
            DMatrixRMaj y = networks.get(m).predict(x);
            for (int r = 0; r < x.numRows; r++) {
                shares.data[r * k + (k > 1 ? argmax(y, r) : 0)] +=
                        k > 1 || y.data[r] >= (hinge ? 0.0 : 0.5) ? alpha : 0;
            }
        }
        if (hinge) {
            for (int r = 0; r < x.numRows; r++) {
                shares.data[r] = 2 * shares.data[r] - 1;
            }
        }
        return shares;
    }

    private static int argmax(DMatrixRMaj y, int row) {
        int k = y.numCols;
        int best = 0;
        for (int c = 1; c < k; c++) {
            best = y.data[row * k + c] > y.data[row * k + best] ? c : best;
        }
        return best;
    }
}
