package dev.eddy.core.prequential;

/**
 * A reference learner of stream learning that every model is reported beside: it predicts, then learns the label.
 * Before any label every baseline predicts 0 (class 0, or the value 0).
 */
public sealed interface Baseline {

    /** The prediction for the next example: a class index (classification) or a value (regression). */
    double predict();

    /** Learns the label of the example just predicted. */
    void learn(double label);

    /** The classification baselines, by their report names. */
    static Baseline classification(String name, int classes) {
        return switch (name) {
            case "majority" -> new Majority(classes);
            case "no-change" -> new Previous();
            default -> throw new IllegalArgumentException(
                    "unknown classification baseline '" + name + "', expected majority or no-change");
        };
    }

    /** The regression baselines, by their report names. */
    static Baseline regression(String name) {
        return switch (name) {
            case "mean" -> new Mean();
            case "previous" -> new Previous();
            default -> throw new IllegalArgumentException(
                    "unknown regression baseline '" + name + "', expected mean or previous");
        };
    }

    /** The most frequent class so far; ties go to the lowest class index. */
    final class Majority implements Baseline {
        private final long[] counts;
        private int majority;

        public Majority(int classes) {
            counts = new long[classes];
        }

        @Override
        public double predict() {
            return majority;
        }

        @Override
        public void learn(double label) {
            int c = (int) label;
            counts[c]++;
            if (counts[c] > counts[majority] || (counts[c] == counts[majority] && c < majority)) {
                majority = c;
            }
        }
    }

    /** The previous label: "no-change" for classes, "previous value" for regression. */
    final class Previous implements Baseline {
        private double previous;

        @Override
        public double predict() {
            return previous;
        }

        @Override
        public void learn(double label) {
            previous = label;
        }
    }

    /** The running mean of the targets so far, m_t = m_{t−1} + (y_t − m_{t−1}) / t. */
    final class Mean implements Baseline {
        private double mean;
        private long count;

        @Override
        public double predict() {
            return mean;
        }

        @Override
        public void learn(double label) {
            count++;
            mean += (label - mean) / count;
        }
    }
}
