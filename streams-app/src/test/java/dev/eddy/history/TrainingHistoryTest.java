package dev.eddy.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.schema.TrainingEvent;
import dev.eddy.schema.TrainingMetrics;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TrainingHistoryTest {

    static TrainingMetrics record(String model, long step, TrainingEvent event) {
        return TrainingMetrics.newBuilder()
                .setModelId(model)
                .setStep(step)
                .setExamplesSeen(32 * step)
                .setTrainLoss(1.0 / step)
                .setHoldoutLoss(step % 2 == 0 ? 2.0 / step : null)
                .setHoldoutMetricName(step % 2 == 0 ? "accuracy" : null)
                .setHoldoutMetricValue(step % 2 == 0 ? 0.5 : null)
                .setLearningRate(0.01)
                .setGradientNorm(1)
                .setSnapshotVersion(step >= 3 ? step / 3 : null)
                .setPrequentialMetric(0.6)
                .setEvent(event)
                .setTime(Instant.ofEpochMilli(1000 + step))
                .build();
    }

    @Test
    void keepsTheLastPointsAndEventsOfEachModelNumberedInReadingOrder() {
        TrainingHistory history = new TrainingHistory(5);
        for (long step = 1; step <= 12; step++) {
            history.add(record("a", step, step % 4 == 0 ? new TrainingEvent("drift", "at " + step) : null));
        }
        history.add(record("b", 1, null));

        ModelHistory.Slice a = history.model("a").orElseThrow().after(0);
        assertThat(a.seq()).isEqualTo(12);
        assertThat(a.points()).extracting(HistoryPoint::step).containsExactly(6L, 7L, 9L, 10L, 11L);
        assertThat(a.points()).extracting(HistoryPoint::seq).containsExactly(6L, 7L, 9L, 10L, 11L);
        assertThat(a.events()).extracting(HistoryEvent::detail).containsExactly("at 4", "at 8", "at 12");
        assertThat(a.events().get(0).examples()).isEqualTo(128);
        assertThat(a.holdoutMetricName()).isEqualTo("accuracy");
        assertThat(history.model("a").orElseThrow().after(9).points())
                .extracting(HistoryPoint::step)
                .containsExactly(10L, 11L);
        assertThat(history.model("a").orElseThrow().after(11).events())
                .extracting(HistoryEvent::step)
                .containsExactly(12L);
        assertThat(history.model("a").orElseThrow().after(12).points()).isEmpty();
        assertThat(history.model("b").orElseThrow().latest().step()).isEqualTo(1);
        assertThat(history.models()).containsExactly("a", "b");
        assertThat(history.model("c")).isEmpty();
        assertThat(history.run()).hasSize(16).isNotEqualTo(new TrainingHistory().run());
    }

    @Test
    void keepsTwoThousandPointsPerModelByDefault() {
        TrainingHistory history = new TrainingHistory();
        for (long step = 1; step <= 2_500; step++) {
            history.add(record("m", step, null));
        }
        ModelHistory.Slice s = history.model("m").orElseThrow().after(0);
        assertThat(s.points()).hasSize(TrainingHistory.POINTS_PER_MODEL);
        assertThat(s.points().get(0).step()).isEqualTo(501);
    }

    @Test
    void writesUnknownFiguresAsNull() {
        TrainingHistory history = new TrainingHistory();
        history.add(record("m", 1, null));
        history.add(record("m", 2, null));
        history.add(record("m", 3, new TrainingEvent("drift-warning", "<b>rising</b>")));
        JsonNode json = HistoryJson.of(
                "m", history.run(), history.model("m").orElseThrow().after(0));
        assertThat(json.get("model").asText()).isEqualTo("m");
        assertThat(json.get("seq").asLong()).isEqualTo(3);
        assertThat(json.get("holdoutMetricName").asText()).isEqualTo("accuracy");
        JsonNode first = json.get("points").get(0);
        assertThat(first.get("examples").asLong()).isEqualTo(32);
        assertThat(first.get("trainLoss").asDouble()).isEqualTo(1.0);
        assertThat(first.get("holdoutLoss").isNull()).isTrue();
        assertThat(first.get("holdoutMetric").isNull()).isTrue();
        assertThat(first.get("prequential").asDouble()).isEqualTo(0.6);
        assertThat(first.get("prequentialWindow").isNull()).isTrue();
        assertThat(first.get("snapshotVersion").isNull()).isTrue();
        assertThat(json.get("points").get(1).get("holdoutMetric").asDouble()).isEqualTo(0.5);
        assertThat(json.get("events").get(0).get("kind").asText()).isEqualTo("drift-warning");
        assertThat(json.get("events").get(0).get("detail").asText()).isEqualTo("<b>rising</b>");
        assertThat(json.get("events").get(0).get("examples").asLong()).isEqualTo(96);
        JsonNode empty = HistoryJson.empty("new", "r");
        assertThat(empty.get("points")).isEmpty();
        assertThat(empty.get("seq").asLong()).isZero();
    }

    @Test
    void refusesANonPositiveCapacity() {
        assertThatThrownBy(() -> new TrainingHistory(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("history capacity must be at least 1, got 0");
    }
}
