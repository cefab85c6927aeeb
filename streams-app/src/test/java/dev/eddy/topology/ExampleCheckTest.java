package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.train.TrainerConfig;
import dev.eddy.schema.Example;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExampleCheckTest {

    private static Example.Builder example() {
        return Example.newBuilder()
                .setId("e")
                .setModelId("m")
                .setFeatures(List.of(0.5, -0.5))
                .setClassLabel(null)
                .setTarget(null)
                .setEventTime(Instant.EPOCH)
                .setWeight(null);
    }

    /** A label of the other kind says so and how to send it (it said only that the label was missing). */
    @Test
    void aLabelOfTheOtherKindIsNamedWithTheFlagThatSendsTheRightOne() {
        TrainerConfig regression =
                TrainerConfig.fromProperties(Map.of("input-size", "2", "layers", "1:linear", "loss", "mse"));
        TrainerConfig classification = TrainerConfig.fromProperties(Map.of("input-size", "2", "layers", "1:sigmoid"));

        assertThat(ExampleCheck.check(example().setClassLabel(151).build(), regression))
                .isEqualTo(new ExampleCheck.Failure(
                        DeadLetterReason.MISSING_LABEL,
                        "has classLabel 151 but regression model needs a target (eddy produce: --label-kind target)"));
        assertThat(ExampleCheck.check(example().setTarget(0.5).build(), classification))
                .isEqualTo(new ExampleCheck.Failure(
                        DeadLetterReason.MISSING_LABEL,
                        "has target 0.5 but classification model needs classLabel in [0, 2) (eddy produce:"
                                + " --label-kind class)"));
        assertThat(ExampleCheck.check(example().build(), regression).detail())
                .isEqualTo("regression model needs a target");
    }
}
