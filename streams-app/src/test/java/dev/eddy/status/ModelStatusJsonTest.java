package dev.eddy.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.core.drift.DriftState;
import dev.eddy.core.ensemble.MemberState;
import dev.eddy.state.DriftStatus;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.ModelStatuses;
import dev.eddy.state.WarmStartWait;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelStatusJsonTest {

    @Test
    void anEnsembleListsItsMembersAndOneNetworkDoesNot() {
        DriftStatus drift = new DriftStatus("none", false, 0, 0, -1, false);
        String ensemble = ModelStatusJson.of(
                        "m",
                        ModelStatuses.example(
                                drift,
                                null,
                                List.of(
                                        new MemberState(0, 1, DriftState.NONE, "accuracy", 0.875),
                                        new MemberState(1, 0, DriftState.WARNING, "accuracy", Double.NaN))),
                        null,
                        "host:1")
                .toString();
        assertThat(ensemble)
                .contains("\"members\":[{\"member\":0,\"resets\":1,\"drift\":\"none\",\"accuracy\":0.875},"
                        + "{\"member\":1,\"resets\":0,\"drift\":\"warning\",\"accuracy\":null}]");
        assertThat(ModelStatusJson.of("m", ModelStatuses.example(drift, null), null, "host:1")
                        .has("members"))
                .isFalse();
    }

    @Test
    void aWaitingModelSaysWhatItWaitsFor() {
        String waiting = ModelStatusJson.of(
                        "tgt", ModelStatus.waiting("tgt", new WarmStartWait("src", 12, 100)), null, "host:1")
                .toString();
        assertThat(waiting)
                .contains("\"state\":\"waiting\"")
                .contains("\"latestVersion\":null")
                .endsWith("\"waitingFor\":{\"model\":\"src\",\"snapshot\":\"first\",\"held\":12,\"maxHeld\":100}}");
        assertThat(ModelStatusJson.of("m", ModelStatuses.example(DriftStatus.NONE, null), null, "host:1")
                        .get("waitingFor")
                        .isNull())
                .isTrue();
    }
}
