package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.state.DriftStatus;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.ModelStatuses;
import dev.eddy.state.WarmStartWait;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

class FinalSnapshotTriggerTest {

    /**
     * What the trainers publish and what the shutdown waits for are the same count: a search of 16 trials is one
     * FINAL snapshot (its trials' statuses count as the search), a model waiting for its warm-start source none.
     * Before, the shutdown counted every status, so an application with a search waited out its whole timeout and
     * warned "1 of 17 FINAL snapshots published".
     */
    @Test
    void aSearchPublishesOnceForItsTrialsAndAWaitingModelNot() {
        ModelStatus trained = ModelStatuses.example(DriftStatus.NONE, null);
        List<KeyValue<String, ModelStatus>> statuses = List.of(
                KeyValue.pair("m", trained),
                KeyValue.pair("s", trained),
                KeyValue.pair("s~t00", trained),
                KeyValue.pair("s~t01", trained),
                KeyValue.pair("s~t15", trained),
                KeyValue.pair("w", ModelStatus.waiting("w", new WarmStartWait("src", 3, 100))));

        assertThat(FinalSnapshotTrigger.publishingModels(statuses.iterator())).containsExactly("m", "s");
    }
}
