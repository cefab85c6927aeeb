package dev.eddy.core.metrics;

import java.util.Arrays;

/**
 * Area under the ROC curve by ranks (Mann–Whitney U): with the scores ranked 1..N ascending, tied
 * scores sharing the average of their ranks, and P positives, N₀ negatives,
 *
 * <pre>
 * AUC = (Σ_{i positive} rank_i − P(P + 1)/2) / (P·N₀)
 * </pre>
 *
 * i.e. the probability that a random positive scores above a random negative, ties counting ½.
 */
public final class RocAuc {
    private RocAuc() {}

    /**
     * @param labels 1 (positive) or 0 (negative) per example
     * @param scores higher means more likely positive; NaN is rejected
     */
    public static double of(double[] labels, double[] scores) {
        int n = labels.length;
        if (scores.length != n) {
            throw new IllegalArgumentException(
                    "got " + n + " labels and " + scores.length + " scores; expected equal counts");
        }
        long positives = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] != 0.0 && labels[i] != 1.0) {
                throw new IllegalArgumentException("labels must be 0 or 1, got " + labels[i] + " at index " + i);
            }
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score at index " + i + " is NaN");
            }
            positives += (long) labels[i];
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException(
                    "ROC AUC needs both classes, got " + positives + " positives and " + negatives + " negatives");
        }
        // sort indices by score via (score, index) pairs: deterministic, ties resolved below
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double positiveRankSum = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1.0; // ranks i+1 .. j+1 share their mean
            for (int k = i; k <= j; k++) {
                positiveRankSum += labels[order[k]] * averageRank;
            }
            i = j + 1;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}
