package dev.eddy.core.train;

import static dev.eddy.core.train.TrainerTest.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PredictionsTest {

    /** Over random batches of a partly trained net: Σ [ŷ = y] = n · accuracy, Σ (ŷ − y)² = n · rmse². */
    @ParameterizedTest
    @CsvSource({
        "'16:relu:batchnorm:dropout=0.3,8:tanh:dropout=0.1,3:softmax', , 3",
        "'8:relu:dropout=0.2,1:sigmoid', , 2",
        "'8:relu,1:linear', hinge, 2",
        "'8:relu:batchnorm,1:linear', , 0"
    })
    void agreeWithEvaluateAndChangeNoState(String layers, String loss, int classes) {
        Trainer t = Trainer.create(loss == null ? config("layers", layers) : config("layers", layers, "loss", loss));
        TrainerTest.Batches data = new TrainerTest.Batches(3, 6, classes);
        TrainerTest.train(t, data, new TrainerTest.Batches(4, 6, classes), 20, 100);
        for (int rows : new int[] {1, 7, 64}) {
            data.next(rows);
            byte[] before = t.state();
            double[] predicted = t.predictions(data.x);
            assertThat(t.state()).isEqualTo(before);
            assertThat(predicted).hasSize(rows);
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                double error = predicted[r] - data.y[r];
                sum += classes > 0 ? (error == 0 ? 1 : 0) : error * error;
            }
            Evaluation e = t.evaluate(data.x, data.y);
            if (classes > 0) {
                assertThat(sum).isEqualTo(Math.round(e.metrics().get("accuracy") * rows));
            } else {
                double rmse = e.metrics().get("rmse");
                assertThat(sum).isCloseTo(rmse * rmse * rows, offset(1e-9 * Math.max(1, sum)));
            }
        }
    }
}
