package dev.eddy.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.schema.Architecture;
import dev.eddy.schema.LayerSpec;
import dev.eddy.schema.ModelSnapshot;
import dev.eddy.schema.NamedTensor;
import dev.eddy.schema.SnapshotReason;
import dev.eddy.schema.Standardization;
import dev.eddy.serde.AvroSerdes;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A read of a snapshot topic lists every version but keeps whole only the snapshots it is asked for. */
class SnapshotLogTest {

    private static final String TOPIC = "eddy.model-snapshots";

    /** 100,000 parameters: 800 kB a version, 48 MB for the 60 versions of the topic below. */
    private static final int PARAMETERS = 100_000;

    /** Version {@code version} of model m with {@link #PARAMETERS} zero parameters, as the topic holds it. */
    private static byte[] record(long version, boolean accepted) {
        ModelSnapshot s = ModelSnapshot.newBuilder()
                .setModelId("m")
                .setVersion(version)
                .setArchitecture(Architecture.newBuilder()
                        .setInputSize(PARAMETERS)
                        .setLayers(List.of(LayerSpec.newBuilder()
                                .setUnits(1)
                                .setActivation("linear")
                                .setActivationParams(Map.of())
                                .setParameterCount(PARAMETERS)
                                .build()))
                        .setLoss("mse")
                        .build())
                .setParameters(List.of(NamedTensor.newBuilder()
                        .setName("dense_0/kernel")
                        .setShape(List.of(PARAMETERS, 1))
                        .setValues(ByteBuffer.allocate(PARAMETERS * Double.BYTES))
                        .build()))
                .setStandardization(Standardization.newBuilder()
                        .setMean(List.of())
                        .setVariance(List.of())
                        .setCount(0)
                        .build())
                .setExamplesSeen(version * 100)
                .setStepsSeen(version)
                .setHoldoutMetrics(Map.of("loss", 1.0 / (version + 1)))
                .setReason(SnapshotReason.PERIODIC)
                .setAccepted(accepted)
                .setRefusalReason(accepted ? null : "holdout loss worse")
                .setTrainingConfig("")
                .setCreatedAt(Instant.EPOCH)
                .build();
        return AvroSerdes.modelSnapshots().serializer().serialize(TOPIC, s);
    }

    /** Versions 0..59 of model m, the even ones accepted, scanned with {@code named} kept whole. */
    private static SnapshotLog scan(Set<SnapshotLog.Named> named) {
        SnapshotLog.Scan scan = new SnapshotLog.Scan(named, true);
        for (long v = 0; v < 60; v++) {
            scan.add(TOPIC, record(v, v % 2 == 0));
        }
        scan.add(TOPIC, null); // a tombstone
        scan.add(TOPIC, new byte[] {1, 2, 3});
        return scan.log();
    }

    @Test
    void listsEveryVersionButKeepsOnlyTheNewestAcceptedSnapshotWhole() {
        SnapshotLog log = scan(Set.of());
        assertThat(log.of("m")).hasSize(60);
        assertThat(log.of("m").get(59).refusalReason()).isEqualTo("holdout loss worse");
        assertThat(log.undecodable()).isEqualTo(1);
        assertThat(log.keptSnapshots()).isEqualTo(1);
        assertThat(log.accepted("m", null))
                .hasValueSatisfying(s -> assertThat(s.getVersion()).isEqualTo(58));
    }

    @Test
    void keepsANamedVersionWholeBesidesTheNewestAccepted() {
        SnapshotLog log = scan(Set.of(new SnapshotLog.Named("m", 7)));
        assertThat(log.keptSnapshots()).isEqualTo(2);
        assertThat(log.accepted("m", 7L))
                .hasValueSatisfying(s -> assertThat(s.getAccepted()).isFalse());
        assertThat(log.accepted("m", 58L)).isPresent();
        assertThat(log.accepted("m", 60L)).isEmpty();
        assertThatThrownBy(() -> log.accepted("m", 9L))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("version 9 of model 'm' was not named");
    }

    @Test
    void aReadNeverCreatesTheTopicEvenWhenTheClientSettingsAllowIt() {
        assertThat(SnapshotLog.consumerProperties("localhost:9092", Map.of("allow.auto.create.topics", "true")))
                .containsEntry("allow.auto.create.topics", "false");
    }
}
