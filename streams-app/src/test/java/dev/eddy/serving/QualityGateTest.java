package dev.eddy.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.monitor.Mode;
import dev.eddy.schema.Architecture;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.serde.AvroSerdes;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QualityGateTest {

    @TempDir
    Path stateDir;

    @Test
    void lossGateRefusesOnlyWhatIsWorseThanTheLastAcceptedByMoreThanTheTolerance() {
        List<ModelSnapshot> out = run(
                new QualityGate(true, "loss", 0.1),
                List.of(
                        snapshot("m", 1, Map.of("loss", 0.50)), // first: accepted
                        snapshot(
                                "m",
                                2,
                                Map.of("loss", 0.60)), // 0.50 + 0.1 < 0.60 is false (binary 0.6 == 0.5 + 0.1): accepted
                        snapshot("m", 3, Map.of("loss", 0.71)), // 0.60 + 0.1 < 0.71: refused
                        snapshot(
                                "m",
                                4,
                                Map.of("loss", 0.65)), // compared with v2 (refused v3 is never the reference): accepted
                        snapshot("m", 5, Map.of()))); // no loss while v4 had one: refused
        assertThat(out).extracting(ModelSnapshot::getAccepted).containsExactly(true, true, false, true, false);
        assertThat(out.get(2).getRefusalReason())
                .isEqualTo("holdout loss 0.71 is worse than v2's 0.6 by more than the tolerance 0.1");
        assertThat(out.get(4).getRefusalReason()).isEqualTo("no holdout loss to compare with v4's 0.65");
        assertThat(out.get(1).getRefusalReason()).isNull();
    }

    @Test
    void accuracyGateIsMaximizedAndModelsAreJudgedSeparately() {
        List<ModelSnapshot> out = run(
                new QualityGate(true, "accuracy", 0.0),
                List.of(
                        snapshot("a", 1, Map.of("accuracy", 0.90)),
                        snapshot("b", 1, Map.of("accuracy", 0.50)),
                        snapshot("a", 2, Map.of("accuracy", 0.89)), // worse than 0.90: refused
                        snapshot("b", 2, Map.of("accuracy", 0.55)), // better: accepted
                        snapshot("a", 3, Map.of("accuracy", 0.90)))); // equal is not worse: accepted
        assertThat(out).extracting(ModelSnapshot::getAccepted).containsExactly(true, true, false, true, true);
    }

    /**
     * Every gate metric in its own direction: from an accepted 0.5, a candidate 0.1 worse is refused and one 0.1 better
     * accepted, where worse is higher for loss, mae and rmse and lower for accuracy, precision, recall, f1 and auc.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "loss, true",
        "mae, true",
        "rmse, true",
        "accuracy, false",
        "precision, false",
        "recall, false",
        "f1, false",
        "auc, false"
    })
    void eachMetricIsJudgedInItsDirection(String metric, boolean minimized) {
        double worse = minimized ? 0.6 : 0.4;
        double better = minimized ? 0.4 : 0.6;
        QualityGate gate = new QualityGate(true, metric, 0.0);
        assertThat(gate.mode()).isEqualTo(minimized ? Mode.MIN : Mode.MAX);
        List<ModelSnapshot> out = run(
                gate,
                List.of(
                        snapshot("m", 1, Map.of(metric, 0.5)),
                        snapshot("m", 2, Map.of(metric, worse)),
                        snapshot("m", 3, Map.of(metric, better))));
        assertThat(out).extracting(ModelSnapshot::getAccepted).containsExactly(true, false, true);
        assertThat(out.get(1).getRefusalReason())
                .isEqualTo(
                        "holdout " + metric + " " + worse + " is worse than v1's 0.5 by more than the tolerance 0.0");
    }

    @Test
    void snapshotsWithoutMetricsAreAcceptedUntilOneHasTheMetric() {
        List<ModelSnapshot> out = run(
                new QualityGate(true, "loss", 0),
                List.of(snapshot("m", 1, Map.of()), snapshot("m", 2, Map.of()), snapshot("m", 3, Map.of("loss", 9.0))));
        assertThat(out).extracting(ModelSnapshot::getAccepted).containsExactly(true, true, true);
    }

    /**
     * A drift or a challenger's swap starts the comparison afresh: its snapshot is accepted, and the next one's metric
     * (on the new concept's holdout) is the new reference, however much worse than before the change.
     */
    @Test
    void aDriftOrAChallengerStartsTheComparisonAfresh() {
        QualityGate gate = new QualityGate(true, "loss", 0.05);
        List<ModelSnapshot> out = run(
                gate,
                List.of(
                        snapshot("m", 1, Map.of("loss", 0.1)),
                        snapshot("m", 2, Map.of("loss", 0.9)),
                        reason(snapshot("m", 3, Map.of("loss", 0.9)), SnapshotReason.DRIFT),
                        snapshot("m", 4, Map.of("loss", 0.7)),
                        snapshot("m", 5, Map.of("loss", 0.8)),
                        reason(snapshot("m", 6, Map.of("loss", 2.0)), SnapshotReason.CHALLENGER),
                        snapshot("m", 7, Map.of("loss", 0.6))));
        assertThat(out)
                .extracting(ModelSnapshot::getAccepted)
                .containsExactly(true, false, true, true, false, true, true);
    }

    private static ModelSnapshot reason(ModelSnapshot s, SnapshotReason reason) {
        return ModelSnapshot.newBuilder(s).setReason(reason).build();
    }

    @Test
    void gateOffAcceptsEverything() {
        List<ModelSnapshot> out = run(
                QualityGate.OFF, List.of(snapshot("m", 1, Map.of("loss", 0.1)), snapshot("m", 2, Map.of("loss", 5.0))));
        assertThat(out).extracting(ModelSnapshot::getAccepted).containsExactly(true, true);
    }

    @Test
    void readsItsSettingsFromTheApplicationConfiguration() {
        Map<String, String> p = new HashMap<>(ServingFixture.settings("m"));
        p.put("gate.enabled", "true");
        p.put("gate.metric", "accuracy");
        p.put("gate.tolerance", "0.02");
        assertThatThrownBy(() -> QualityGate.of(dev.eddy.config.EddyConfig.of(p)))
                .as("the snapshots carry the loss and the monitored metric only")
                .hasMessage("gate.metric=accuracy is not in the snapshots of model 'm', which carry the holdout loss"
                        + " and the metric the model monitors (holdout_loss): set"
                        + " model.m.early-stopping.monitor=holdout_accuracy (with early-stopping.enabled=true), or"
                        + " gate.metric=loss");
        p.put("model.m.early-stopping.enabled", "true");
        p.put("model.m.early-stopping.monitor", "holdout_accuracy");
        assertThat(QualityGate.of(dev.eddy.config.EddyConfig.of(p))).isEqualTo(new QualityGate(true, "accuracy", 0.02));
        assertThat(QualityGate.of(dev.eddy.config.EddyConfig.of(ServingFixture.settings("m")))
                        .enabled())
                .isFalse();
    }

    @Test
    void badSettingsNameTheKeyAndTheAllowedValues() {
        assertThatThrownBy(() -> new QualityGate(true, "loss", -1))
                .hasMessage("gate.tolerance must be a finite number >= 0, got -1.0");
        assertThatThrownBy(() -> new QualityGate(true, "speed", 0))
                .hasMessageStartingWith("gate.metric must be one of [loss, mae, rmse, accuracy");
    }

    private final List<String> refusals = new ArrayList<>();

    /** Runs the gate processor on a TopologyTestDriver, as it runs after the trainer. */
    private List<ModelSnapshot> run(QualityGate gate, List<ModelSnapshot> in) {
        StreamsBuilder b = new StreamsBuilder();
        ServingListener listener = new ServingListener() {
            @Override
            public void onRefused(String modelId, long version, String reason) {
                refusals.add(modelId + " v" + version);
            }
        };
        b.stream("in", Consumed.with(Serdes.String(), AvroSerdes.modelSnapshots()))
                .processValues(gate.supplier(listener), Named.as("quality-gate"))
                .to("out", Produced.with(Serdes.String(), AvroSerdes.modelSnapshots()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "gate-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(b.build(), props)) {
            TestInputTopic<String, ModelSnapshot> input = driver.createInputTopic(
                    "in",
                    Serdes.String().serializer(),
                    AvroSerdes.modelSnapshots().serializer());
            TestOutputTopic<String, ModelSnapshot> output = driver.createOutputTopic(
                    "out",
                    Serdes.String().deserializer(),
                    AvroSerdes.modelSnapshots().deserializer());
            in.forEach(s -> input.pipeInput(s.getModelId(), s));
            List<ModelSnapshot> out = output.readValuesToList();
            assertThat(refusals)
                    .hasSize((int) out.stream().filter(s -> !s.getAccepted()).count());
            return out;
        }
    }

    static ModelSnapshot snapshot(String model, long version, Map<String, Double> metrics) {
        return ModelSnapshot.newBuilder()
                .setModelId(model)
                .setVersion(version)
                .setArchitecture(new Architecture(2, List.of(), "mse"))
                .setParameters(List.of())
                .setStandardization(null)
                .setExamplesSeen(0)
                .setStepsSeen(version)
                .setHoldoutMetrics(new HashMap<>(metrics))
                .setReason(SnapshotReason.PERIODIC)
                .setAccepted(true)
                .setRefusalReason(null)
                .setTrainingConfig("")
                .setCreatedAt(Instant.ofEpochMilli(0))
                .build();
    }
}
