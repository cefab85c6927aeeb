package dev.eddy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The trainer-input encoding of commands: a trial id travels with the command; earlier records read as before. */
class TrainerInputSerdeTest {

    private final TrainerInputSerde serde = new TrainerInputSerde();

    @Test
    void aCommandToATrialKeepsTheTrialIdAndOneToAModelIsEncodedAsBefore() {
        ModelCommand trial = new ModelCommand("m~t02", ModelCommand.Kind.SET, "learning-rate", "0.5");
        assertThat(((TrainerInput.Command)
                                serde.deserialize("t", serde.serialize("t", new TrainerInput.Command(trial))))
                        .command())
                .isEqualTo(trial);

        ModelCommand model = new ModelCommand("m", ModelCommand.Kind.SET, "learning-rate", "0.5");
        byte[] key = "learning-rate".getBytes(StandardCharsets.UTF_8);
        byte[] value = "0.5".getBytes(StandardCharsets.UTF_8);
        // The encoding written before trials could be addressed: kind byte, command ordinal, key, value.
        byte[] before = ByteBuffer.allocate(2 + 8 + key.length + value.length)
                .put((byte) 2)
                .put((byte) ModelCommand.Kind.SET.ordinal())
                .putInt(key.length)
                .put(key)
                .putInt(value.length)
                .put(value)
                .array();
        assertThat(serde.serialize("t", new TrainerInput.Command(model))).isEqualTo(before);
        assertThat(((TrainerInput.Command) serde.deserialize("t", before)).command())
                .isEqualTo(model.forModel(ModelCommand.ALL_MODELS));
    }
}
