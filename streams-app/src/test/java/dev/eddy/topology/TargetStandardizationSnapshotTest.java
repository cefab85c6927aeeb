package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.eddy.core.train.InferenceModel;
import dev.eddy.core.train.Trainer;
import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.serving.SnapshotModels;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A regression model trained with {@code standardize-target=true} is served from its snapshot in target units: the
 * snapshot's output layer holds the inverse of the standardization, so serving needs no field of its own.
 */
class TargetStandardizationSnapshotTest {

    @Test
    void theServedSnapshotPredictsWhatTheTrainerPredicts() {
        Trainer trainer = Trainer.create(TrainerConfig.fromProperties(Map.of(
                "input-size", "3",
                "layers", "8:relu,1:linear",
                "optimizer", "sgd",
                "learning-rate", "0.05",
                "batch-size", "1",
                "standardize-target", "true")));
        SplittableRandom random = new SplittableRandom(4);
        for (int r = 0; r < 2000; r++) {
            double[] x = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
            trainer.step(new double[][] {x}, new double[] {300 + 60 * x[0] - 20 * x[2]});
        }
        ModelSnapshot snapshot = SnapshotBuilder.build("m", 1, trainer, SnapshotReason.PERIODIC, Map.of(), null, 1L);
        ModelSnapshot decoded = AvroSerdes.modelSnapshots()
                .deserialize("eddy.model-snapshots", AvroSerdes.modelSnapshots().serialize("t", snapshot));
        InferenceModel served = SnapshotModels.inferenceModel(decoded);
        for (int r = 0; r < 20; r++) {
            double[][] x = {{random.nextGaussian(), random.nextGaussian(), random.nextGaussian()}};
            double expected = trainer.predictions(x)[0];
            assertThat(served.predict(x)[0][0]).isCloseTo(expected, within(1e-9 * Math.abs(expected)));
            assertThat(expected).isCloseTo(300 + 60 * x[0][0] - 20 * x[0][2], within(15.0));
        }
    }
}
