package dev.eddy.core.train;

import java.util.Map;

/**
 * Scores of the model on a holdout set, computed by {@link Trainer#evaluate} in inference mode.
 *
 * @param loss the holdout loss L_data(ŷ, y) + penalties
 * @param metrics by name: {@code accuracy}, {@code precision}, {@code recall}, {@code f1}, {@code auc}
 *     for classification (macro averages over classes when there are more than two), {@code mae} and
 *     {@code rmse} for regression
 * @param examples number of holdout examples scored
 */
public record Evaluation(double loss, Map<String, Double> metrics, int examples) {

    public Evaluation {
        metrics = Map.copyOf(metrics);
    }

    /**
     * The value of a monitor name of {@link TrainerConfig} ({@code holdout_loss}, {@code
     * holdout_accuracy}, ...).
     */
    public double monitored(String monitor) {
        if (monitor.equals("holdout_loss")) {
            return loss;
        }
        Double value = monitor.startsWith("holdout_") ? metrics.get(monitor.substring("holdout_".length())) : null;
        if (value == null) {
            throw new IllegalArgumentException("monitor '" + monitor
                    + "' is not in this evaluation; it has holdout_loss and holdout_ + " + metrics.keySet());
        }
        return value;
    }
}
