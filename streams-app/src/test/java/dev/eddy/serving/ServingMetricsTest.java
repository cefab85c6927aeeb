package dev.eddy.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ServingMetricsTest {

    @Test
    void countsPredictionsDeadLettersSwapsAndRefusalsPerTag() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ServingMetrics metrics = new ServingMetrics();
        metrics.bindTo(registry);
        metrics.onSwap("m", 3);
        metrics.onPrediction("m", 3);
        metrics.onPrediction("m", 3);
        metrics.onSwap("m", 4);
        metrics.onDeadLetter(ScoringFailure.NO_SNAPSHOT);
        metrics.onRefused("m", 5, "worse");
        metrics.onSnapshotUnservable("m", 6, "undecodable");

        assertThat(registry.get("eddy.serving.predictions")
                        .tag("model", "m")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get("eddy.serving.swaps")
                        .tag("model", "m")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get("eddy.serving.model.version")
                        .tag("model", "m")
                        .gauge()
                        .value())
                .isEqualTo(4);
        assertThat(registry.get("eddy.serving.dead.letters")
                        .tag("reason", "no-snapshot")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("eddy.serving.dead.letters").counter().getId().getTags())
                .as("a scoring failure's record may name no model")
                .containsExactly(Tag.of("reason", "no-snapshot"));
        assertThat(registry.get("eddy.quality.gate.refusals")
                        .tag("model", "m")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("eddy.serving.snapshots.unservable")
                        .tag("model", "m")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void refusesToCountBeforeItIsBound() {
        assertThatThrownBy(() -> new ServingMetrics().onPrediction("m", 1))
                .hasMessage("ServingMetrics used before bindTo(registry)");
    }
}
