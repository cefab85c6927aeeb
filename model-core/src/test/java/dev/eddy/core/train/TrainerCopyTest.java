package dev.eddy.core.train;

import static dev.eddy.core.train.TrainerTest.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Trainer#copyOf}: population-based training's exploit. */
class TrainerCopyTest {

    private static Trainer trained(TrainerConfig config, int steps) {
        Trainer t = Trainer.create(config);
        TrainerTest.Batches data = new TrainerTest.Batches(1, 6, 3);
        for (int i = 0; i < steps; i++) {
            data.next(config.batchSize());
            t.step(data.x, data.y);
        }
        return t;
    }

    private static List<double[]> weights(Trainer t) {
        return Architecture.weights(t.network());
    }

    /**
     * The copy has the donor's weights, batch-norm statistics and standardization now; its next Adam step under a new
     * learning rate and l2 equals the donor's own next step after the same live change of rate (restored from its
     * state), so the moments and the optimizer's update count are the donor's too.
     */
    @Test
    void theCopyHasTheDonorsWeightsAndMomentsUnderTheNewRate() {
        Trainer donor = trained(config("optimizer", "adam", "learning-rate", "0.01"), 7);
        Trainer receiver = trained(config("optimizer", "adam", "learning-rate", "0.001", "seed", "9"), 3);
        TrainerConfig changed = donor.config().with("learning-rate", "0.012");
        Trainer copy = Trainer.copyOf(changed, donor).continuingFrom(receiver);

        assertThat(weights(copy)).containsExactlyElementsOf(weights(donor));
        assertThat(copy.config()).isEqualTo(changed);
        assertThat(copy.steps()).isEqualTo(3);
        assertThat(copy.examplesSeen()).isEqualTo(24);
        assertThat(copy.learningRate()).isEqualTo(0.012);

        Trainer reference = Trainer.restore(donor.state());
        reference.set("learning-rate", "0.012");
        TrainerTest.Batches data = new TrainerTest.Batches(5, 6, 3).next(8);
        copy.step(data.x, data.y);
        reference.step(data.x, data.y);
        assertThat(weights(copy)).containsExactlyElementsOf(weights(reference));

        // fresh moments (a warm start of the same weights) would give another step: the test sees the moments
        Trainer freshMoments = Trainer.warmStart(changed, donor.inferenceModel());
        freshMoments.step(data.x, data.y);
        assertThat(weights(freshMoments).get(0)).isNotEqualTo(weights(reference).get(0));
    }

    /** A non-live key (l2) changes the loss from the next step; the donor is not touched by the copy's steps. */
    @Test
    void aNonLiveKeyIsInForceAndTheDonorIsUntouched() {
        Trainer donor = trained(config("optimizer", "sgd", "learning-rate", "0.05"), 5);
        List<double[]> before = weights(donor).stream().map(double[]::clone).toList();
        Trainer copy = Trainer.copyOf(donor.config().with("l2", "0.5"), donor);
        Trainer sameConfig = Trainer.copyOf(donor.config(), donor);
        TrainerTest.Batches data = new TrainerTest.Batches(5, 6, 3).next(8);
        copy.step(data.x, data.y);
        sameConfig.step(data.x, data.y);
        assertThat(weights(donor)).containsExactlyElementsOf(before);
        assertThat(weights(copy).get(0)).isNotEqualTo(weights(sameConfig).get(0));
        assertThat(copy.steps()).as("counters start at 0 unless continued").isEqualTo(1);
    }

    @Test
    void aCopyAcrossLayersOrOptimizersIsRefusedNamingTheKeys() {
        Trainer donor = trained(config("optimizer", "adam"), 2);
        assertThatThrownBy(() -> Trainer.copyOf(config("optimizer", "sgd", "layers", "4:relu,3:softmax"), donor))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[layers, optimizer]");
        assertThatThrownBy(() -> Trainer.copyOf(config("optimizer", "adam", "amsgrad", "true"), donor))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit adam");
    }
}
