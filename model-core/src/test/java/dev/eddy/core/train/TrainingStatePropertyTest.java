package dev.eddy.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Save → restore → continue equals never stopping, for random configurations and step counts. */
class TrainingStatePropertyTest {

    @Provide
    Arbitrary<TrainerConfig> configs() {
        Arbitrary<String> optimizer = Arbitraries.of(TrainerConfig.OPTIMIZERS);
        Arbitrary<String> hidden = Combinators.combine(
                        Arbitraries.integers().between(1, 12),
                        Arbitraries.of("relu", "tanh", "elu", "selu", "gelu", "leaky_relu", "softplus"),
                        Arbitraries.of(true, false),
                        Arbitraries.of(0.0, 0.2, 0.5))
                .as((units, activation, batchNorm, dropout) -> units + ":" + activation
                        + (batchNorm ? ":batchnorm" : "") + (dropout > 0 ? ":dropout=" + dropout : ""));
        Arbitrary<String> output = Arbitraries.of("1:sigmoid", "3:softmax", "1:linear");
        Arbitrary<String> schedule = Arbitraries.of("constant", "exponential", "one-cycle");
        Arbitrary<String> clip = Arbitraries.of("", "clip.global-norm", "clip.value");
        return Combinators.combine(
                        optimizer,
                        hidden.list().ofMinSize(1).ofMaxSize(2),
                        output,
                        schedule,
                        clip,
                        Arbitraries.of(true, false),
                        Arbitraries.longs().between(0, 1000))
                .as((opt, layers, out, sched, clipKey, standardize, seed) -> {
                    Map<String, String> p = new HashMap<>();
                    p.put("input-size", "4");
                    p.put("layers", String.join(",", layers) + "," + out);
                    p.put("optimizer", opt);
                    p.put("schedule", sched);
                    if (sched.equals("one-cycle")) {
                        p.put("schedule.total-steps", "40");
                    }
                    if (!clipKey.isEmpty()) {
                        p.put(clipKey, "0.5");
                    }
                    p.put("standardize", Boolean.toString(standardize));
                    p.put("seed", Long.toString(seed));
                    p.put("plateau.enabled", "true");
                    p.put("plateau.patience", "1");
                    p.put("early-stopping.patience", "3");
                    return TrainerConfig.fromProperties(p);
                });
    }

    @Property(tries = 60)
    void resumedTrainingIsBitIdentical(
            @ForAll("configs") TrainerConfig config,
            @ForAll @IntRange(min = 0, max = 12) int before,
            @ForAll @IntRange(min = 1, max = 12) int after) {
        int classes = config.loss().equals("categorical_crossentropy") ? 3 : config.classification() ? 2 : 0;
        Trainer uninterrupted = Trainer.create(config);
        TrainerTest.train(
                uninterrupted,
                new TrainerTest.Batches(1, 4, classes),
                new TrainerTest.Batches(2, 4, classes),
                before + after,
                4);

        TrainerTest.Batches data = new TrainerTest.Batches(1, 4, classes);
        TrainerTest.Batches holdout = new TrainerTest.Batches(2, 4, classes);
        Trainer first = Trainer.create(config);
        TrainerTest.train(first, data, holdout, before, 4);
        byte[] state = first.state();
        Trainer resumed = Trainer.restore(state);
        assertThat(resumed.state()).isEqualTo(state);
        assertThat(resumed.config()).isEqualTo(config);
        TrainerTest.train(resumed, data, holdout, after, 4);

        assertThat(TrainerTest.bits(resumed)).isEqualTo(TrainerTest.bits(uninterrupted));
        assertThat(resumed.state()).isEqualTo(uninterrupted.state());
    }
}
