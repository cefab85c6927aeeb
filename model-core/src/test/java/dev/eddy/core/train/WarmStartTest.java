package dev.eddy.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.optim.Parameter;
import dev.eddy.core.preprocess.Standardizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmStartTest {

    static Trainer trained() {
        Trainer source = Trainer.create(TrainerTest.config());
        TrainerTest.Batches data = new TrainerTest.Batches(3, 6, 3);
        for (int i = 0; i < 20; i++) {
            source.step(data.next(8).x, data.y);
        }
        return source;
    }

    @Test
    void startsAtStepZeroWithTheSourceParametersExactly() {
        InferenceModel source = trained().inferenceModel();
        Trainer warm = Trainer.warmStart(TrainerTest.config("seed", "99"), source);

        assertThat(warm.steps()).isZero();
        assertThat(TrainerTest.bits(warm)).isEqualTo(TrainerTest.bits(Trainer.warmStart(TrainerTest.config(), source)));
        List<Parameter> from = source.network().parameters();
        List<Parameter> to = warm.network().parameters();
        for (int i = 0; i < from.size(); i++) {
            assertThat(to.get(i).value())
                    .as(from.get(i).name())
                    .isEqualTo(from.get(i).value());
        }
        double[][] probe = new TrainerTest.Batches(5, 6, 3).next(4).x;
        assertThat(warm.inferenceModel().predict(probe)).isEqualTo(source.predict(probe));
    }

    @Test
    void frozenLayersKeepTheirWeightsWhileTheRestTrains() {
        InferenceModel source = trained().inferenceModel();
        Trainer warm = Trainer.warmStart(TrainerTest.config("frozen-layers", "1"), source);
        TrainerTest.Batches data = new TrainerTest.Batches(4, 6, 3);
        for (int i = 0; i < 10; i++) {
            warm.step(data.next(8).x, data.y);
        }
        List<Parameter> before = source.network().parameters();
        List<Parameter> after = warm.network().parameters();
        for (int i = 0; i < before.size(); i++) {
            boolean firstLayer = after.get(i).name().startsWith("dense0.");
            if (firstLayer) {
                assertThat(after.get(i).value())
                        .as(after.get(i).name())
                        .isEqualTo(before.get(i).value());
            } else {
                assertThat(after.get(i).value())
                        .as(after.get(i).name())
                        .isNotEqualTo(before.get(i).value());
            }
        }
    }

    @Test
    void refusesAnIncompatibleArchitecture() {
        InferenceModel source = trained().inferenceModel();
        TrainerConfig other = TrainerTest.config("layers", "12:relu,3:softmax");
        assertThatThrownBy(() -> Trainer.warmStart(other, source))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot warm-start")
                .hasMessageContaining("12:relu");
    }

    @Test
    void frozenLayersMustLeaveSomethingToTrain() {
        assertThatThrownBy(() -> TrainerTest.config("frozen-layers", "3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frozen-layers must be < the number of layers (3)");
    }

    @Test
    void standardizerOfInvertsItsAccessors() {
        Standardizer s = new Standardizer(2);
        s.update(new double[] {1, 10});
        s.update(new double[] {3, 14});
        s.update(new double[] {8, 9});
        Standardizer copy = Standardizer.of(
                s.count(), new double[] {s.mean(0), s.mean(1)}, new double[] {s.variance(0), s.variance(1)});
        double[] a = {2, 11};
        double[] b = {2, 11};
        s.transform(a, a);
        copy.transform(b, b);
        assertThat(b[0]).isCloseTo(a[0], org.assertj.core.api.Assertions.within(1e-15));
        assertThat(b[1]).isCloseTo(a[1], org.assertj.core.api.Assertions.within(1e-15));
        assertThatThrownBy(() -> Standardizer.of(1, new double[] {0}, new double[] {-1}))
                .hasMessageContaining("variance >= 0");
    }
}
