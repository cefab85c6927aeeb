package dev.eddy.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.state.DriftStatus;
import dev.eddy.state.ModelStatus;
import dev.eddy.state.ModelStatuses;
import dev.eddy.state.WarmStartSource;
import org.junit.jupiter.api.Test;

class ModelStatusJsonTest {

    private static ModelStatus status(WarmStartSource warmStart) {
        return ModelStatuses.example(DriftStatus.UNKNOWN, warmStart);
    }

    @Test
    void theWarmStartSourceIsTheModelAndVersionOrTheFileAndItsSha256() {
        assertThat(ModelStatusJson.of("m", status(WarmStartSource.snapshot("src", 12)), 3L, "h:1")
                        .get("warmStart")
                        .toString())
                .isEqualTo("{\"model\":\"src\",\"version\":12}");
        String sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assertThat(ModelStatusJson.of("m", status(WarmStartSource.file("/models/src.eddy", sha)), 3L, "h:1")
                        .get("warmStart")
                        .toString())
                .isEqualTo("{\"file\":\"/models/src.eddy\",\"sha256\":\"" + sha + "\"}");
        assertThat(ModelStatusJson.of("m", status(null), 3L, "h:1")
                        .get("warmStart")
                        .isNull())
                .isTrue();
    }
}
