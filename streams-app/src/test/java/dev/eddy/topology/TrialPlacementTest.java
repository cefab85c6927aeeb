package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.config.EddyConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where a spread search's trials train, and which partitions a record for a model or a trial must reach: the routers
 * copy examples and commands there ({@link ExampleRouter}, {@link CommandRouter}).
 */
class TrialPlacementTest {

    private static EddyConfig config(String placement) {
        Map<String, String> s = new HashMap<>(TrainingFixture.logisticModel("s"));
        s.putAll(TrainingFixture.logisticModel("plain"));
        s.put("model.s.search.strategy", "random");
        s.put("model.s.search.trials", "6");
        s.put("model.s.search.placement", placement);
        s.put("model.s.search.space.learning-rate", "0.01|0.1");
        return EddyConfig.of(s);
    }

    @Test
    void trialTOfModelMTrainsInPartitionPOfMPlusTModuloP() {
        TrialPlacement placement = TrialPlacement.of(config("spread"), new ModelPartitions(4));
        int home = placement.home("s");
        assertThat(home).isEqualTo(new ModelPartitions(4).of("s"));
        for (int t = 0; t < 6; t++) {
            assertThat(placement.host("s", t)).isEqualTo((home + t) % 4);
        }
        assertThat(placement.partitionsOf("s")).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(placement.partitionsOf("plain")).containsExactly(placement.home("plain"));
        assertThat(placement.trainsIn("s", (home + 1) % 4)).isTrue();
        assertThat(placement.trainsIn("plain", (placement.home("plain") + 1) % 4))
                .isFalse();
    }

    @Test
    void fewerTrialsThanPartitionsUseAsManyPartitions() {
        TrialPlacement placement = TrialPlacement.of(config("spread"), new ModelPartitions(8));
        assertThat(placement.partitionsOf("s")).hasSize(6);
    }

    @Test
    void inOneTaskWhenToldOrWhenTheInputHasOnePartition() {
        TrialPlacement task = TrialPlacement.of(config("task"), new ModelPartitions(4));
        assertThat(task.spreads("s")).isFalse();
        assertThat(task.partitionsOf("s")).containsExactly(task.home("s"));
        assertThat(task.host("s", 3)).isEqualTo(task.home("s"));
        TrialPlacement one = TrialPlacement.of(config("spread"), ModelPartitions.ONE);
        assertThat(one.spreads("s")).isFalse();
        assertThat(one.trainsIn("s", 0)).isTrue();
    }
}
