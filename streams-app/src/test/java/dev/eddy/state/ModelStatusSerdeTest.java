package dev.eddy.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.core.drift.DriftState;
import dev.eddy.core.ensemble.MemberState;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ModelStatusSerdeTest {

    private static final ModelStatusSerde SERDE = new ModelStatusSerde();

    private static ModelStatus status(DriftStatus drift) {
        return status(drift, null);
    }

    private static ModelStatus status(DriftStatus drift, WarmStartSource warmStart) {
        return ModelStatuses.example(drift, warmStart);
    }

    @Test
    void roundTripsWithTheDriftStatus() {
        ModelStatus s = status(new DriftStatus("adwin", true, 4, 2, 9_876, true));
        assertThat(SERDE.deserialize("t", SERDE.serialize("t", s))).isEqualTo(s);
    }

    @Test
    void roundTripsWithEitherWarmStartSource() {
        for (WarmStartSource source : new WarmStartSource[] {
            WarmStartSource.snapshot("src", 12), WarmStartSource.file("/models/m.eddy", "ab".repeat(32)), null
        }) {
            ModelStatus s = status(new DriftStatus("adwin", false, 0, 0, -1, false), source);
            assertThat(SERDE.deserialize("t", SERDE.serialize("t", s))).isEqualTo(s);
        }
    }

    /** A status written by the previous version (format 3: no warm-start source) still reads, without a source. */
    @Test
    void readsTheFormatWrittenBeforeWarmStarts() throws IOException {
        ModelStatus s = status(new DriftStatus("adwin", true, 4, 2, 9_876, true));
        byte[] current = SERDE.serialize("t", s);
        // format 3 ends before the source's kind (and format 5's member count, format 6's wait flag)
        byte[] old = java.util.Arrays.copyOf(current, current.length - 1 - 4 - 1);
        old[0] = 3;
        assertThat(SERDE.deserialize("t", old)).isEqualTo(s);
    }

    /** A status written by format 2 (prequential fields, no drift) still reads. */
    @Test
    void readsTheFormatWrittenBeforeDriftHandling() throws IOException {
        ModelStatus s = status(DriftStatus.NONE);
        byte[] current = SERDE.serialize("t", s);
        ByteArrayOutputStream old = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(old)) {
            out.writeByte(2);
            // everything after the version byte up to the drift fields, which format 2 did not have
            // and the source's kind byte, the member count and the wait flag
            int driftBytes = 2 + "none".length() + 1 + 8 + 8 + 8 + 1 + 1 + 4 + 1;
            out.write(current, 1, current.length - 1 - driftBytes);
        }
        assertThat(SERDE.deserialize("t", old.toByteArray())).isEqualTo(s);
        byte[] future = current.clone();
        future[0] = 7;
        assertThatThrownBy(() -> SERDE.deserialize("t", future))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("format version 7 is not supported; this build reads 1 to 6");
    }

    @Test
    void roundTripsAnEnsemblesMembers() {
        ModelStatus s = ModelStatuses.example(
                new DriftStatus("none", false, 0, 0, -1, false),
                null,
                List.of(
                        new MemberState(0, 1, DriftState.NONE, "accuracy", 0.875),
                        new MemberState(1, 0, DriftState.WARNING, "accuracy", Double.NaN)));
        assertThat(SERDE.deserialize("t", SERDE.serialize("t", s))).isEqualTo(s);
    }

    /** A status written before ensembles (format 4: no member count) still reads, with no members. */
    @Test
    void readsTheFormatWrittenBeforeEnsembles() {
        ModelStatus s = status(new DriftStatus("adwin", true, 4, 2, 9_876, true), WarmStartSource.snapshot("src", 3));
        byte[] current = SERDE.serialize("t", s);
        byte[] old = java.util.Arrays.copyOf(current, current.length - 4 - 1);
        old[0] = 4;
        assertThat(SERDE.deserialize("t", old)).isEqualTo(s);
    }

    @Test
    void roundTripsAModelWaitingForItsWarmStartSource() {
        ModelStatus s = ModelStatus.waiting("tgt", new WarmStartWait("src", 12, 100));
        assertThat(SERDE.deserialize("t", SERDE.serialize("t", s))).isEqualTo(s);
    }

    /** A status written before the wait for a warm-start source (format 5: no wait flag) still reads, not waiting. */
    @Test
    void readsTheFormatWrittenBeforeTheWait() {
        ModelStatus s = ModelStatuses.example(
                new DriftStatus("none", false, 0, 0, -1, false),
                WarmStartSource.snapshot("src", 3),
                List.of(new MemberState(0, 1, DriftState.NONE, "accuracy", 0.875)));
        byte[] current = SERDE.serialize("t", s);
        byte[] old = java.util.Arrays.copyOf(current, current.length - 1);
        old[0] = 5;
        assertThat(SERDE.deserialize("t", old)).isEqualTo(s);
    }
}
